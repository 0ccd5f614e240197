"""A strategy's priorities and strategic ambitions: adding, changing and ordering them (administrators),
named in the strategy's own words for them."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views.generic import FormView

from accounts.tenancy import PartnershipMixin
from core.forms import add_service_errors
from core.ordering import MoveView
from core.text import in_sentence, with_article
from priorities.forms import (
    AmbitionForm,
    PriorityForm,
)
from priorities.models import Priority, StrategicAmbition, Strategy
from priorities.services import (
    ambition_create,
    ambition_move,
    priority_create,
    priority_move,
)
from priorities.views.strategies import FormPageMixin, RecordEditView, StrategyMixin


class PriorityMixin(PartnershipMixin):
    """The priority in the URL, fetched through the partnership, for its administrators."""

    permission_required = "priorities.change_strategy"
    nav_section = "strategy"
    url_objects = ("priority",)

    @cached_property
    def priority(self) -> Priority:
        return get_object_or_404(
            Priority.objects.filter(strategy__partnership=self.partnership).select_related(
                "strategy__partnership", "lead"
            ),
            pk=self.kwargs["pk"],
        )

    @property
    def strategy(self) -> Strategy:
        return self.priority.strategy


class PlanWordsMixin:
    """A page of a strategy's structure that speaks of its levels in the strategy's own words."""

    @property
    def priority_word(self) -> str:
        return in_sentence(self.strategy.priority_word)

    @property
    def ambition_word(self) -> str:
        return in_sentence(self.strategy.ambition_word)


class PriorityCreateView(PlanWordsMixin, StrategyMixin, FormPageMixin, FormView):
    """Add a priority at the end of a strategy."""

    form_class = PriorityForm

    @property
    def page_title(self):
        return f"Add {with_article(self.priority_word)}"

    @property
    def submit_label(self):
        return f"Add {self.priority_word}"

    @property
    def caption(self):
        return self.strategy.title

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Priority(strategy=self.strategy),
            "partnership": self.partnership,
        }

    def form_valid(self, form):
        try:
            priority = priority_create(strategy=self.strategy, **form.record_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.strategy.priority_word} {priority} added.")
        return redirect(f"{self.strategy.get_absolute_url()}#priority-{priority.pk}")


class PriorityEditView(PlanWordsMixin, PriorityMixin, RecordEditView):
    """Change a priority's title, reference, description, outcomes, lead and lead organisation."""

    form_class = PriorityForm

    @property
    def page_title(self):
        return f"Change {with_article(self.priority_word)}"

    @property
    def success_message(self):
        return f"{self.strategy.priority_word} saved."

    @property
    def caption(self):
        return f"{self.priority.reference}. {self.priority.title}"

    def get_object(self, queryset=None):
        return copy.copy(self.priority)  # the page's own stays as saved if the change is refused

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def get_success_url(self):
        return f"{self.strategy.get_absolute_url()}#priority-{self.priority.pk}"


class PriorityMoveView(PriorityMixin, MoveView):
    """Move a priority up or down its strategy."""

    @property
    def noun(self):
        return in_sentence(self.strategy.priority_word)

    @property
    def plural(self):
        return in_sentence(self.strategy.words.priorities)

    def item(self):
        return self.priority

    def back_url(self, item) -> str:
        return f"{self.strategy.get_absolute_url()}#priority-{item.pk}"

    def move(self, item, direction):
        return priority_move(priority=item, direction=direction)


class AmbitionMixin(PartnershipMixin):
    """The strategic ambition in the URL, fetched through the partnership, for its administrators."""

    permission_required = "priorities.change_strategy"
    nav_section = "strategy"
    url_objects = ("ambition",)

    @cached_property
    def ambition(self) -> StrategicAmbition:
        return get_object_or_404(
            # A two-level plan's ambitions are not shown, so not changed either.
            StrategicAmbition.objects.filter(
                priority__strategy__partnership=self.partnership,
                priority__strategy__levels=Strategy.Levels.THREE,
            ).select_related("priority__strategy__partnership"),
            pk=self.kwargs["pk"],
        )

    @property
    def strategy(self) -> Strategy:
        return self.ambition.priority.strategy


class AmbitionCreateView(PlanWordsMixin, PriorityMixin, FormPageMixin, FormView):
    """Add a strategic ambition at the end of a priority, in a plan of three levels."""

    form_class = AmbitionForm

    @property
    def page_title(self):
        return f"Add {with_article(self.ambition_word)}"

    @property
    def submit_label(self):
        return f"Add {self.ambition_word}"

    @property
    def caption(self):
        return f"{self.priority.reference}. {self.priority.title}"

    def fetch_objects(self):
        super().fetch_objects()
        if not self.strategy.has_ambitions:
            raise Http404("A two-level plan has no middle level")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": StrategicAmbition(priority=self.priority)}

    def form_valid(self, form):
        try:
            ambition = ambition_create(priority=self.priority, **form.record_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"{self.strategy.ambition_word} {ambition.reference} {ambition.title} added."
        )
        return redirect(f"{self.strategy.get_absolute_url()}#ambition-{ambition.pk}")


class AmbitionEditView(PlanWordsMixin, AmbitionMixin, RecordEditView):
    """Change a strategic ambition's title, reference and strategic plan."""

    form_class = AmbitionForm

    @property
    def page_title(self):
        return f"Change {with_article(self.ambition_word)}"

    @property
    def success_message(self):
        return f"{self.strategy.ambition_word} saved."

    @property
    def caption(self):
        return f"{self.ambition.reference} {self.ambition.title}"

    def get_object(self, queryset=None):
        return copy.copy(self.ambition)  # the page's own stays as saved if the change is refused

    def get_success_url(self):
        return f"{self.strategy.get_absolute_url()}#ambition-{self.ambition.pk}"


class AmbitionMoveView(AmbitionMixin, MoveView):
    """Move a strategic ambition up or down its priority."""

    @property
    def noun(self):
        return in_sentence(self.strategy.ambition_word)

    @property
    def plural(self):
        return in_sentence(self.strategy.words.ambitions)

    def item(self):
        return self.ambition

    def back_url(self, item) -> str:
        return f"{self.strategy.get_absolute_url()}#ambition-{item.pk}"

    def move(self, item, direction):
        return ambition_move(ambition=item, direction=direction)
