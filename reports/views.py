from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.views.generic import DetailView, FormView, TemplateView

from accounts.tenancy import PartnershipMixin
from core.downloads import limited_download
from core.limits import whole_number
from delivery.context_processors import reported_periods
from delivery.models import ProgressUpdate, ReportingPeriod
from meetings.models import Meeting
from priorities.models import Strategy
from priorities.views.choice import StrategyChoiceMixin
from reports.activity import activity_for, page_number
from reports.dashboard import plan_on_a_page
from reports.exceptions import (
    BOARD_RULES,
    RULES,
    exception_report_build,
    plan_words,
    rules_in_force,
    strategy_for,
)
from reports.exports.files import FORMATS, board_paper_file, draft_paper, draft_paper_asked, published_cover
from reports.exports.paper import board_paper_cover, board_paper_filename, paper_in_words
from reports.forms import ActivityFilterForm, ExceptionRulesForm, PublishForm
from reports.models import BoardPaperFile, ExceptionReport
from reports.services import exception_report_publish, exception_rules_set


def download_links(url_name: str, query: str = "", **kwargs) -> list[dict]:
    """The report's "Download Word", "Download PDF" and "Download CSV" links."""
    labels = {"docx": ("Word", ".docx"), "pdf": ("PDF", ".pdf, A4"), "csv": ("CSV", ".csv, one row per item")}
    return [
        {
            "label": f"Download {label}",
            "note": note,
            "url": reverse(url_name, kwargs={**kwargs, "extension": ext}) + query,
        }
        for ext, (label, note) in labels.items()
    ]


# Word and PDF take seconds to render: a person may have only a few under way (core.downloads).
COSTLY_DOWNLOADS = {"docx", "pdf"}


def attachment(content: bytes, extension: str, filename: str) -> HttpResponse:
    """The report's file in a format of FORMATS, to save as `filename`."""
    response = HttpResponse(content, content_type=FORMATS[extension][0])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response


def download(request, extension: str, filename: str, render: Callable[[str], bytes]) -> HttpResponse:
    """The report as a Word, PDF or CSV file, as `render` makes it for the extension."""
    if extension not in FORMATS:
        raise Http404("No such format")

    def make_response() -> HttpResponse:
        return attachment(render(extension), extension, filename)

    return limited_download(request, make_response) if extension in COSTLY_DOWNLOADS else make_response()


class PeriodChoiceMixin(PartnershipMixin):
    """The reporting period chosen with ?period=, by default the open one, else the latest reported."""

    @cached_property
    def periods(self) -> list[ReportingPeriod]:
        return reported_periods(self.request)

    @cached_property
    def period(self) -> ReportingPeriod | None:
        chosen = self.request.GET.get("period")
        if chosen:
            return next((p for p in self.periods if str(p.pk) == chosen), None) or self._not_found()
        return next((p for p in self.periods if p.is_open), self.periods[0] if self.periods else None)

    @staticmethod
    def _not_found():
        raise Http404("No such reporting period")

    def get_context_data(self, **kwargs):
        return super().get_context_data(periods=self.periods, period=self.period, **kwargs)


class PeriodStrategyChoiceMixin(StrategyChoiceMixin, PeriodChoiceMixin):
    """A strategy and a period chosen together, the strategy by default the one in force at the end of
    the period (`strategy_for`), as the exception report and the board asks of a period take them."""

    def default_strategy(self) -> Strategy | None:
        if self.period is None:
            return super().default_strategy()
        return strategy_for(self.period, self.strategies)


class PlanView(StrategyChoiceMixin, PeriodChoiceMixin, TemplateView):
    """Plan on a page: the chosen strategy's priorities, their ratings and what needs attention."""

    template_name = "reports/plan.html"
    nav_section = "plan"
    partnership_joins = ("risk_register",)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        strategy = self.strategy
        plan = (
            plan_on_a_page(partnership=self.partnership, strategy=strategy, period=self.period, today=today)
            if strategy and self.period
            else None
        )
        has_outcomes = bool(plan) and any(row.outcomes for row in plan.priorities)
        return super().get_context_data(plan=plan, has_outcomes=has_outcomes, today=today, **kwargs)


