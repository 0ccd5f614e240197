import copy
from datetime import timedelta
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, Func, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.generic import DetailView, FormView, TemplateView, View
from django_filters.views import FilterView
from rules.contrib.views import PermissionRequiredMixin as ObjectPermissionRequiredMixin

from accounts.models import Membership, StatusRating, User
from accounts.views import PartnershipAdministrationMixin, PartnershipMixin
from core.downloads import limited_download
from core.limits import whole_number
from core.ratings import direction_of_travel
from delivery.filters import ActionFilter
from delivery.forms import (
    ActionForm,
    ActionReopenForm,
    DelegateAddForm,
    MilestoneForm,
    PlanImportForm,
    ProgressUpdateForm,
    ReportingPeriodDeadlineForm,
    ReportingPeriodTransitionForm,
    ReportingPeriodYearForm,
    StrategyStartNextForm,
)
from delivery.imports import (
    COLUMNS,
    plan_export_xlsx,
    plan_import_check,
    plan_import_confirm,
    plan_import_counts,
    plan_import_progress,
    plan_template_xlsx,
)
from delivery.models import Action, Milestone, PlanImport, ProgressUpdate, ReportingPeriod
from delivery.services import (
    ActionChangedElsewhere,
    ProgressUpdateConflict,
    UpdateRemindersNotSent,
    action_create,
    action_delegate_add,
    action_delegate_remove,
    action_move,
    action_reopen,
    action_update,
    action_version,
    progress_update_initial,
    progress_update_save,
    reporting_period_transition,
    reporting_periods_create_year,
    strategy_start_next,
    update_reminder_owners,
    update_reminders_send,
)
from priorities.models import StrategicAmbition, Strategy


def open_period_of(partnership) -> ReportingPeriod | None:
    """The partnership's latest reporting period that is open for updates."""
    return ReportingPeriod.objects.for_partnership(partnership).open().first()


class MyActionsView(PartnershipMixin, TemplateView):
    """What the signed-in person owns, is a delegate on or leads, and this period's return for each."""

    template_name = "delivery/my_actions.html"
    nav_section = "my_actions"

    def get_context_data(self, **kwargs):
        period = open_period_of(self.partnership)
        actions = (
            Action.objects.for_partnership(self.partnership)
            .for_person(self.request.user)
            .select_related("ambition__priority__lead_organisation", "ambition__priority__lead", "owner")
            .with_latest_update()
            .in_order()
        )
        today = timezone.localdate()
        if period is not None:
            actions = actions.with_update_for(period)
            expected = set(actions.expected_to_report(period).values_list("pk", flat=True))
        actions = list(actions)
        for action in actions:
            action.period_state = (
                action.update_state(period, today) if period is not None and action.pk in expected else None
            )
            action.overdue = action.is_overdue(today)
        return super().get_context_data(period=period, actions=actions, today=today, **kwargs)


