"""A strategy's priorities and strategic ambitions: adding, changing and ordering them (administrators)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views.generic import FormView

from accounts.tenancy import PartnershipMixin
from core.forms import add_service_errors
from core.ordering import MoveView
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
                "strategy__partnership"
            ),
            pk=self.kwargs["pk"],
        )

    @property
    def strategy(self) -> Strategy:
        return self.priority.strategy


class PriorityCreateView(StrategyMixin, FormPageMixin, FormView):
    """Add a priority at the end of a strategy."""

    form_class = PriorityForm
    page_title = "Add a priority"
    submit_label = "Add priority"

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
        messages.success(self.request, f"Priority {priority} added.")
        return redirect(f"{self.strategy.get_absolute_url()}#priority-{priority.pk}")


class PriorityEditView(PriorityMixin, RecordEditView):
    """Change a priority's title, description, lead and lead organisation."""

    form_class = PriorityForm
    page_title = "Change a priority"
    success_message = "Priority saved."

    @property
    def caption(self):
        return f"{self.priority.reference}. {self.priority.title}"

    def get_object(self, queryset=None):
        return self.priority

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def get_success_url(self):
        return f"{self.strategy.get_absolute_url()}#priority-{self.priority.pk}"


class PriorityMoveView(PriorityMixin, MoveView):
    """Move a priority up or down its strategy."""

    noun = "priority"
    plural = "priorities"

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
            StrategicAmbition.objects.filter(priority__strategy__partnership=self.partnership).select_related(
                "priority__strategy__partnership"
            ),
            pk=self.kwargs["pk"],
        )

    @property
    def strategy(self) -> Strategy:
        return self.ambition.priority.strategy


class AmbitionCreateView(PriorityMixin, FormPageMixin, FormView):
    """Add a strategic ambition at the end of a priority."""

    form_class = AmbitionForm
    page_title = "Add a strategic ambition"
    submit_label = "Add strategic ambition"

    @property
    def caption(self):
        return f"{self.priority.reference}. {self.priority.title}"

    def form_valid(self, form):
        try:
            ambition = ambition_create(priority=self.priority, **form.record_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Strategic ambition {ambition.reference} {ambition.title} added.")
        return redirect(f"{self.strategy.get_absolute_url()}#ambition-{ambition.pk}")


class AmbitionEditView(AmbitionMixin, RecordEditView):
    """Change a strategic ambition's title and strategic plan."""

    form_class = AmbitionForm
    page_title = "Change a strategic ambition"
    success_message = "Strategic ambition saved."

    @property
    def caption(self):
        return f"{self.ambition.reference} {self.ambition.title}"

    def get_object(self, queryset=None):
        return self.ambition

    def get_success_url(self):
        return f"{self.strategy.get_absolute_url()}#ambition-{self.ambition.pk}"


class AmbitionMoveView(AmbitionMixin, MoveView):
    """Move a strategic ambition up or down its priority."""

    noun = "strategic ambition"
    plural = "strategic ambitions"

    def item(self):
        return self.ambition

    def back_url(self, item) -> str:
        return f"{self.strategy.get_absolute_url()}#ambition-{item.pk}"

    def move(self, item, direction):
        return ambition_move(ambition=item, direction=direction)
