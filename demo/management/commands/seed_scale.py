"""Fill an empty database with synthetic partnerships at scale: `manage.py seed_scale --scale N`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Partnership
from demo.scale import LARGE_SLUG, scale_build


class Command(BaseCommand):
    help = (
        "Add one large synthetic partnership (500 x N actions over 3 strategies, 12 reporting periods of "
        "updates, 40 x N members, 20 x N meetings, risks and indicators) and 10 x N ordinary ones beside "
        "it, written in bulk, for measuring pages at scale. Its people have no password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="How many times larger (default 1).")

    def handle(self, *args, scale, **options):
        if scale < 1:
            raise CommandError("The scale is a whole number from 1.")
        if Partnership.objects.filter(slug=LARGE_SLUG).exists():
            raise CommandError(
                f"The database already holds the synthetic partnership /p/{LARGE_SLUG}/: seed an empty one."
            )
        started = timezone.now()
        world = scale_build(scale=scale, today=timezone.localdate())
        seconds = (timezone.now() - started).total_seconds()
        large = world.large.partnership
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded scale {scale} in {seconds:.1f}s: /p/{large.slug}/ and "
                f"{len(world.ordinary)} ordinary partnerships beside it."
            )
        )
