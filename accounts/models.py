"""People, the partnerships they belong to and the organisations they represent."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from accounts.identity import normalise_email
from core.limits import TEXT_MAX_LENGTH
from core.models import BoundedTextField, TimeStampedModel
from core.ratings import DEFAULT_MEANINGS, Rating


class UserManager(DjangoUserManager):
    """Django's user manager, normalising email addresses as the rest of the service does."""

    @classmethod
    def normalize_email(cls, email):
        # create_user() and create_superuser() (so `manage.py createsuperuser`) and AbstractUser.clean()
        # all normalise through here.
        return normalise_email(email)

    def members_of(self, partnership, *, active_only: bool = True):
        """The partnership's members by name (only its active ones unless told), each annotated with
        `organisation_name`, the organisation they represent there: what every people picker offers."""
        memberships = Membership.objects.for_partnership(partnership)
        if active_only:
            memberships = memberships.active()
        return (
            self.filter(pk__in=memberships.values("user"))
            .annotate(organisation_name=memberships.organisation_name_of(models.OuterRef("pk")))
            .order_by("first_name", "last_name", "username")
        )


class User(AbstractUser):
    """A person who signs in; what they may do depends on their memberships."""

    objects = UserManager()

    class Meta:
        constraints = [
            # Exact: the address is stored normalised (accounts.identity), so no database case folding.
            models.UniqueConstraint(
                fields=["email"],
                condition=~models.Q(email=""),
                name="user_email_unique",
                violation_error_message="A person with this email address already exists.",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def clean(self):
        # AbstractUser.clean() normalises the username (NFKC) and the email address (UserManager).
        try:
            super().clean()
        except ValidationError as error:
            raise ValidationError({"email": error.messages}) from error


class ProtectiveMarking(models.TextChoices):
    """The marking a partnership prints on its board papers (Government Security Classifications)."""

    OFFICIAL = "OFFICIAL", "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"


class Partnership(TimeStampedModel):
    """A multi-agency partnership board: the tenant that owns everything else."""

    name = models.CharField(
        max_length=200, unique=True, error_messages={"unique": "A partnership with this name already exists."}
    )
    short_name = models.CharField(
        max_length=30, blank=True, help_text="For example SBP. Shown where space is short."
    )
    slug = models.SlugField(
        max_length=60,
        unique=True,
        help_text="Used in web addresses: /p/<slug>/. Keep it stable.",
        error_messages={"unique": "Another partnership already uses this web address."},
    )
    description = BoundedTextField(blank=True, max_length=TEXT_MAX_LENGTH)
    protective_marking = models.CharField(
        max_length=30,
        choices=ProtectiveMarking.choices,
        default=ProtectiveMarking.OFFICIAL,
        help_text="The Government Security Classification printed on every page of the partnership's papers.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reports:plan", kwargs={"slug": self.slug})


class Organisation(TimeStampedModel):
    """A partner agency, such as the council, the police or the fire brigade."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=30, help_text="For example LBB, MPS or LFB.")
    is_responsible_authority = models.BooleanField(
        "responsible authority",
        default=False,
        help_text="A statutory partner whose sign-off the strategy needs.",
    )
    nominated_contact = models.ForeignKey(
        "User",
        verbose_name="nominated contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominated_for",
        help_text="The member who answers for the actions this organisation leads with no lead "
        "officer named: they own the returns, get the reminders and see them in My actions.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="organisation_name_unique_in_partnership"
            ),
            models.UniqueConstraint(
                fields=["partnership", "short_name"],
                name="organisation_short_name_unique_in_partnership",
            ),
        ]

    def __str__(self):
        return self.name


class MembershipQuerySet(models.QuerySet):
    def active(self):
        """Memberships that let their person use the partnership."""
        return self.filter(is_active=True)

    def for_partnership(self, partnership):
        return self.filter(partnership=partnership)

    def administrators(self):
        return self.filter(role=Membership.Role.ADMINISTRATOR)

    def organisation_name_of(self, user: models.OuterRef) -> models.Subquery:
        """The name of the organisation a person represents, for `annotate()`: `user` refers to the person
        from the outer query, as `OuterRef("owner")` from actions or `OuterRef("pk")` from people.

        The one way a page names a person's organisation in a partnership:
        `Membership.objects.for_partnership(p).organisation_name_of(OuterRef("owner"))`.
        """
        return models.Subquery(self.filter(user=user).values("organisation__name")[:1])


class Membership(TimeStampedModel):
    """A person's role in one partnership and the organisation they represent there."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", "Partnership administrator"
        OFFICER = "officer", "Officer"
        BOARD_MEMBER = "board_member", "Board member"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text="The partner agency this person represents in the partnership.",
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OFFICER)
    job_title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(
        default=True,
        help_text="Inactive members keep their history but cannot use the partnership.",
    )
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership"], name="membership_unique_per_partnership"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.partnership})"

    def clean(self):
        if (
            self.organisation_id
            and self.partnership_id
            and self.organisation.partnership_id != self.partnership_id
        ):
            raise ValidationError({"organisation": "Choose an organisation of this partnership."})


class Invitation(TimeStampedModel):
    """An invitation to join a partnership: a one-time link to set a password, valid for 7 days."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="invitations")
    role = models.CharField(max_length=20, choices=Membership.Role.choices, default=Membership.Role.OFFICER)
    job_title = models.CharField(max_length=200, blank=True)
    token_hash = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the link's token; the token itself is never stored."
    )
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="invitations_sent")
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        help_text="The person who accepted the invitation.",
    )

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self):
        return f"Invitation to {self.email} ({self.partnership})"

    def clean(self):
        try:
            self.email = normalise_email(self.email)
        except ValidationError as error:
            raise ValidationError({"email": error.messages}) from error


class StatusRating(models.Model):
    """A partnership's wording for one BRAG rating, shown in every legend."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="status_ratings")
    rating = models.CharField(max_length=20, choices=Rating.choices)
    meaning = models.CharField(max_length=300, help_text="What this rating means, in a sentence.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["partnership", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "rating"], name="status_rating_unique_per_partnership"
            ),
        ]

    def __str__(self):
        return f"{self.get_rating_display()}: {self.meaning}"

    @classmethod
    def wording_for(cls, partnership) -> list["StatusRating"]:
        """The partnership's ratings in severity order, with the default wording for any not stored."""
        stored = {r.rating: r for r in partnership.status_ratings.all()}
        return [stored.get(default.rating, default) for default in cls.defaults_for(partnership)]

    @classmethod
    def defaults_for(cls, partnership):
        """Unsaved ratings with the default wording, in severity order."""
        return [
            cls(partnership=partnership, rating=rating, meaning=DEFAULT_MEANINGS[rating], order=i)
            for i, rating in enumerate(Rating)
        ]
