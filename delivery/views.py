from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView
from rules.contrib.views import PermissionRequiredMixin as ObjectPermissionRequiredMixin

from accounts.models import Membership, StatusRating, User
from accounts.views import PartnershipMixin
from core.ratings import direction_of_travel
from delivery.filters import ActionFilter
from delivery.forms import ActionReopenForm, DelegateAddForm, ProgressUpdateForm
from delivery.models import Action, Milestone, ProgressUpdate, ReportingPeriod
from delivery.services import (
    ProgressUpdateConflict,
    action_delegate_add,
    action_delegate_remove,
    action_reopen,
    progress_update_initial,
    progress_update_save,
)


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
            delegate = get_object_or_404(self.action.delegates.all(), pk=request.POST["remove"])
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
