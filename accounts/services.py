"""Writes that touch several rows of people and partnerships."""

from django.db import transaction

from accounts.models import Partnership, StatusRating


@transaction.atomic
def partnership_create(*, name: str, slug: str, short_name: str = "") -> Partnership:
    """Create a partnership with the default wording of the status ratings."""
    partnership = Partnership(name=name, slug=slug, short_name=short_name)
    partnership.full_clean()
    partnership.save()
    status_ratings_install_defaults(partnership=partnership)
    return partnership


def status_ratings_install_defaults(*, partnership: Partnership) -> None:
    """Give a partnership any status rating it lacks, with the default wording."""
    have = set(partnership.status_ratings.values_list("rating", flat=True))
    StatusRating.objects.bulk_create(
        [r for r in StatusRating.defaults_for(partnership) if r.rating not in have]
    )
