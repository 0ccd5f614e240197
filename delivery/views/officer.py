"""Officers' pages: My actions, the delivery plan, an action, its progress update, reopening and delegates."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from accounts.models import StatusRating, User
from accounts.tenancy import PartnershipMixin
from core.conflicts import EditConflict, EditConflictMixin, differences, form_differences, version_of
from core.dates import long_date
from core.limits import whole_number
from core.pagination import page_numbers
from core.ratings import direction_of_travel
from delivery.context_processors import open_periods, reported_periods
from delivery.filters import REFERENCE, ActionFilter
from delivery.forms.officer import ActionReopenForm, DelegateAddForm, ProgressUpdateForm
from delivery.history import action_changes
from delivery.models import Action, Milestone, ProgressUpdate, ReportingPeriod, period_for_update
from delivery.services.actions import action_delegate_add, action_delegate_remove, action_reopen
from delivery.services.updates import progress_update_initial, progress_update_save
from priorities.views.choice import StrategyChoiceMixin


class MyActionsView(StrategyChoiceMixin, TemplateView):
    """What the signed-in person owns, is a delegate on or leads, and what each owes every open period.

    One strategy at a time, the current one unless ?strategy= chooses another or all of them. The
    updates owed are counted for the strategy shown, and those owed on the person's other strategies
    are said beside them, so that choosing one plan hides no return: the navigation's count of every
    update owed (`open_periods`) gives the whole, and is the count itself when there is one strategy.
    Several periods may be open at once (an earlier one kept open, or unlocked, for late returns): the
    periods are listed earliest first, so late returns come before the current period's. Actions from
    more than one strategy are grouped by strategy, as the priorities' "1." and "1.1" recur in each.

    A priority's lead may answer for hundreds of actions, so they come `paginate_by` a page (?page=):
    one query reads the order of them all (how many, and whether they span strategies), and one reads
    the page's actions with their return for each open period (`with_returns`).
    """

    template_name = "delivery/my_actions.html"
    nav_section = "my_actions"
    offers_all_strategies = True
    paginate_by = 50

    def get_context_data(self, **kwargs):
        mine = Action.objects.for_partnership(self.partnership).for_person(self.request.user)
        everywhere = sorted(open_periods(self.request), key=lambda period: period.starts_on)
        if self.strategy is None or len(self.strategies) == 1:
            periods, owed_elsewhere = everywhere, 0
        else:
            mine = mine.filter(ambition__priority__strategy=self.strategy)
            periods = list(
                ReportingPeriod.objects.for_partnership(self.partnership)
                .open()
                .with_updates_owed(mine)
                .order_by("starts_on")
            )
            owed_elsewhere = sum(p.updates_owed for p in everywhere) - sum(p.updates_owed for p in periods)
        in_order = list(mine.order_by(*REFERENCE).values_list("pk", "ambition__priority__strategy"))
        page = Paginator(in_order, self.paginate_by).get_page(self.request.GET.get("page"))
        actions = list(
            Action.objects.filter(pk__in=[pk for pk, _ in page])
            .with_returns(periods)
            .select_related(
                "ambition__priority__strategy",
                "ambition__priority__lead_organisation",
                "ambition__priority__lead",
                "owner",
                "lead_organisation",
            )
            .with_latest_update()
            .order_by(*REFERENCE)
        )
        today = timezone.localdate()
        for action in actions:
            action.overdue = action.is_overdue(today)
            action.returns = []
            for period in periods:
                if getattr(action, f"is_expected_in_{period.pk}"):
                    # What `with_update_for` would annotate for this period, so `update_state` reads it.
                    action.period_update_exists = getattr(action, f"update_exists_in_{period.pk}")
                    action.period_update_submitted_at = getattr(action, f"submitted_at_in_{period.pk}")
                    action.returns.append((period, action.update_state(period, today)))
        return super().get_context_data(
            periods=periods,
            actions=actions,
            page_obj=page,
            page_numbers=page_numbers(page.number, page.paginator.num_pages),
            today=today,
            several_strategies=len({strategy for _, strategy in in_order}) > 1,
            owed_elsewhere=owed_elsewhere,
            offer_strategy_choice=len(self.strategies) > 1,
            **kwargs,
        )


class ActionListView(PartnershipMixin, FilterView):
    """The whole delivery plan, filterable, sortable and paginated, with filters kept in the URL, in
    the words of the strategy chosen (`ActionFilter`). The page's joint leads, partners and tags come
    from one query (`ActionQuerySet.links`), as plain lists that a row reads without a queryset."""

    filterset_class = ActionFilter
    template_name = "delivery/action_list.html"
    context_object_name = "actions"
    paginate_by = 25
    nav_section = "actions"

    def get_filterset_kwargs(self, filterset_class):
        return {
            **super().get_filterset_kwargs(filterset_class),
            "partnership": self.partnership,
            "periods": reported_periods(self.request),
        }

    def get_queryset(self):
        return (
            Action.objects.for_partnership(self.partnership)
            .select_related("ambition__priority__strategy", "owner", "lead_organisation")
            .with_latest_update()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        actions = context["actions"]
        links = Action.objects.filter(pk__in=[action.pk for action in actions]).links()
        for action in actions:
            action.overdue = action.is_overdue(today)
            action.partners = links[action.pk]["partner_organisations"]
            action.tag_list = [tag.name for tag in links[action.pk]["tags"]]
            action.lead_words = action.lead_in_words(joint=links[action.pk]["lead_partners"])
        if context["is_paginated"]:
            page = context["page_obj"]
            context["page_numbers"] = page_numbers(page.number, page.paginator.num_pages)
        return context


class ActionMixin(PartnershipMixin):
    """Fetch the action in the URL through the partnership, with what its pages show: its plan, lead
    and owner, and its delegates, which the permission rules read."""

    url_objects = ("action",)

    @cached_property
    def action(self) -> Action:
        return get_object_or_404(
            Action.objects.for_partnership(self.partnership)
            .select_related(
                "ambition__priority__strategy__partnership",
                "ambition__priority__lead",
                "ambition__priority__lead_organisation",
                "owner",
                "lead_organisation",
            )
            .prefetch_related("delegates"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(action=self.action, **kwargs)


class ActionDetailView(ActionMixin, DetailView):
    """An action with its milestones, the timeline of its progress updates, and its change history."""

    template_name = "delivery/action_detail.html"
    nav_section = "actions"

    def get_object(self, queryset=None):
        return self.action

    def get_context_data(self, **kwargs):
        action, today = self.action, timezone.localdate()
        updates = action.progress_updates.select_related("period", "author").order_by("-period__starts_on")
        if not self.request.user.has_perm("delivery.update_action", action):
            updates = updates.filter(submitted_at__isnull=False)  # drafts only for who may edit them
        updates = list(updates)
        # Every period in order, each with whether the action owes it an update: the period before each
        # update's, and the open period its "Update progress" button opens, from one query.
        periods = list(
            ReportingPeriod.objects.for_partnership(self.partnership)
            .with_updates_owed(Action.objects.filter(pk=action.pk))
            .order_by("starts_on")
        )
        # Each submitted update against the submitted update for the period before it, as every page does.
        rating_in = {u.period_id: u.rating for u in updates if u.is_submitted}
        period_ids = [period.pk for period in periods]
        period_before = dict(zip(period_ids[1:], period_ids, strict=False))
        for update in updates:
            if update.is_submitted:
                before = rating_in.get(period_before.get(update.period_id))
                update.direction = direction_of_travel(update.rating, before)
        links = Action.objects.filter(pk=action.pk).links()[action.pk]
        return super().get_context_data(
            links=links,
            lead_words=action.lead_in_words(joint=links["lead_partners"]),
            milestones=Milestone.objects.filter(action=action),
            updates=updates,
            changes=action_changes(action),
            period=period_for_update([period for period in periods if period.is_open]),
            today=today,
            is_overdue=action.is_overdue(today),
            strategy=action.ambition.priority.strategy,
            # The board's decisions and actions about it, through meetings' reverse relations by name.
            board_decisions=action.agenda_items.select_related("meeting").order_by(
                "-meeting__held_on", "order"
            ),
            board_actions=action.board_actions.select_related(
                "meeting", "owner", "owner_organisation"
            ).order_by("-meeting__held_on", "pk"),
            **kwargs,
        )


class ProgressUpdateView(EditConflictMixin, ActionMixin, FormView):
    """The progress-update form for one open reporting period: save a draft or submit.

    The period is the one in the address (`progress_update_for`), fetched through the partnership;
    without one (`progress_update`), the earliest open period the action owes, else the latest open
    (`period_for_update`); the form posts to the address of its period either
    way, so that it saves to the period it showed. A locked period shows no form and refuses a save.
    A form opened before someone else saved the update, or changed a milestone it would change, is
    answered 409 with what differs, the user's answers kept (`core.conflicts`).
    """

    permission_required = "delivery.update_action"
    permission_object = "action"
    url_objects = ("action", "named_period")
    template_name = "delivery/progress_update_form.html"
    nav_section = "my_actions"

    @cached_property
    def periods_owed(self) -> list[ReportingPeriod]:
        """The open periods and the one in the address, earliest first, each with whether the action
        owes it an update: one query, through the partnership."""
        wanted = Q(state=ReportingPeriod.State.OPEN)
        if "period_pk" in self.kwargs:
            wanted |= Q(pk=self.kwargs["period_pk"])
        return list(
            ReportingPeriod.objects.for_partnership(self.partnership)
            .filter(wanted)
            .with_updates_owed(Action.objects.filter(pk=self.action.pk))
            .order_by("starts_on")
        )

    @cached_property
    def named_period(self) -> ReportingPeriod | None:
        """The period in the address, if it names one: any other partnership's answers 404."""
        if "period_pk" not in self.kwargs:
            return None
        named = next((p for p in self.periods_owed if p.pk == self.kwargs["period_pk"]), None)
        if named is None:
            raise Http404("No such reporting period")
        return named

    @cached_property
    def open_periods_owed(self) -> list[ReportingPeriod]:
        """The open periods, earliest first, each with whether the action owes it an update."""
        return [period for period in self.periods_owed if period.is_open]

    @cached_property
    def period(self) -> ReportingPeriod | None:
        """The open period the update is for; None when the named period is locked or none is open."""
        if self.named_period is not None:
            return self.named_period if self.named_period.is_open else None
        return period_for_update(self.open_periods_owed)

    @cached_property
    def update(self) -> ProgressUpdate:
        return progress_update_initial(action=self.action, period=self.period)

    @cached_property
    def milestones(self) -> list[Milestone]:
        """The milestones the form offers to complete: open ones, and those completed this period."""
        return list(
            Milestone.objects.filter(action=self.action).filter(
                Q(completed_on__isnull=True) | Q(completed_on__gte=self.period.starts_on)
            )
        )

    def edited_record(self) -> ProgressUpdate:
        return self.update

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
            milestones=self.milestones,
            can_save_draft=not self.update.is_submitted,
        )

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
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if update.is_submitted:
            messages.success(self.request, f"Progress update for {self.period} submitted.")
        else:
            messages.success(
                self.request, f"Draft saved. Submit it by {long_date(self.period.update_deadline)}."
            )
        return redirect(self.action.get_absolute_url())

    def versions_now(self, saved) -> dict[str, str]:
        """The update's version as saved now, and each milestone's: saving again replaces them."""
        milestones = Milestone.objects.filter(pk__in=[m.pk for m in self.milestones])
        return {
            "version": version_of(self.saved_update()),
            **{ProgressUpdateForm.milestone_version_field(m): version_of(m) for m in milestones},
        }

    def conflict_differences(self, form, saved) -> list:
        """The user's answers that differ from the update and the milestones as saved now."""
        update = self.saved_update()
        found = form_differences(form, update) if update is not None else []
        for milestone in Milestone.objects.filter(pk__in=[m.pk for m in self.milestones]):
            name = ProgressUpdateForm.milestone_field(milestone)
            found += differences(
                milestone, {"completed_on": form.cleaned_data[name]}, {"completed_on": form[name].label}
            )
        return found

    def saved_update(self) -> ProgressUpdate | None:
        return ProgressUpdate.objects.filter(action=self.action, period=self.period).first()

    def get_context_data(self, **kwargs):
        update = self.update if self.period else None
        also_owed = [p for p in self.open_periods_owed if p.updates_owed and p != self.period]
        # Context for the writer: the last submitted update before this period, and the open milestones.
        previous_update = (
            self.action.progress_updates.filter(
                period__starts_on__lt=self.period.starts_on, submitted_at__isnull=False
            )
            .select_related("period")
            .order_by("-period__starts_on")
            .first()
            if self.period
            else None
        )
        return super().get_context_data(
            period=self.period,
            previous_update=previous_update,
            open_milestones=[m for m in self.milestones if m.completed_on is None] if self.period else [],
            locked_period=self.named_period if self.period is None else None,
            update=update,
            is_late=self.period is not None and self.period.is_past_deadline(timezone.localdate()),
            also_owed=also_owed,
            **kwargs,
        )


class ActionReopenView(ActionMixin, FormView):
    """Reopen a completed action, with the reason recorded in its history."""

    permission_required = "delivery.update_action"
    permission_object = "action"
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


class ActionDelegatesView(ActionMixin, FormView):
    """The owner adds and removes the people who may update the action for them."""

    permission_required = "delivery.manage_delegates"
    permission_object = "action"
    form_class = DelegateAddForm
    template_name = "delivery/action_delegates.html"
    nav_section = "actions"

    def get_form_kwargs(self):
        candidates = (
            User.objects.members_of(self.partnership)
            .exclude(pk=self.action.owner_id)
            .exclude(pk__in=[d.pk for d in self.action.delegates.all()])
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