class ExceptionReportView(PeriodStrategyChoiceMixin, TemplateView):
    """The live exception report on a strategy for a period and meeting, and its downloads."""

    template_name = "reports/exception_report.html"
    nav_section = "reports"
    partnership_joins = ("risk_register",)

    @cached_property
    def meetings(self) -> list[Meeting]:
        # With their bodies: the board paper's cover names the chosen meeting's.
        return list(Meeting.objects.filter(partnership=self.partnership).select_related("body"))

    @cached_property
    def meeting(self) -> Meeting | None:
        chosen = self.request.GET.get("meeting")
        if chosen:
            return next((m for m in self.meetings if str(m.pk) == chosen), None) or self._not_found()
        today = timezone.localdate()
        upcoming = [m for m in self.meetings if m.held_on >= today]
        return min(upcoming, key=lambda m: m.held_on) if upcoming else None

    @cached_property
    def content(self) -> dict | None:
        if self.period is None:
            return None
        return exception_report_build(
            partnership=self.partnership,
            period=self.period,
            meeting=self.meeting,
            today=timezone.localdate(),
            strategy=self.strategy,
        )

    def get(self, request, *args, **kwargs):
        extension = kwargs.get("extension")
        if extension:
            if self.period is None:
                raise Http404("No reporting period yet")
            filename = board_paper_filename(
                partnership_slug=self.partnership.slug, period_name=self.period.name, version=None
            )
            if extension in BoardPaperFile.Format.values:
                return limited_download(request, lambda: self.draft_paper_response(extension, filename))
            return download(
                request, extension, filename, lambda ext: FORMATS[ext][1](self.content, self.cover)
            )
        return super().get(request, *args, **kwargs)

    def draft_paper_response(self, extension: str, filename: str) -> HttpResponse:
        """The draft board paper in Word or PDF once the task queue has rendered it (`draft_paper`);
        until then a page saying how far it has got, to check again or update itself. Checking again
        names the draft (`?draft=`), so that it is found without building the report again."""
        try_again = "again" in self.request.GET
        asked = whole_number(self.request.GET.get("draft"))
        draft = asked is not None and draft_paper_asked(
            partnership=self.partnership, extension=extension, pk=asked, try_again=try_again
        )
        if not draft:  # a first request, or a draft no longer kept: the report as it stands now
            draft = draft_paper(
                partnership=self.partnership,
                extension=extension,
                content=self.content,
                cover=self.cover,
                try_again=try_again,
            )
        if draft.rendered_at is not None:
            return attachment(bytes(draft.content), extension, filename)
        report_query = self.request.GET.copy()
        for asked_for in ("draft", "refresh", "again"):
            report_query.pop(asked_for, None)
        check = report_query.copy()
        check["draft"] = str(draft.pk)
        check_url = f"{self.request.path}?{check.urlencode()}"
        report_url = reverse("reports:exception_report", kwargs={"slug": self.partnership.slug})
        context = super().get_context_data(
            draft=draft,
            format_name={"docx": "Word document", "pdf": "PDF"}[extension],
            meeting=self.meeting,
            refresh=draft.failed_at is None and self.request.GET.get("refresh") == "auto",
            check_url=check_url,
            try_again_url=f"{check_url}&again",
            auto_url=f"{check_url}&refresh=auto",
            report_url=f"{report_url}?{report_query.urlencode()}" if report_query else report_url,
        )
        return TemplateResponse(self.request, "reports/draft_paper.html", context)

    @cached_property
    def cover(self) -> dict:
        """The board paper's cover, for the downloads and the printed page."""
        # A draft's author is the administrator drawing it; anyone else's copy says "Draft".
        author = (
            self.request.user
            if self.request.user.has_perm("reports.publish_exception_report", self.partnership)
            else None
        )
        return board_paper_cover(partnership=self.partnership, meeting=self.meeting, author=author)

    def get_context_data(self, **kwargs):
        publish_form = (
            PublishForm(
                partnership=self.partnership, initial={"meeting": self.meeting, "period": self.period}
            )
            if self.period
            else None
        )
        query = {"period": self.period.pk} if self.period else {}
        if self.strategy:
            query["strategy"] = self.strategy.pk
        if self.meeting:
            query["meeting"] = self.meeting.pk
        return super().get_context_data(
            meetings=self.meetings,
            meeting=self.meeting,
            downloads=download_links(
                "reports:exception_report_download", f"?{urlencode(query)}", slug=self.partnership.slug
            ),
            content=self.content,
            words=plan_words(self.content) if self.content else None,
            paper=paper_in_words(self.content, self.cover) if self.content else None,
            publish_form=publish_form,
            published=ExceptionReport.objects.filter(partnership=self.partnership, period=self.period)
            .select_related("partnership", "meeting", "strategy", "published_by")
            .order_by("-published_at"),
            **kwargs,
        )


