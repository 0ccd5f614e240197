"""The one strategy chooser of the pages that show one strategy at a time (or, where offered, all)."""

from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.tenancy import PartnershipMixin
from priorities.models import Strategy

ALL_STRATEGIES = "all"
"""The value of ?strategy= that chooses every strategy, where a page offers that."""


class StrategyChoiceMixin(PartnershipMixin):
    """The strategy chosen with ?strategy=, fetched through the partnership (another partnership's
    answers 404), by default the current one as the delivery plan chooses it (`Strategy.current_of`).
    The chooser offers every live strategy, and a closed one only when the address names it. A page
    that `offers_all_strategies` also takes ?strategy=all, and then has no one `strategy`."""

    offers_all_strategies = False

    @cached_property
    def strategies(self) -> list[Strategy]:
        return list(Strategy.objects.for_partnership(self.partnership))

    def strategy_data(self):
        """Where the strategy is named: the address."""
        return self.request.GET

    @cached_property
    def all_strategies_chosen(self) -> bool:
        return self.offers_all_strategies and self.strategy_data().get("strategy") == ALL_STRATEGIES

    @cached_property
    def chosen_strategy(self) -> Strategy | None:
        """The strategy named (?strategy=), or None when none is."""
        chosen = self.strategy_data().get("strategy")
        if not chosen or self.all_strategies_chosen:
            return None
        return next((s for s in self.strategies if str(s.pk) == chosen), None) or self._no_strategy()

    @staticmethod
    def _no_strategy():
        raise Http404("No such strategy")

    def default_strategy(self) -> Strategy | None:
        return Strategy.current_of(self.strategies, today=timezone.localdate())

    @cached_property
    def strategy(self) -> Strategy | None:
        if self.all_strategies_chosen:
            return None
        return self.chosen_strategy or self.default_strategy()

    @cached_property
    def strategy_choices(self) -> list[Strategy]:
        return [s for s in self.strategies if not s.is_closed or s == self.strategy]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            strategy=self.strategy,
            strategy_choices=self.strategy_choices,
            all_strategies_offered=self.offers_all_strategies,
            **kwargs,
        )
