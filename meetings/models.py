"""Meetings of the board and its sub-groups: agenda, minutes and the board's action log."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from accounts.models import Partnership, User
from core.dates import long_date
from core.limits import LONG_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH
from core.models import BoundedTextField, TimeStampedModel
from delivery.models import Action


class Meeting(TimeStampedModel):
    """A meeting of the partnership board or one of its sub-groups."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=200)
    body = models.CharField(
        max_length=200, help_text="The board or sub-group that meets, for example the SBP board."
    )
    held_on = models.DateField("date of meeting")
    location = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self):
        return f"{self.title}, {long_date(self.held_on)}"

    def get_absolute_url(self):
        return reverse("meetings:meeting_detail", kwargs={"slug": self.partnership.slug, "pk": self.pk})


class AgendaItem(TimeStampedModel):
    """An item on a meeting's agenda with its minutes and any resolution."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    minutes = BoundedTextField(max_length=LONG_TEXT_MAX_LENGTH, blank=True)
    resolution = BoundedTextField(
        max_length=TEXT_MAX_LENGTH, blank=True, help_text='For example, "RESOLVED that …".'
    )

    class Meta:
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="agenda_item_order_unique"),
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"


class BoardAction(TimeStampedModel):
    """An entry in the board's action log: something a meeting asked someone to do."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="board_actions")
    description = BoundedTextField(
        "what", max_length=TEXT_MAX_LENGTH, help_text="What the board asked to be done."
    )
    owner = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="board_actions"
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
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="board_action_has_description"),
        ]

    def __str__(self):
        return self.description[:80]