class ExceptionReportPublishView(StrategyChoiceMixin, FormView):
    """Freeze the exception report on the strategy posted (by default the period's) as it stands and
    file it with a meeting (administrators)."""

    permission_required = "reports.publish_exception_report"
    form_class = PublishForm
    template_name = "reports/exception_report_publish.html"
    nav_section = "reports"
    http_method_names = ["post"]

    def strategy_data(self):
        """The report's page posts the strategy it shows beside the meeting and period."""
        return self.request.POST

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def form_valid(self, form):
        try:
            report = exception_report_publish(
                partnership=self.partnership,
                period=form.cleaned_data["period"],
                meeting=form.cleaned_data["meeting"],
                agenda_item=form.cleaned_data.get("agenda_item"),
                published_by=self.request.user,
                today=timezone.localdate(),
                strategy=self.chosen_strategy,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Exception report on {report.strategy} published to {report.meeting} as version "
            f"{report.version}."
            if report.strategy
            else f"Exception report published to {report.meeting} as version {report.version}.",
        )
        return redirect(report)


class PublishedReportView(PartnershipMixin, DetailView):
    """An exception report as it was published to a meeting, and its downloads."""

    template_name = "reports/published_report.html"
    context_object_name = "report"
    nav_section = "reports"

    def get_object(self, queryset=None):
        return get_object_or_404(
            ExceptionReport.objects.filter(partnership=self.partnership).select_related(
                "partnership", "meeting__body", "period", "strategy", "published_by", "agenda_item"
            ),
            pk=self.kwargs["pk"],
        )

    def get(self, request, *args, **kwargs):
        extension = kwargs.get("extension")
        if extension:
            report = self.get_object()
            filename = board_paper_filename(
                partnership_slug=self.partnership.slug, period_name=report.period.name, version=report.version
            )
            return download(request, extension, filename, lambda ext: self.file(report, ext))
        return super().get(request, *args, **kwargs)

    @staticmethod
    def file(report: ExceptionReport, extension: str) -> bytes:
        """The Word and PDF papers as kept (`board_paper_file`); the CSV as the content lists it."""
        if extension in BoardPaperFile.Format.values:
            return board_paper_file(report, extension)
        return FORMATS[extension][1](report.content, None)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            content=self.object.content,
            words=plan_words(self.object.content),
            paper=paper_in_words(self.object.content, published_cover(self.object)),
            downloads=download_links(
                "reports:published_report_download", slug=self.partnership.slug, pk=self.object.pk
            ),
            **kwargs,
        )


class ExceptionRulesView(PartnershipMixin, FormView):
    """Switch each exception rule on or off for the partnership's reports (administrators)."""

    permission_required = "reports.change_exception_rules"
    form_class = ExceptionRulesForm
    template_name = "reports/exception_rules.html"
    nav_section = "reports"

    def get_initial(self):
        in_force = rules_in_force(self.partnership)
        return {
            "rules": [rule for rule in in_force if rule in RULES],
            "board_rules": [rule for rule in in_force if rule in BOARD_RULES],
        }

    def form_valid(self, form):
        exception_rules_set(partnership=self.partnership, enabled=form.enabled())
        messages.success(self.request, "Exception rules saved. Reports now use the rules chosen.")
        return redirect("reports:exception_rules", slug=self.partnership.slug)


class BoardAsksView(PeriodStrategyChoiceMixin, TemplateView):
    """The open board asks on a strategy's actions in a period: what leads ask the board to decide or
    provide."""

    template_name = "reports/board_asks.html"
    nav_section = "reports"

    def get_context_data(self, **kwargs):
        asks = (
            ProgressUpdate.objects.filter(
                period=self.period,
                action__ambition__priority__strategy=self.strategy,
                submitted_at__isnull=False,
            )
            .exclude(board_ask="")
            .select_related(
                "action__ambition__priority__strategy", "action__owner", "action__lead_organisation"
            )
            .prefetch_related("action__lead_partners", "agenda_items__meeting", "board_actions__meeting")
            .order_by("action__ambition__priority__order", "action__ambition__order", "action__order")
            if self.period and self.strategy
            else []
        )
        return super().get_context_data(asks=asks, **kwargs)


class ActivityView(PartnershipMixin, TemplateView):
    """Who changed what and when across the partnership, filterable and paginated (administrators)."""

    permission_required = "reports.view_activity"
    template_name = "reports/activity.html"
    nav_section = "manage"

    def get_context_data(self, **kwargs):
        form = ActivityFilterForm(self.request.GET, partnership=self.partnership)
        activity = None
        if form.is_valid():
            person = form.cleaned_data["person"]
            activity = activity_for(
                partnership=self.partnership,
                kinds=form.cleaned_data["kind"],
                user_id=person.pk if person else None,
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
                page=page_number(self.request.GET.get("page")),
            )
        return super().get_context_data(form=form, activity=activity, **kwargs)
