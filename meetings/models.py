"""Meetings of the board and its sub-groups: bodies, agendas and minutes, attendance and the board's
action log."""

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from accounts.models import Organisation, Partnership, User
from core.dates import clock_time, long_date
from core.limits import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH
from core.models import BoundedTextField, TimeStampedModel
from delivery.models import Action, ProgressUpdate
from meetings.querysets import BoardActionQuerySet
from priorities.models import Priority

DOCUMENT_EXTENSIONS = ("pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv", "txt")
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def validate_document_size(file) -> None:
    """Refuse a supporting document over DOCUMENT_MAX_BYTES, saying the limit in words."""
    if file.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(
            f"The file must be smaller than {DOCUMENT_MAX_BYTES // (1024 * 1024)} MB", code="file_too_large"
        )


class Body(TimeStampedModel):
    """The partnership's board or one of its sub-groups, with its chair and vice-chair."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="bodies")
    name = models.CharField(
        max_length=200,
        help_text="For example, Safer Bromley Partnership Reducing Reoffending Strategic Group.",
    )
    chair = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="bodies_chaired"
    )
    vice_chair = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bodies_vice_chaired",
        verbose_name="vice-chair",
    )

    class Meta:
        ordering = ["partnership", "name"]
        verbose_name_plural = "bodies"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"],
                name="body_name_unique",
                violation_error_message="The partnership already has a board or group with this name.",
            ),
        ]

    def __str__(self):
        return self.name


class Meeting(TimeStampedModel):
    """A meeting of the partnership board or one of its sub-groups."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        MINUTES_DRAFT = "minutes_draft", "Minutes in draft"
        MINUTES_APPROVED = "minutes_approved", "Minutes approved"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="meetings")
    body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        related_name="meetings",
        help_text="The board or sub-group that meets.",
        verbose_name="board or group",
    )
    title = models.CharField(max_length=200)
    held_on = models.DateField("date of meeting")
    starts_at = models.TimeField("start time", null=True, blank=True)
    location = models.CharField(
        "place",
        max_length=200,
        blank=True,
        help_text="The room and building. Leave empty if it is virtual only.",
    )
    is_virtual = models.BooleanField("held virtually", default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    minutes_approved_at = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="minutes_approved",
        help_text="The later meeting that approved these minutes.",
        verbose_name="minutes approved at",
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["partnership", "held_on"], name="meeting_partnership_held_on")]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes_approved_at__isnull=True) | Q(status="minutes_approved"),
                name="meeting_minutes_approved_at_only_when_approved",
                violation_error_message="Only approved minutes name the meeting that approved them.",
            ),
            models.CheckConstraint(
                condition=~Q(minutes_approved_at=F("pk")),
                name="meeting_minutes_not_approved_by_themselves",
                violation_error_message="Minutes are approved at a later meeting, not at their own.",
            ),
        ]

    def __str__(self):
        return f"{self.title}, {long_date(self.held_on)}"

    def get_absolute_url(self):
        return reverse("meetings:meeting_detail", kwargs={"slug": self.partnership.slug, "pk": self.pk})

    @property
    def place_in_words(self) -> str:
        """Where it meets, as pages and papers say it: "Civic Centre, and online", "To be confirmed"."""
        if self.is_virtual and self.location:
            return f"{self.location}, and online"
        if self.is_virtual:
            return "Virtual meeting (online)"
        return self.location or "To be confirmed"

    @property
    def starts_in_words(self) -> str:
        """The start time as GOV.UK writes it ("2:30pm"), or nothing when none is set."""
        return clock_time(self.starts_at)

    def matters_arising(self, today) -> list["BoardAction"]:
        """The open board actions of earlier meetings of its board or group, for its "Matters arising",
        each with `overdue` said as of `today`."""
        found = list(
            BoardAction.objects.matters_arising_for(self)
            .select_related("meeting", "owner", "owner_organisation", "action__ambition__priority__strategy")
            .with_latest_note()
        )
        for board_action in found:
            board_action.overdue = board_action.is_overdue(today)
        return found


