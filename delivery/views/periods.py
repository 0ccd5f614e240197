"""Reporting periods: every member may read them and who has reported; administrators add, open, lock
and unlock them, change their deadline and send reminders."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView, View

from accounts.tenancy import PartnershipMixin
from core.conflicts import EditConflict, EditConflictMixin, save_if_unchanged
from core.dates import long_date
from core.forms import add_service_errors
from core.pagination import page_numbers
from delivery.forms.periods import (
    ReportingPeriodDeadlineForm,
    ReportingPeriodTransitionForm,
    ReportingPeriodYearForm,
)
from delivery.models import Action, ReportingPeriod, ReturnCounts
from delivery.services.periods import reporting_period_transition, reporting_periods_create_year
from delivery.services.reminders import UPDATE_REMINDERS, reminders_send_now_and_say


class ReportingPeriodListView(PartnershipMixin, TemplateView):
    """The partnership's reporting periods, with how each one's returns stand: submitted, drafts, missing."""

    template_name = "delivery/period_list.html"
    nav_section = "manage"

    def get_context_data(self, **kwargs):
        periods = ReportingPeriod.objects.for_partnership(self.partnership).with_return_counts()
        return super().get_context_data(
            periods=periods,
            today=timezone.localdate(),
            **kwargs,
        )


class ReportingPeriodYearCreateView(PartnershipMixin, FormView):
    """Add a financial year's four quarters as upcoming reporting periods, in one step."""

    permission_required = "delivery.manage_reporting_periods"
    form_class = ReportingPeriodYearForm
    template_name = "delivery/period_year_form.html"
    nav_section = "manage"

    def get_initial(self):
        """Suggest the first financial year after the latest period."""
        periods = ReportingPeriod.objects.for_partnership(self.partnership)
        return {"year": periods.next_financial_year(timezone.localdate()), "days_to_deadline": 30}

    def form_valid(self, form):
        try:
            periods = reporting_periods_create_year(
                partnership=self.partnership,
                year=form.cleaned_data["year"],
                days_to_deadline=form.cleaned_data["days_to_deadline"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"Added {periods[0].name} to {periods[-1].name} as upcoming reporting periods."
        )
        return redirect("delivery:period_list", slug=self.partnership.slug)


class ReportingPeriodMixin(PartnershipMixin):
    """Fetch the reporting period in the URL through the partnership."""

    @cached_property
    def period(self) -> ReportingPeriod:
        return get_object_or_404(
            ReportingPeriod.objects.for_partnership(self.partnership), pk=self.kwargs["pk"]
        )

    url_objects = ("period",)

    def get_context_data(self, **kwargs):
        return super().get_context_data(period=self.period, **kwargs)


class ReportingPeriodDetailView(ReportingPeriodMixin, TemplateView):
    """Who has and has not reported for a period: the counts of its returns, then each expected
    action's return, `paginate_by` a page (?page=) in plan order. Once the deadline has passed every
    return not submitted is late, so the late count is the outstanding one."""

    template_name = "delivery/period_detail.html"
    nav_section = "manage"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        period, today = self.period, timezone.localdate()
        expected = (
            Action.objects.for_partnership(self.partnership)
            .expected_to_report(period)
            .with_update_for(period)
            .select_related("owner", "ambition__priority__strategy", "lead_organisation__nominated_contact")
            .in_order()
        )
        counts = period.return_counts()
        paginator = Paginator(expected, self.paginate_by)
        paginator.count = counts.expected  # counted with the returns: no second count of the same actions
        page = paginator.get_page(self.request.GET.get("page"))
        is_past_deadline = period.is_past_deadline(today)
        for action in page:
            action.return_state = action.period_return()
            action.is_late = action.return_state != "submitted" and is_past_deadline
        return super().get_context_data(
            actions=page.object_list,
            page_obj=page,
            page_numbers=page_numbers(page.number, paginator.num_pages),
            counts=counts,
            late_count=counts.outstanding if is_past_deadline else 0,
            is_past_deadline=is_past_deadline,
            history=period.history.select_related("history_user").order_by("-history_date", "-history_id"),
            today=today,
            **kwargs,
        )


class ReportingPeriodTransitionView(ReportingPeriodMixin, FormView):
    """Open a period for updates, lock it, or unlock it with a reason, after confirming."""

    permission_required = "delivery.manage_reporting_periods"
    form_class = ReportingPeriodTransitionForm
    template_name = "delivery/period_transition.html"
    nav_section = "manage"
    change = None  # a key of ReportingPeriod.CHANGES, set in the URLconf

    def dispatch(self, request, *args, **kwargs):
        change = ReportingPeriod.CHANGES[self.change]
        self.from_state, self.to_state, self.button = change.from_state, change.to_state, change.button
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.period.state != self.from_state:
            messages.warning(request, f"{self.period} is {self.period.get_state_display().lower()}.")
            return redirect("delivery:period_detail", slug=self.partnership.slug, pk=self.period.pk)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "reason_required": self.change == "unlock",
            "button": self.button,
        }

    def form_valid(self, form):
        if self.period.state != self.from_state:
            form.add_error(
                None, f"{self.period} is now {self.period.get_state_display().lower()}: nothing was changed."
            )
            return self.form_invalid(form)
        try:
            period = reporting_period_transition(
                period=self.period, to=self.to_state, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{period} is {period.get_state_display().lower()}.")
        return redirect("delivery:period_detail", slug=self.partnership.slug, pk=period.pk)

    def get_context_data(self, **kwargs):
        context = {"change": self.change}
        if self.change == "lock":
            context.update(counts=self.period.return_counts(), drafts=self._drafts())
        elif self.change == "open":
            others = (
                ReportingPeriod.objects.for_partnership(self.partnership)
                .open()
                .exclude(pk=self.period.pk)
                .with_return_counts()
                .order_by("starts_on")
            )
            context["other_open_periods"] = [(other, ReturnCounts.of(other)) for other in others]
        return super().get_context_data(**context, **kwargs)

    def _drafts(self):
        """The period's drafts that locking would freeze unsubmitted, with their authors and owners."""
        expected = Action.objects.for_partnership(self.partnership).expected_to_report(self.period)
        return (
            self.period.progress_updates.filter(submitted_at__isnull=True, action__in=expected)
            .select_related("author", "action__owner", "action__ambition__priority__strategy")
            .order_by("action__ambition__priority__order", "action__ambition__order", "action__order")
        )


class ReportingPeriodDeadlineView(EditConflictMixin, ReportingPeriodMixin, FormView):
    """Change the date by which a period's progress updates are due, unless the period was saved since."""

    permission_required = "delivery.manage_reporting_periods"
    form_class = ReportingPeriodDeadlineForm
    template_name = "delivery/period_deadline_form.html"
    nav_section = "manage"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": copy.copy(self.period)}

    def edited_record(self) -> ReportingPeriod:
        return self.period

    def form_valid(self, form):
        try:
            period = save_if_unchanged(form.instance, version=form.cleaned_data["version"])
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        messages.success(
            self.request, f"Updates for {period} are now due by {long_date(period.update_deadline)}."
        )
        return redirect("delivery:period_detail", slug=self.partnership.slug, pk=period.pk)


class ReportingPeriodRemindView(ReportingPeriodMixin, View):
    """Send the period's update reminders now, by the same rules as the daily reminder command."""

    nav_section = "manage"
    permission_required = "delivery.manage_reporting_periods"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        period = self.period
        back = redirect("delivery:period_detail", slug=self.partnership.slug, pk=period.pk)
        if not period.is_open:
            messages.warning(request, "Reminders are sent only while a period is open for updates.")
            return back
        reminders_send_now_and_say(request, UPDATE_REMINDERS, period=period)
        return back
