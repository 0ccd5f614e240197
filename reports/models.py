"""Exception reports: which rules a partnership uses, and reports frozen when published to a meeting."""

from django.db import models
from django.urls import reverse

from accounts.models import Partnership, User
from delivery.models import ReportingPeriod
from meetings.models import AgendaItem, Meeting
from priorities.models import Strategy


class ExceptionRule(models.TextChoices):
    """Why an action is reported by exception (DESIGN section 5), in the order reports list them."""

    RED = "red", "Rated red"
    AMBER_OR_WORSE = "amber_or_worse", "Rated amber, or worse than the previous period"
    OVERDUE = "overdue", "Overdue: past its due date and not completed"
    TIMESCALE_REVISED = "timescale_revised", "Its due date was revised this period"
    MILESTONE_OVERDUE = "milestone_overdue", "A milestone is overdue"
    MISSING_RETURN = "missing_return", "No update submitted by the deadline"
    BOARD_ASK = "board_ask", "The lead asks the board for something"
    EXCEPTIONAL = "exceptional", "Exceptional performance, or completed ahead of its due date"
    INDICATOR_OFF_TARGET = "indicator_off_target", "A performance indicator is off target"
    RISK_ABOVE_TOLERANCE = (
        "risk_above_tolerance",
        "A risk is high, above the partnership's tolerance, or rising",
    )


class ExceptionRuleSetting(models.Model):
    """A partnership's choice to leave one exception rule out of its reports (all are on by default)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="exception_rule_settings"
    )
    rule = models.CharField(max_length=30, choices=ExceptionRule.choices)
    is_enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "rule"], name="exception_rule_setting_unique"),
        ]

    def __str__(self):
        return f"{self.partnership}: {self.get_rule_display()} ({'on' if self.is_enabled else 'off'})"


def items_of(content: dict) -> list[dict]:
    """The items of a published report's `content`, section by section and ambition by ambition."""
    return [
        item
        for section in content.get("sections") or []
        for ambition in section.get("ambitions") or []
        for item in ambition.get("items") or []
    ]


class ExceptionReport(models.Model):
    """An exception report as published to a meeting: its content frozen as it stood."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="exception_reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="exception_reports")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="exception_reports")
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exception_reports",
        help_text="The meeting's agenda item that takes the report, printed on the board paper's cover.",
    )
    strategy = models.ForeignKey(
        Strategy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exception_reports",
        help_text="The strategy reported on. Empty only for reports published before several plans "
        "could be reported on apart and whose strategy could not be told from their content.",
    )
    version = models.PositiveIntegerField(help_text="1 for the first publication to the meeting, then 2, 3 …")
    content = models.JSONField(help_text="The whole report as published: summary, items and legend.")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="published_reports")

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "period", "strategy", "version"],
                name="exception_report_version_unique",
            ),
        ]

    def __str__(self):
        strategy = f" on {self.strategy}" if self.strategy_id else ""
        return f"Exception report{strategy} for {self.period}, {self.meeting} (version {self.version})"

    def get_absolute_url(self):
        return reverse("reports:published_report", kwargs={"slug": self.partnership.slug, "pk": self.pk})

    def items(self) -> list[dict]:
        """The report's items (one an action reported by exception), in report order, as `content`
        froze them."""
        return items_of(self.content)


class BoardPaperFile(models.Model):
    """A published report's board paper as Word or PDF, rendered once (on the task queue when it is
    published) and kept, so that downloading it costs no rendering."""

    class Format(models.TextChoices):
        WORD = "docx", "Word"
        PDF = "pdf", "PDF"

    report = models.ForeignKey(ExceptionReport, on_delete=models.CASCADE, related_name="paper_files")
    extension = models.CharField(max_length=4, choices=Format.choices)
    content = models.BinaryField()
    rendered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "extension"], name="board_paper_file_unique"),
        ]

    def __str__(self):
        return f"{self.report} ({self.get_extension_display()})"


class DraftPaperFile(models.Model):
    """A live exception report's board paper as Word or PDF, rendered on the task queue exactly as the
    report stood when someone asked for it (`fingerprint`: its content and cover), so that a large paper
    never holds up a web request and asking again for the same draft costs no rendering. `source` holds
    what to render until it is rendered; drafts over a day old go when the partnership next asks for a
    new one (`reports.exports.files.draft_paper`)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="draft_paper_files")
    extension = models.CharField(max_length=4, choices=BoardPaperFile.Format.choices)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the content and cover rendered.")
    source = models.JSONField(null=True, help_text="The content and cover to render; cleared once rendered.")
    content = models.BinaryField(null=True)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True)
    rendered_at = models.DateTimeField(null=True)
    failed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "extension", "fingerprint"], name="draft_paper_file_unique"
            ),
        ]

    def __str__(self):
        return f"Draft exception report of {self.partnership} ({self.get_extension_display()})"