class AgendaItem(TimeStampedModel):
    """An item on a meeting's agenda with its minutes and any resolution."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    presenter = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who presents the item, for example the LBB Head of Safer Communities.",
    )
    minutes = BoundedTextField(max_length=LONG_TEXT_MAX_LENGTH, blank=True)
    resolution = BoundedTextField(
        max_length=TEXT_MAX_LENGTH, blank=True, help_text='For example, "RESOLVED that …".'
    )
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        help_text="The delivery-plan action this item decides about, if any.",
        verbose_name="delivery-plan action",
    )
    board_ask = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        help_text="The progress update whose board ask this item answers.",
    )

    class Meta:
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="agenda_item_order_unique"),
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"


class SupportingDocument(TimeStampedModel):
    """A paper for an agenda item: an uploaded file or a link to where it is published."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.FileField(
        upload_to="meetings/documents/%Y/",
        blank=True,
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS), validate_document_size],
    )
    url = models.URLField(
        "link",
        max_length=500,
        blank=True,
        # The address a member is sent to: a web page, never another scheme a browser would act on.
        validators=[URLValidator(schemes=["https", "http"])],
    )

    class Meta:
        ordering = ["agenda_item", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="supporting_document_file_or_link",
                violation_error_message="Upload a file or give a link, not both.",
            ),
        ]

    def __str__(self):
        return self.title


class Attendance(TimeStampedModel):
    """Whether a member came to a meeting for their organisation, sent apologies or a substitute."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        SUBSTITUTE = "substitute", "Sent a substitute"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="attendances"
    )
    name = models.CharField(
        max_length=200,
        help_text="The member's name and role as the minutes give them, such as Superintendent Baldock.",
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(max_length=20, choices=Status.choices)
    substitute = models.CharField(
        max_length=200, blank=True, help_text="Who came in the member's place, when they sent a substitute."
    )

    class Meta:
        ordering = ["meeting", "organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "name", "organisation"],
                name="attendance_once_per_meeting",
                violation_error_message="This member's attendance is already recorded for the meeting.",
            ),
            models.CheckConstraint(
                condition=Q(status="substitute", substitute__gt="")
                | (~Q(status="substitute") & Q(substitute="")),
                name="attendance_substitute_only_when_sent",
                violation_error_message="Name the substitute exactly when the member sent one.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation}): {self.get_status_display()}"


class BoardAction(TimeStampedModel):
    """An entry in the board's action log: something a meeting asked someone to do."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="board_actions")
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_actions",
        help_text="The agenda item it arose from, if any.",
    )
    description = BoundedTextField(
        "what", max_length=TEXT_MAX_LENGTH, help_text="What the board asked to be done."
    )
    owner = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="board_actions"
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="board_actions",
        verbose_name="owning organisation",
    )
    due_on = models.DateField("due date", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_actions",
        help_text="The delivery-plan action this relates to, if any.",
        verbose_name="delivery-plan action",
    )
    priority = models.ForeignKey(
        Priority,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_actions",
        help_text="The priority this relates to, if any.",
    )
    board_ask = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_actions",
        help_text="The progress update whose board ask this answers.",
    )
    history = HistoricalRecords()

    objects = BoardActionQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="board_action_status_due")]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="board_action_has_description"),
        ]

    def __str__(self):
        return self.description[:80]

    def get_absolute_url(self):
        return reverse(
            "meetings:board_action_detail", kwargs={"slug": self.meeting.partnership.slug, "pk": self.pk}
        )

    def is_overdue(self, today) -> bool:
        """Still open after its due date (as `BoardActionQuerySet.overdue` finds them)."""
        return self.status == self.Status.OPEN and self.due_on is not None and self.due_on < today


class BoardActionNote(TimeStampedModel):
    """A progress note on a board action, written by its owner or an administrator."""

    board_action = models.ForeignKey(BoardAction, on_delete=models.CASCADE, related_name="notes")
    text = BoundedTextField("progress", max_length=SHORT_TEXT_MAX_LENGTH)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="board_action_notes")

    class Meta:
        ordering = ["board_action", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="board_action_note_has_text"),
        ]

    def __str__(self):
        return self.text[:80]
