"""Administering the delivery plan: adding, changing and ordering actions, their milestones, and
starting the next strategy."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, View

from accounts.tenancy import PartnershipMixin
from core.conflicts import EditConflict, EditConflictMixin
from core.forms import add_service_errors
from core.ordering import MoveView
from core.text import count_of, in_sentence
from delivery.forms.actions import ActionForm, MilestoneForm, StrategyStartNextForm
from delivery.models import Action, Milestone
from delivery.services.actions import (
    action_create,
    action_move,
    action_update,
    strategy_start_next,
)
from delivery.services.milestones import milestone_add, milestone_change, milestone_remove
from delivery.views.officer import ActionMixin
from priorities.models import StrategicAmbition, Strategy
from priorities.services import actions_ambition_of


class ActionCreateView(PartnershipMixin, FormView):
    """Add an action at the end of the strategic ambition in the URL or, from a strategy's address, at
    the end of the priority (two-level plan) or strategic ambition the form chooses."""

    permission_required = "delivery.manage_actions"
    template_name = "delivery/action_form.html"
    nav_section = "manage"
    url_objects = ("ambition", "strategy")

    @cached_property
    def ambition(self) -> StrategicAmbition | None:
        if "ambition_pk" not in self.kwargs:
            return None
        return get_object_or_404(
            StrategicAmbition.objects.filter(priority__strategy__partnership=self.partnership).select_related(
                "priority__strategy"
            ),
            pk=self.kwargs["ambition_pk"],
        )

    @cached_property
    def strategy(self) -> Strategy:
        if self.ambition is not None:
            return self.ambition.priority.strategy
        return get_object_or_404(Strategy.objects.for_partnership(self.partnership), pk=self.kwargs["pk"])

    def get_form(self, form_class=None):
        return ActionForm(
            **self.get_form_kwargs(),
            partnership=self.partnership,
            strategy=self.strategy,
            chooses_place=self.ambition is None,
            button=f"Add {in_sentence(self.strategy.action_word)}",
        )

    def get_initial(self):
        # The strategy page's "Add a deliverable" link says under which priority (or ambition).
        chosen = {name: self.request.GET.get(name) for name in ("priority", "ambition")}
        return {"status": Action.Status.NOT_STARTED, **{k: v for k, v in chosen.items() if v}}

    def form_valid(self, form):
        try:
            with transaction.atomic():  # a two-level plan's unseen ambition is made only with the action
                ambition = self.ambition or form.cleaned_data.get("ambition")
                if ambition is None:
                    ambition = actions_ambition_of(form.cleaned_data["priority"])
                action = action_create(ambition=ambition, data=form.action_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.strategy.action_word} {action.reference} added.")
        return redirect(action.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(place=self.ambition, strategy=self.strategy, **kwargs)


class ActionEditView(EditConflictMixin, ActionMixin, FormView):
    """Change an action's details, and its place among its strategic ambition's actions."""

    permission_required = "delivery.manage_actions"
    template_name = "delivery/action_form.html"
    nav_section = "manage"
    conflict_message = (
        "{who} changed this action at {when}, after you opened this form. Nothing has been saved: "
        "check their change on the action's page, then save again to replace it with your answers."
    )

    @property
    def strategy(self) -> Strategy:
        return self.action.ambition.priority.strategy

    def edited_record(self) -> Action:
        return self.action

    def get_form(self, form_class=None):
        return ActionForm(
            **self.get_form_kwargs(),
            instance=copy.copy(self.action),
            partnership=self.partnership,
            strategy=self.strategy,
        )

    def form_valid(self, form):
        try:
            action = action_update(
                action=self.action, data=form.action_data, version=form.cleaned_data["version"]
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.strategy.action_word} {action.reference} updated.")
        return redirect(action.get_absolute_url())

    def get_context_data(self, **kwargs):
        siblings = (
            Action.objects.filter(ambition_id=self.action.ambition_id)
            .select_related("ambition__priority__strategy")
            .order_by("order")
        )
        return super().get_context_data(
            siblings=siblings, place=self.action.ambition, strategy=self.strategy, **kwargs
        )


class ActionMoveView(ActionMixin, MoveView):
    """Move an action up or down among its strategic ambition's actions, back to the page it was moved on."""

    permission_required = "delivery.manage_actions"
    nav_section = "manage"

    @property
    def noun(self):
        return in_sentence(self.action.ambition.priority.strategy.action_word)

    @property
    def plural(self):
        return in_sentence(self.action.ambition.priority.strategy.words.actions)

    def item(self):
        return self.action

    def move(self, item, direction):
        return action_move(action=item, direction=direction)

    def back_url(self, item) -> str:
        next_url = self.request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return next_url
        return reverse("delivery:action_edit", kwargs={"slug": self.partnership.slug, "pk": item.pk})


class ActionMilestonesView(ActionMixin, FormView):
    """An action's milestones, to add, change and remove."""

    permission_required = "delivery.manage_actions"
    form_class = MilestoneForm
    template_name = "delivery/action_form_milestones.html"
    nav_section = "manage"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Milestone(action=self.action),
            "button": "Add milestone",
        }

    def form_valid(self, form):
        try:
            milestone = milestone_add(action=self.action, **form.milestone_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
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
            ).select_related("action__ambition__priority__strategy"),
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


class MilestoneEditView(EditConflictMixin, MilestoneMixin, FormView):
    """Change a milestone's title, due date or completion date, unless it was saved since the form opened."""

    permission_required = "delivery.manage_actions"
    form_class = MilestoneForm
    template_name = "delivery/action_form_milestone.html"
    nav_section = "manage"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": copy.copy(self.milestone),
            "button": "Save milestone",
        }

    def edited_record(self) -> Milestone:
        return self.milestone

    def form_valid(self, form):
        try:
            milestone = milestone_change(milestone=form.instance, version=form.cleaned_data["version"])
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Milestone “{milestone.title}” updated.")
        return redirect(self.milestones_url())


class MilestoneRemoveView(MilestoneMixin, View):
    """Remove a milestone from its action (its history is kept)."""

    permission_required = "delivery.manage_actions"
    nav_section = "manage"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        url, title = self.milestones_url(), self.milestone.title
        milestone_remove(milestone=self.milestone)
        messages.success(request, f"Milestone “{title}” removed.")
        return redirect(url)


class StrategyStartNextView(PartnershipMixin, FormView):
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
        starts_on, ends_on = self.strategy.next_term()
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
            add_service_errors(form, error)
            return self.form_invalid(form)
        carried = Action.objects.filter(ambition__priority__strategy=new).count()
        messages.success(
            self.request,
            f"{new.title} started as a draft, following {self.strategy.title}. "
            f"{count_of(carried, 'unfinished action')} carried over.",
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
            carried=actions.active().select_related("owner", "ambition__priority__strategy").in_order(),
            finished_count=actions.exclude(pk__in=actions.active()).count(),
            **kwargs,
        )
