"""Strategies: the list, a strategy's page, and administrators creating, changing and moving one on; the form pages and edit base the other modules share."""

import copy

from crispy_forms_gds.choices import Choice
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, TemplateView, UpdateView

from accounts.tenancy import PartnershipMixin
from core.conflicts import EditConflict, EditConflictMixin, save_if_unchanged
from core.forms import add_service_errors
from priorities.forms import (
    StrategyForm,
    StrategyTransitionForm,
)
from priorities.models import SignOff, StrategicAmbition, Strategy
from priorities.services import (
    SIGN_OFF_STATUSES,
    TRANSITIONS,
    AdoptionRefused,
    sign_off_rows,
    strategy_create,
    strategy_not_agreed_by,
    strategy_transition,
    strategy_update,
)


def sign_offs_with_organisations() -> Prefetch:
    """A strategy's sign-offs with their organisations, as `sign_off_rows` reads them."""
    return Prefetch("sign_offs", queryset=SignOff.objects.select_related("organisation"))


def priorities_with_leads_and_ambitions(strategy):
    """The strategy's priorities in order, with their leads and ambitions loaded. A two-level plan is
    shown without its middle level: each priority lists its actions (`listed_actions`) instead."""
    ambitions = Prefetch("ambitions", queryset=StrategicAmbition.objects.order_by("order"))
    priorities = strategy.priorities.select_related("lead", "lead_organisation")
    if strategy.has_ambitions:
        return priorities.prefetch_related(ambitions)
    # The actions named by their path: this app comes before delivery, which holds them.
    priorities = list(priorities.prefetch_related(ambitions, "ambitions__actions"))
    for priority in priorities:
        priority.listed_actions = [
            action for ambition in priority.ambitions.all() for action in ambition.actions.all()
        ]
    return priorities


def next_statuses(strategy) -> str:
    """Where the strategy can move, in words: "awaiting sign-off, or back to draft"."""
    order = list(Strategy.Status.values)
    return ", or ".join(
        f"{'back to ' if order.index(to) < order.index(strategy.status) else ''}{Strategy.Status(to).label.lower()}"
        for to in TRANSITIONS[strategy.status]
    )


class StrategyListView(PartnershipMixin, TemplateView):
    """The partnership's strategies, with the current strategy's priorities and leads."""

    template_name = "priorities/strategy_list.html"
    nav_section = "strategy"

    def get_context_data(self, **kwargs):
        strategies = list(Strategy.objects.for_partnership(self.partnership).select_related("partnership"))
        current = Strategy.current_of(strategies, today=timezone.localdate())
        return super().get_context_data(
            strategies=strategies,
            current_strategy=current,
            priorities=priorities_with_leads_and_ambitions(current) if current else [],
            **kwargs,
        )


class StrategyDetailView(PartnershipMixin, DetailView):
    """One strategy: its timeline, priorities, leads, ambitions, consultation and sign-off."""

    context_object_name = "strategy"
    nav_section = "strategy"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Strategy.objects.for_partnership(self.partnership).prefetch_related(
                "consultations", sign_offs_with_organisations()
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            priorities=priorities_with_leads_and_ambitions(self.object),
            sign_off_rows=sign_off_rows(self.object),
            can_record_sign_off=self.object.status in SIGN_OFF_STATUSES,
            next_statuses=next_statuses(self.object),
            **kwargs,
        )


class FormPageMixin:
    """A form page in priorities/form.html: a heading, the form, a save button and a way back."""

    template_name = "priorities/form.html"
    submit_label = "Save"
    page_title = ""
    caption = ""

    @property
    def strategy(self) -> Strategy | None:
        return None

    def back_url(self) -> str:
        return self.strategy.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=self.page_title,
            caption=self.caption,
            submit_label=self.submit_label,
            back_url=self.back_url(),
            strategy=self.strategy,
            **kwargs,
        )


class RecordEditView(EditConflictMixin, PartnershipMixin, FormPageMixin, UpdateView):
    """Change a record, refusing to save over someone else's later change (the user is shown both)."""

    permission_required = "priorities.change_strategy"
    nav_section = "strategy"
    submit_label = "Save changes"
    success_message = "Changes saved."

    def edited_record(self):
        return self.object

    def form_valid(self, form):
        try:
            self.object = save_if_unchanged(form.instance, version=form.cleaned_data["version"])
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