class ActionListView(PartnershipMixin, FilterView):
    """The whole delivery plan, filterable, sortable and paginated, with filters kept in the URL."""

    filterset_class = ActionFilter
    template_name = "delivery/action_list.html"
    context_object_name = "actions"
    paginate_by = 25
    nav_section = "actions"

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "partnership": self.partnership}

    def get_queryset(self):
        return (
            Action.objects.for_partnership(self.partnership)
            .select_related("ambition__priority", "owner")
            .with_latest_update()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


class ActionMixin(PartnershipMixin):
    """Fetch the action in the URL through the partnership, with what its pages show."""

    @cached_property
    def action(self) -> Action:
        return get_object_or_404(
            Action.objects.for_partnership(self.partnership)
            .select_related(
                "ambition__priority__strategy__partnership",
                "ambition__priority__lead",
                "ambition__priority__lead_organisation",
                "owner",
            )
            .prefetch_related("delegates", "partner_organisations"),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.action

    def get_context_data(self, **kwargs):
        return super().get_context_data(action=self.action, **kwargs)


class ActionDetailView(ActionMixin, DetailView):
    """An action with its milestones, the timeline of its progress updates, and its change history."""

    template_name = "delivery/action_detail.html"
    nav_section = "actions"

    def get_object(self, queryset=None):
        return self.action

    def get_context_data(self, **kwargs):
        action = self.action
        updates = list(
            action.progress_updates.select_related("period", "author").order_by("-period__starts_on")
        )
        submitted = [u for u in updates if u.is_submitted]
        for newer, older in zip(submitted, [*submitted[1:], None], strict=False):
            newer.direction = direction_of_travel(newer.rating, older.rating if older else None)
        owner_membership = (
            Membership.objects.filter(user=action.owner_id, partnership=self.partnership)
            .select_related("organisation")
            .first()
        )
        return super().get_context_data(
            milestones=Milestone.objects.filter(action=action),
            updates=updates,
            owner_organisation=owner_membership.organisation if owner_membership else None,
            changes=action_changes(action),
            period=open_period_of(self.partnership),
            today=timezone.localdate(),
            **kwargs,
        )


def action_changes(action: Action) -> list[dict]:
    """Who changed what on the action and when, newest first, from its history records."""
    records = list(action.history.select_related("history_user").order_by("-history_date", "-history_id"))
    people = {}
    changes = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        if older is None:
            changes.append({"record": newer, "created": True, "fields": []})
            continue
        delta = newer.diff_against(older, excluded_fields=["delegates", "partner_organisations"])
        fields = [
            {
                "name": Action._meta.get_field(c.field).verbose_name,
                "field": c.field,
                "old": c.old,
                "new": c.new,
            }
            for c in delta.changes
            if c.field not in {"updated_at"}
        ]
        if fields or newer.history_change_reason:
            changes.append({"record": newer, "created": False, "fields": fields})
    owner_ids = {f[k] for c in changes for f in c["fields"] if f["field"] == "owner" for k in ("old", "new")}
    if owner_ids:
        people = {u.pk: str(u) for u in User.objects.filter(pk__in=owner_ids)}
    for change in changes:
        for field in change["fields"]:
            if field["field"] == "owner":
                field["old"], field["new"] = people.get(field["old"]), people.get(field["new"])
            elif field["field"] == "status":
                field["old"] = Action.Status(field["old"]).label if field["old"] else field["old"]
                field["new"] = Action.Status(field["new"]).label if field["new"] else field["new"]
    return changes


class ProgressUpdateView(ActionMixin, ObjectPermissionRequiredMixin, FormView):
    """The progress-update form for the open reporting period: save a draft or submit."""

    permission_required = "delivery.update_action"
    template_name = "delivery/progress_update_form.html"
    nav_section = "my_actions"

    @cached_property
    def period(self) -> ReportingPeriod | None:
        return open_period_of(self.partnership)

    @cached_property
    def update(self) -> ProgressUpdate:
        return progress_update_initial(action=self.action, period=self.period)

    def get(self, request, *args, **kwargs):
        if self.period is None:
            return self.render_to_response(self.get_context_data(form=None))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.period is None:
            return self.render_to_response(self.get_context_data(form=None), status=409)
        return super().post(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return ProgressUpdateForm(
            **self.get_form_kwargs(),
            instance=self.update,
            ratings=StatusRating.wording_for(self.partnership),
            milestones=Milestone.objects.filter(action=self.action).filter(
                Q(completed_on__isnull=True) | Q(completed_on__gte=self.period.starts_on)
            ),
            can_save_draft=not self.update.is_submitted,
        )

    def get_initial(self):
        return {"version": self.update.version}

    def form_valid(self, form):
        try:
            update = progress_update_save(
                action=self.action,
                period=self.period,
                author=self.request.user,
                data=form.update_data,
                version=form.cleaned_data["version"],
                submit="save_draft" not in self.request.POST,
                milestones_completed=form.milestones_completed,
            )
        except ProgressUpdateConflict as conflict:
            return self.conflict(form, conflict.saved)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if update.is_submitted:
            messages.success(self.request, f"Progress update for {self.period} submitted.")
        else:
            messages.success(
                self.request, f"Draft saved. Submit it by {self.period.update_deadline:%-d %B %Y}."
            )
        return redirect(self.action.get_absolute_url())

    def conflict(self, form, saved):
        """Show both versions and keep the user's own, ready to submit over the saved one."""
        data = self.request.POST.copy()
        data["version"] = saved.version if saved else 0
        fresh = ProgressUpdateForm(
            data=data,
            instance=ProgressUpdate(action=self.action, period=self.period),
            ratings=StatusRating.wording_for(self.partnership),
            milestones=form.milestones,
            can_save_draft=saved is None or not saved.is_submitted,
        )
        fresh.is_valid()
        differences = [
            {
                "label": form.fields[name].label,
                "saved": getattr(saved, name),
                "yours": form.cleaned_data[name],
            }
            for name in form.update_data
            if saved is None or getattr(saved, name) != form.cleaned_data[name]
        ]
        context = self.get_context_data(form=fresh, conflict=saved, differences=differences)
        return self.render_to_response(context, status=409)

    def get_context_data(self, **kwargs):
        update = self.update if self.period else None
        return super().get_context_data(period=self.period, update=update, **kwargs)


class ActionReopenView(ActionMixin, ObjectPermissionRequiredMixin, FormView):
    """Reopen a completed action, with the reason recorded in its history."""

    permission_required = "delivery.update_action"
    form_class = ActionReopenForm
    template_name = "delivery/action_reopen.html"
    nav_section = "actions"

    def form_valid(self, form):
        try:
            action_reopen(action=self.action, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Action reopened.")
        return redirect(self.action.get_absolute_url())


class ActionDelegatesView(ActionMixin, ObjectPermissionRequiredMixin, FormView):
    """The owner adds and removes the people who may update the action for them."""

    permission_required = "delivery.manage_delegates"
    form_class = DelegateAddForm
    template_name = "delivery/action_delegates.html"
    nav_section = "actions"

    def get_form_kwargs(self):
        candidates = (
            User.objects.filter(memberships__partnership=self.partnership, memberships__is_active=True)
            .exclude(pk=self.action.owner_id)
            .exclude(pk__in=[d.pk for d in self.action.delegates.all()])
            .order_by("first_name", "last_name")
        )
        return {**super().get_form_kwargs(), "candidates": candidates}

    def post(self, request, *args, **kwargs):
        if "remove" in request.POST:
            pk = whole_number(request.POST["remove"])
            if pk is None:
                raise Http404("No such delegate")
            delegate = get_object_or_404(self.action.delegates.all(), pk=pk)
            action_delegate_remove(action=self.action, delegate=delegate)
            messages.success(request, f"{delegate} can no longer update this action.")
            return redirect(request.path)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        delegate = form.cleaned_data["delegate"]
        try:
            action_delegate_add(action=self.action, delegate=delegate)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{delegate} can now update this action.")
        return redirect(self.request.path)


# Partnership administration -----------------------------------------------------------------------
#
# Reporting periods, the delivery plan's actions and milestones, and starting the next strategy.
# Every member may read the reporting periods; only administrators change anything.


def form_errors_add(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by its fields where it has them, else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class AdministratorRequiredMixin(PartnershipAdministrationMixin):
    """A delivery page for the partnership's administrators, on the one administrators' base.

    It comes first among a view's bases, so that the permission is checked on the partnership even
    where a mixin such as ActionMixin offers its object for the officers' object permissions.
    """

    permission_required = "delivery.manage_actions"


def _count(queryset) -> Subquery:
    """A subquery counting the rows of `queryset`, which may refer to the outer query."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


# Stands for each row's own period inside a subquery, so the "expected to report" rule is reused.
_THIS_PERIOD = SimpleNamespace(starts_on=OuterRef("starts_on"), ends_on=OuterRef("ends_on"))


class ReportingPeriodListView(PartnershipMixin, TemplateView):
    """The partnership's reporting periods, with how many expected updates each has received."""

    template_name = "delivery/period_list.html"
    nav_section = "manage"

    def get_context_data(self, **kwargs):
        periods = ReportingPeriod.objects.for_partnership(self.partnership).annotate(
            expected_count=_count(
                Action.objects.for_partnership(self.partnership).expected_to_report(_THIS_PERIOD)
            ),
            submitted_count=_count(
                ProgressUpdate.objects.filter(period=OuterRef("pk"), submitted_at__isnull=False)
            ),
        )
        return super().get_context_data(
            periods=periods,
            can_manage=self.request.user.has_perm("delivery.manage_reporting_periods", self.partnership),
            today=timezone.localdate(),
            **kwargs,
        )


class ReportingPeriodYearCreateView(AdministratorRequiredMixin, FormView):
    """Add a financial year's four quarters as upcoming reporting periods, in one step."""

    permission_required = "delivery.manage_reporting_periods"
    form_class = ReportingPeriodYearForm
    template_name = "delivery/period_year_form.html"
    nav_section = "manage"

    def get_initial(self):
        """Suggest the first financial year after the latest period that has no period at all."""
        latest = ReportingPeriod.objects.for_partnership(self.partnership).order_by("-ends_on").first()
        if latest is None:
            today = timezone.localdate()
            return {"year": today.year if today.month >= 4 else today.year - 1, "days_to_deadline": 30}
        year_of_latest = latest.ends_on.year if latest.ends_on.month >= 4 else latest.ends_on.year - 1
        return {"year": year_of_latest + 1, "days_to_deadline": 30}

    def form_valid(self, form):
        try:
            periods = reporting_periods_create_year(
                partnership=self.partnership,
                year=form.cleaned_data["year"],
                days_to_deadline=form.cleaned_data["days_to_deadline"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
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
    """Who has and has not reported for a period: each expected action's return, with counts."""

    template_name = "delivery/period_detail.html"
    nav_section = "manage"

    def get_context_data(self, **kwargs):
        period, today = self.period, timezone.localdate()
        organisation = Membership.objects.filter(user=OuterRef("owner"), partnership=self.partnership)
        actions = list(
            Action.objects.for_partnership(self.partnership)
            .expected_to_report(period)
            .with_update_for(period)
            .select_related("owner", "ambition__priority")
            .annotate(owner_organisation=Subquery(organisation.values("organisation__name")[:1]))
            .in_order()
        )
        is_past_deadline = period.is_past_deadline(today)
        for action in actions:
            if action.period_update_submitted_at:
                action.return_state = "submitted"
            else:
                action.return_state = "draft" if action.period_update_exists else "none"
            action.is_late = action.return_state != "submitted" and is_past_deadline
        counts = {
            state: sum(1 for action in actions if action.return_state == state)
            for state in ("submitted", "draft", "none")
        }
        return super().get_context_data(
            actions=actions,
            counts=counts,
            late_count=sum(1 for action in actions if action.is_late),
            is_past_deadline=is_past_deadline,
            can_manage=self.request.user.has_perm("delivery.manage_reporting_periods", self.partnership),
            history=period.history.select_related("history_user").order_by("-history_date", "-history_id"),
            today=today,
            **kwargs,
        )


class ReportingPeriodTransitionView(ReportingPeriodMixin, AdministratorRequiredMixin, FormView):
    """Open a period for updates, lock it, or unlock it with a reason, after confirming."""

    permission_required = "delivery.manage_reporting_periods"
    form_class = ReportingPeriodTransitionForm
    template_name = "delivery/period_transition.html"
    nav_section = "manage"
    change = None  # "open", "lock" or "unlock", set in the URLconf

    CHANGES = {
        # change: (from, to, button)
        "open": (ReportingPeriod.State.UPCOMING, ReportingPeriod.State.OPEN, "Open for updates"),
        "lock": (ReportingPeriod.State.OPEN, ReportingPeriod.State.LOCKED, "Lock the period"),
        "unlock": (ReportingPeriod.State.LOCKED, ReportingPeriod.State.OPEN, "Unlock the period"),
    }

    def dispatch(self, request, *args, **kwargs):
        self.from_state, self.to_state, self.button = self.CHANGES[self.change]
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
            form_errors_add(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{period} is {period.get_state_display().lower()}.")
        return redirect("delivery:period_detail", slug=self.partnership.slug, pk=period.pk)

    def get_context_data(self, **kwargs):
        submitted = self.period.progress_updates.filter(submitted_at__isnull=False).count()
        return super().get_context_data(change=self.change, submitted_count=submitted, **kwargs)


class ReportingPeriodDeadlineView(ReportingPeriodMixin, AdministratorRequiredMixin, FormView):
    """Change the date by which a period's progress updates are due."""

    permission_required = "delivery.manage_reporting_periods"
    form_class = ReportingPeriodDeadlineForm
    template_name = "delivery/period_deadline_form.html"
    nav_section = "manage"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": copy.copy(self.period)}

    def form_valid(self, form):
        period = form.save()
        messages.success(
            self.request, f"Updates for {period} are now due by {period.update_deadline:%-d %B %Y}."
        )
        return redirect("delivery:period_detail", slug=self.partnership.slug, pk=period.pk)


class ReportingPeriodRemindView(ReportingPeriodMixin, AdministratorRequiredMixin, View):
    """Send the period's update reminders now, by the same rules as the daily reminder command."""

    permission_required = "delivery.manage_reporting_periods"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        period = self.period
        back = redirect("delivery:period_detail", slug=self.partnership.slug, pk=period.pk)
        if not period.is_open:
            messages.warning(request, "Reminders are sent only while a period is open for updates.")
            return back
        today = timezone.localdate()
        owners = update_reminder_owners(period=period, today=today)
        try:
            reminders = update_reminders_send(periods=[period], today=today)
            failed = []
        except UpdateRemindersNotSent as error:
            reminders, failed = error.reminders, [person for person, _ in error.failures]
        emailed = {reminder.recipient_id for reminder in reminders}
        failed_ids = {person.pk for person in failed}
        already = [o for o in owners if o.is_reminded_today and o.pk not in emailed | failed_ids]
        unreachable = [o for o in owners if not o.can_be_emailed]

        if not owners:
            messages.success(
                request, f"Every update expected for {period} has been submitted: nobody to remind."
            )
        elif emailed:
            messages.success(request, f"Reminders sent: {_people(len(emailed))} emailed about {period}.")
        elif len(already) == len(owners):
            messages.success(
                request,
                f"Everyone who owes an update for {period} has already been reminded today: "
                "nobody was emailed again.",
            )
        elif not failed:
            messages.warning(request, "No reminders were sent.")
        if already and emailed | failed_ids:
            messages.warning(request, f"Already reminded today, so not emailed again: {_names(already)}.")
        if unreachable:
            messages.warning(
                request,
                "Cannot be emailed (no email address, or no longer an active member): "
                f"{_names(unreachable)}.",
            )
        if failed:
            messages.error(request, f"Could not email: {_names(failed)}. Try again later.")
        return back


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def _names(people) -> str:
    return ", ".join(str(person) for person in people)


class ActionCreateView(AdministratorRequiredMixin, FormView):
    """Add an action at the end of the strategic ambition in the URL."""

    template_name = "delivery/action_form.html"
    nav_section = "manage"

    @cached_property
    def ambition(self) -> StrategicAmbition:
        return get_object_or_404(
            StrategicAmbition.objects.filter(priority__strategy__partnership=self.partnership).select_related(
                "priority__strategy"
            ),
            pk=self.kwargs["ambition_pk"],
        )

    url_objects = ("ambition",)

    def get_form(self, form_class=None):
        return ActionForm(**self.get_form_kwargs(), partnership=self.partnership, button="Add action")

    def get_initial(self):
        return {"status": Action.Status.NOT_STARTED}

    def form_valid(self, form):
        try:
            action = action_create(ambition=self.ambition, data=form.action_data)
        except ValidationError as error:
            form_errors_add(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Action {action.reference} added.")
        return redirect(action.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(ambition=self.ambition, **kwargs)


class ActionEditView(AdministratorRequiredMixin, ActionMixin, FormView):
    """Change an action's details, and its place among its strategic ambition's actions."""

    template_name = "delivery/action_form.html"
    nav_section = "manage"

    url_objects = ("action",)

    def get_form(self, form_class=None):
        return ActionForm(
            **self.get_form_kwargs(),
            instance=copy.copy(self.action),
            partnership=self.partnership,
            button="Save changes",
        )

    def get_initial(self):
        return {"version": action_version(self.action)}

    def form_valid(self, form):
        try:
            action = action_update(
                action=self.action, data=form.action_data, version=form.cleaned_data["version"]
            )
        except ActionChangedElsewhere as conflict:
            return self.conflict(conflict.saved)
        except ValidationError as error:
            form_errors_add(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Action {self.action.reference} updated.")
        return redirect(action.get_absolute_url())

    def conflict(self, saved: Action):
        """Keep the user's answers, ready to save over the other change once they have seen it."""
        data = self.request.POST.copy()
        data["version"] = action_version(saved)
        form = ActionForm(
            data=data, instance=copy.copy(self.action), partnership=self.partnership, button="Save changes"
        )
        form.is_valid()
        record = saved.history.select_related("history_user").first()
        who = record.history_user if record and record.history_user else "Someone else"
        when = dateformat.format(timezone.localtime(saved.updated_at), r"g:ia \o\n j F Y")
        form.add_error(
            None,
            f"{who} changed this action at {when}, after you opened this form. Nothing has been saved: "
            "check their change on the action's page, then save again to replace it with your answers.",
        )
        return self.render_to_response(self.get_context_data(form=form), status=409)

    def get_context_data(self, **kwargs):
        siblings = Action.objects.filter(ambition_id=self.action.ambition_id).order_by("order")
        return super().get_context_data(siblings=siblings, **kwargs)


class ActionMoveView(AdministratorRequiredMixin, ActionMixin, View):
    """Move an action up or down among its strategic ambition's actions."""

    http_method_names = ["post"]

    url_objects = ("action",)

    def post(self, request, *args, **kwargs):
        direction = request.POST.get("direction", "")
        try:
            moved = action_move(action=self.action, direction=direction)
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
        else:
            moved.ambition = self.action.ambition  # already loaded with its priority
            messages.success(request, f"“{moved.title}” moved {direction}: it is now {moved.reference}.")
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse(
                "delivery:action_edit", kwargs={"slug": self.partnership.slug, "pk": self.action.pk}
            )
        return redirect(next_url)


class ActionMilestonesView(AdministratorRequiredMixin, ActionMixin, FormView):
    """An action's milestones, to add, change and remove."""

    form_class = MilestoneForm
    template_name = "delivery/action_form_milestones.html"
    nav_section = "manage"

    url_objects = ("action",)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Milestone(action=self.action),
            "button": "Add milestone",
        }

    def form_valid(self, form):
        milestone = form.save()
        messages.success(self.request, f"Milestone “{milestone.title}” added.")
        return redirect(self.request.path)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            milestones=Milestone.objects.filter(action=self.action), today=timezone.localdate(), **kwargs
        )


class MilestoneMixin(PartnershipMixin):
    """Fetch the milestone in the URL, and its action, through the partnership."""

    @cached_property
    def milestone(self) -> Milestone:
        return get_object_or_404(
            Milestone.objects.filter(
                action__ambition__priority__strategy__partnership=self.partnership
            ).select_related("action__ambition__priority"),
            pk=self.kwargs["pk"],
        )

    url_objects = ("milestone",)

    def milestones_url(self) -> str:
        return reverse(
            "delivery:action_milestones",
            kwargs={"slug": self.partnership.slug, "pk": self.milestone.action_id},
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(milestone=self.milestone, action=self.milestone.action, **kwargs)


class MilestoneEditView(MilestoneMixin, AdministratorRequiredMixin, FormView):
    """Change a milestone's title, due date or completion date."""

    form_class = MilestoneForm
    template_name = "delivery/action_form_milestone.html"
    nav_section = "manage"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": copy.copy(self.milestone),
            "button": "Save milestone",
        }

    def form_valid(self, form):
        milestone = form.save()
        messages.success(self.request, f"Milestone “{milestone.title}” updated.")
        return redirect(self.milestones_url())


class MilestoneRemoveView(MilestoneMixin, AdministratorRequiredMixin, View):
    """Remove a milestone from its action (its history is kept)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        url, title = self.milestones_url(), self.milestone.title
        self.milestone.delete()
        messages.success(request, f"Milestone “{title}” removed.")
        return redirect(url)


class StrategyStartNextView(AdministratorRequiredMixin, FormView):
    """Start the strategy that follows this one: what will be copied, and the new title and dates."""

    permission_required = "delivery.start_next_strategy"
    template_name = "delivery/strategy_start_next.html"
    nav_section = "manage"

    @cached_property
    def strategy(self) -> Strategy:
        return get_object_or_404(Strategy.objects.for_partnership(self.partnership), pk=self.kwargs["pk"])

    url_objects = ("strategy",)

    def get_form(self, form_class=None):
        return StrategyStartNextForm(**self.get_form_kwargs(), partnership=self.partnership)

    def get_initial(self):
        starts_on = self.strategy.ends_on + timedelta(days=1)
        years = max(self.strategy.ends_on.year - self.strategy.starts_on.year, 1)
        try:
            ends_on = self.strategy.ends_on.replace(year=self.strategy.ends_on.year + years)
        except ValueError:  # 29 February
            ends_on = self.strategy.ends_on.replace(year=self.strategy.ends_on.year + years, day=28)
        return {"starts_on": starts_on, "ends_on": ends_on}

    def form_valid(self, form):
        try:
            new = strategy_start_next(
                strategy=self.strategy,
                title=form.cleaned_data["title"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                by=self.request.user,
            )
        except ValidationError as error:
            form_errors_add(form, error)
            return self.form_invalid(form)
        carried = Action.objects.filter(ambition__priority__strategy=new).count()
        messages.success(
            self.request,
            f"{new.title} started as a draft, following {self.strategy.title}. "
            f"{_count_of(carried, 'unfinished action')} carried over.",
        )
        return redirect("priorities:strategy_detail", slug=self.partnership.slug, pk=new.pk)

    def get_context_data(self, **kwargs):
        strategy = self.strategy
        actions = Action.objects.filter(ambition__priority__strategy=strategy)
        return super().get_context_data(
            strategy=strategy,
            followed_by=strategy.next_strategies.order_by("starts_on").first(),
            priorities=strategy.priorities.order_by("order").prefetch_related(
                Prefetch("ambitions", queryset=StrategicAmbition.objects.order_by("order"))
            ),
            carried=actions.active().select_related("owner", "ambition__priority").in_order(),
            finished_count=actions.exclude(pk__in=actions.active()).count(),
            **kwargs,
        )


def _count_of(count: int, noun: str) -> str:
    return f"1 {noun}" if count == 1 else f"{count} {noun}s"


# Importing and exporting the delivery plan ----------------------------------------------------------

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PlanImportMixin(AdministratorRequiredMixin):
    """The delivery-plan spreadsheet pages: administrators only, for the strategy chosen in ?strategy=."""

    permission_required = "delivery.import_plan"
    nav_section = "manage"

    @cached_property
    def strategies(self) -> list[Strategy]:
        return list(Strategy.objects.for_partnership(self.partnership).order_by("-starts_on"))

    @cached_property
    def chosen_strategy(self) -> Strategy | None:
        """The strategy in ?strategy=, by default the current one; another partnership's answers 404."""
        chosen = self.request.GET.get("strategy")
        if not chosen:
            return Strategy.current_of(self.strategies, today=timezone.localdate())
        for strategy in self.strategies:
            if str(strategy.pk) == chosen:
                return strategy
        raise Http404("No such strategy")


def xlsx_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


class PlanImportTemplateView(PlanImportMixin, View):
    """The empty delivery-plan spreadsheet, with guidance and the chosen strategy's priorities."""

    def get(self, request, *args, **kwargs):
        return xlsx_download(plan_template_xlsx(strategy=self.chosen_strategy), "delivery-plan-template")


class PlanExportView(PlanImportMixin, View):
    """The chosen strategy's delivery plan as a spreadsheet in the template's columns."""

    def get(self, request, *args, **kwargs):
        strategy = self.chosen_strategy
        if strategy is None:
            raise Http404("No strategy to export")
        filename = f"delivery-plan-{slugify(strategy.title)}-{timezone.localdate():%Y-%m-%d}"
        return limited_download(request, lambda: xlsx_download(plan_export_xlsx(strategy=strategy), filename))


class PlanImportView(PlanImportMixin, FormView):
    """Upload a delivery-plan spreadsheet; it is checked, and nothing changes until it is confirmed."""

    template_name = "delivery/plan_import.html"
    form_class = PlanImportForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "strategies": Strategy.objects.for_partnership(self.partnership)}

    def get_initial(self):
        return {"strategy": self.chosen_strategy}

    def form_valid(self, form):
        try:
            plan_import = plan_import_check(
                partnership=self.partnership,
                strategy=form.cleaned_data["strategy"],
                uploaded_by=self.request.user,
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
            return self.form_invalid(form)
        return redirect("delivery:plan_import_preview", slug=self.partnership.slug, import_pk=plan_import.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            strategies=self.strategies,
            columns=COLUMNS,
            recent_imports=PlanImport.objects.filter(partnership=self.partnership).select_related(
                "uploaded_by"
            )[:10],
            **kwargs,
        )


class PlanImportPreviewView(PlanImportMixin, TemplateView):
    """What importing a checked file will do, row by row; confirming it; its progress and result."""

    template_name = "delivery/plan_import_preview.html"

    url_objects = ("plan_import",)

    @cached_property
    def plan_import(self) -> PlanImport:
        return get_object_or_404(
            PlanImport.objects.filter(partnership=self.partnership).select_related("uploaded_by"),
            pk=self.kwargs["import_pk"],
        )

    def post(self, request, *args, **kwargs):
        try:
            plan_import_confirm(plan_import=self.plan_import, confirmed_by=request.user)
        except ValidationError as error:
            self.plan_import.refresh_from_db()
            return self.render_to_response(self.get_context_data(confirm_errors=error.messages))
        return redirect(request.path)

    def get_context_data(self, **kwargs):
        plan_import = self.plan_import
        errors_by_row: dict[int, list[dict]] = {}
        for error in plan_import.errors:
            errors_by_row.setdefault(error["row"], []).append(error)
        rows = [{**row, "errors": errors_by_row.get(row["row"], [])} for row in plan_import.rows]
        is_importing = plan_import.state == PlanImport.State.IMPORTING
        return super().get_context_data(
            plan_import=plan_import,
            strategy=plan_import.strategy,
            rows=rows,
            counts=plan_import_counts(plan_import),
            error_count=len(plan_import.errors),
            first_errors=plan_import.errors[:50],
            done_rows=plan_import_progress(plan_import),
            # Automatic refreshing is the person's choice: a page that reloads itself on a timer
            # fails WCAG 2.2.1 (axe's meta-refresh rule) unless they asked for it.
            refresh=is_importing and self.request.GET.get("refresh") == "auto",
            **kwargs,
        )
