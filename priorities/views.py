from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import DetailView, TemplateView

from accounts.views import PartnershipMixin
from priorities.models import StrategicAmbition, Strategy


def priorities_with_leads_and_ambitions(strategy):
    """The strategy's priorities in order, with their leads and ambitions loaded."""
    return strategy.priorities.select_related("lead", "lead_organisation").prefetch_related(
        Prefetch("ambitions", queryset=StrategicAmbition.objects.order_by("order"))
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
                "consultations", "sign_offs__organisation"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(priorities=priorities_with_leads_and_ambitions(self.object), **kwargs)