class StrategyCreateView(PartnershipMixin, FormPageMixin, FormView):
    """Start a new strategy as a draft."""

    permission_required = "priorities.change_strategy"
    nav_section = "strategy"
    form_class = StrategyForm
    page_title = "Create a strategy"
    submit_label = "Create strategy"

    def back_url(self):
        return reverse("priorities:strategy_list", kwargs={"slug": self.partnership.slug})

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Strategy(partnership=self.partnership)}

    def form_valid(self, form):
        try:
            strategy = strategy_create(partnership=self.partnership, **form.record_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{strategy.title} created as a draft.")
        return redirect(strategy)


class StrategyMixin(PartnershipMixin):
    """The strategy in the URL, fetched through the partnership, for its administrators."""

    permission_required = "priorities.change_strategy"
    nav_section = "strategy"
    url_objects = ("strategy",)

    @cached_property
    def strategy(self) -> Strategy:
        return get_object_or_404(
            Strategy.objects.for_partnership(self.partnership).select_related("partnership"),
            pk=self.kwargs["pk"],
        )

    @cached_property
    def sign_off_rows(self) -> list:
        """The strategy's `sign_off_rows`, read once for the page (its sign-offs in one query)."""
        prefetch_related_objects([self.strategy], sign_offs_with_organisations())
        return sign_off_rows(self.strategy)


class StrategyEditView(StrategyMixin, RecordEditView):
    """Change a strategy's title, dates, texts, reporting rhythm and plan shape."""

    form_class = StrategyForm
    page_title = "Change the strategy's details"
    success_message = "Strategy details saved."

    def get_object(self, queryset=None):
        # A copy for the form to fill in, so that a refused change leaves the page's strategy as saved.
        return copy.copy(self.strategy)

    def get_success_url(self):
        return self.strategy.get_absolute_url()

    def form_valid(self, form):
        data = form.record_data
        try:
            strategy_update(
                strategy=self.strategy,
                data=data,
                reporting_periods=list(data.pop("reporting_periods")),
                version=form.cleaned_data["version"],
                by=self.request.user,
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


class StrategyTransitionView(StrategyMixin, FormView):
    """Move a strategy on (or back a step) through draft, consultation, awaiting sign-off, adopted, closed."""

    form_class = StrategyTransitionForm
    template_name = "priorities/strategy_transition.html"

    @cached_property
    def not_agreed(self):
        return strategy_not_agreed_by(self.strategy, rows=self.sign_off_rows)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "choices": self.choices()}

    def choices(self) -> list[Choice]:
        hints = {
            Strategy.Status.DRAFT: "Back to draft, to change it before consulting again.",
            Strategy.Status.CONSULTATION: "The public consultation on its priorities is open or about to open.",
            Strategy.Status.AWAITING_SIGN_OFF: "Each responsible authority is asked to agree it: their "
            "decisions are recorded on the strategy page.",
            Strategy.Status.CLOSED: "The strategy's period is over. A closed strategy cannot change status again.",
        }
        if self.not_agreed:
            names = ", ".join(row.organisation.name for row in self.not_agreed)
            hints[Strategy.Status.ADOPTED] = (
                f"Not agreed yet by: {names}. To adopt it without their agreement, give the reason below."
            )
        else:
            hints[Strategy.Status.ADOPTED] = "Every responsible authority has agreed it."
        return [
            Choice(to, Strategy.Status(to).label, hint=hints[to]) for to in TRANSITIONS[self.strategy.status]
        ]

    def form_valid(self, form):
        to = form.cleaned_data["to"]
        try:
            strategy = strategy_transition(
                strategy=self.strategy, to=to, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except AdoptionRefused as refusal:
            form.add_error("reason", refusal)
            return self.form_invalid(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{strategy.title} is now {strategy.get_status_display().lower()}.")
        return redirect(strategy)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            strategy=self.strategy,
            sign_off_rows=self.sign_off_rows,
            **kwargs,
        )
