"""The delivery plan's filters: every choice limited to the partnership in the URL.

With a reporting period chosen, the plan lists the actions expected to report in it and the rating
filter looks at each action's submitted update for that period, so a count in the exception report's
summary links to exactly the actions it counts.

With no strategy in the URL the plan shows the current strategy's actions (`Strategy.current_of`);
"All strategies" (`?strategy=all`, or an empty `strategy=` as older links have) lists every action. A
priority or strategic ambition in the URL says its own strategy, so then no default is applied. Those
two filters' choices are grouped under their strategy's title, newest strategy first as in the strategy
filter, as "1." and "1.1" recur in each strategy.

The labels say the chosen strategy's words for its levels ("Aim", "Objective"), the defaults when
the list spans strategies; a two-level strategy has no ambition filter, and no two-level strategy's
unseen ambitions are ever offered. Themes and places are the partnership's own tags.
"""

from collections.abc import Iterable

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone

from accounts.models import Organisation, User
from core.forms import MemberChoiceField, filter_selects
from core.ratings import Rating
from delivery.models import Action, ProgressUpdate, ReportingPeriod, Tag
from priorities.models import PlanWords, Priority, StrategicAmbition, Strategy
from priorities.views.choice import ALL_STRATEGIES

SEVERITY = Case(
    *(When(latest_rating=rating, then=Value(i)) for i, rating in enumerate(Rating)),
    default=Value(len(Rating)),
    output_field=IntegerField(),
)
REFERENCE = (
    "ambition__priority__strategy__starts_on",
    "ambition__priority__order",
    "ambition__order",
    "order",
)
SORTS = {
    "reference": REFERENCE,
    "due": (F("due_on").asc(nulls_last=True), *REFERENCE),  # ongoing actions last, on either database
    "rating": (SEVERITY.asc(), *REFERENCE),
    "title": ("title",),
}

# A list across strategies speaks of their levels in the default words of a plan.
NEUTRAL_WORDS: PlanWords = Strategy().words


def grouped_by_strategy(choices: Iterable, strategy_of) -> list:
    """Select choices under one group per strategy, titled with it, after an "All" choice."""
    groups: dict[Strategy, list] = {}
    for choice in choices:
        groups.setdefault(strategy_of(choice), []).append((choice.pk, str(choice)))
    return [("", "All"), *((strategy.title, members) for strategy, members in groups.items())]


class MemberChoiceFilter(django_filters.ModelChoiceFilter):
    """A people filter labelled as every people picker is (`core.forms.MemberChoiceField`)."""

    field_class = MemberChoiceField


class ActionFilter(django_filters.FilterSet):
    strategy = django_filters.ChoiceFilter(label="Strategy", method="filter_strategy", empty_label=None)
    priority = django_filters.ModelChoiceFilter(
        label="Priority", field_name="ambition__priority", queryset=Priority.objects.none(), empty_label="All"
    )
    ambition = django_filters.ModelChoiceFilter(
        label="Strategic ambition", queryset=StrategicAmbition.objects.none(), empty_label="All"
    )
    tag = django_filters.ModelChoiceFilter(
        label="Theme or place", field_name="tags", queryset=Tag.objects.none(), empty_label="All"
    )
    owner = MemberChoiceFilter(queryset=User.objects.none(), empty_label="Anyone")
    organisation = django_filters.ModelChoiceFilter(
        label="Lead organisation",
        queryset=Organisation.objects.none(),
        method="filter_organisation",
        empty_label="All",
    )
    period = django_filters.ModelChoiceFilter(
        label="Reporting period",
        queryset=ReportingPeriod.objects.none(),
        method="filter_period",
        empty_label="Any",
    )
    rating = django_filters.ChoiceFilter(
        label="Latest rating (or in the period chosen)",
        choices=Rating.choices,
        method="filter_rating",
        empty_label="All",
    )
    status = django_filters.ChoiceFilter(choices=Action.Status.choices, empty_label="All")
    overdue = django_filters.BooleanFilter(
        label="Overdue only",
        method="filter_overdue",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[
            ("reference", "Reference"),
            ("due", "Due date"),
            ("rating", "Rating, worst first"),
            ("title", "Title"),
        ],
        method="sort_by",
        empty_label=None,
        null_label=None,
    )

    class Meta:
        model = Action
        fields = []

    def __init__(self, data=None, *args, partnership, periods: list[ReportingPeriod], **kwargs):
        """`periods`: the partnership's periods that have opened, as the page has read them
        (`delivery.context_processors.reported_periods`), which the period filter offers."""
        strategies = list(Strategy.objects.for_partnership(partnership))
        current = Strategy.current_of(strategies, today=timezone.localdate())
        if current and not (data and {"strategy", "priority", "ambition"} & data.keys()):
            data = data.copy() if data else {}
            data["strategy"] = str(current.pk)
        super().__init__(data, *args, **kwargs)
        self.partnership = partnership
        # The one strategy the list is limited to, if one is chosen (else None): its words and shape.
        chosen = self.data.get("strategy")
        self.strategy: Strategy | None = next((s for s in strategies if str(s.pk) == chosen), None)
        self.words = self.strategy.words if self.strategy else NEUTRAL_WORDS
        filters = self.filters
        filters["priority"].label = self.words.priority
        filters["ambition"].label = self.words.ambition
        if self.strategy and not self.strategy.has_ambitions:
            del filters["ambition"]
        filters["strategy"].extra["choices"] = [
            (ALL_STRATEGIES, "All strategies"),
            *((str(strategy.pk), strategy.title) for strategy in strategies),
        ]
        filters["priority"].queryset = (
            Priority.objects.filter(strategy__partnership=partnership)
            .select_related("strategy")
            .order_by("-strategy__starts_on", "order")
        )
        if "ambition" in filters:
            filters["ambition"].queryset = (
                StrategicAmbition.objects.filter(priority__strategy__partnership=partnership)
                .exclude(priority__strategy__levels=Strategy.Levels.TWO)
                .select_related("priority__strategy")
                .order_by("-priority__strategy__starts_on", "priority__order", "order")
            )
        filters["tag"].queryset = Tag.objects.filter(partnership=partnership)
        filters["owner"].queryset = User.objects.members_of(partnership, active_only=False)
        filters["organisation"].queryset = Organisation.objects.filter(partnership=partnership)
        filters["period"].queryset = ReportingPeriod.objects.for_partnership(partnership).exclude(
            state=ReportingPeriod.State.UPCOMING
        )

        fields = self.form.fields
        # Only the rendering is grouped: each field still validates against its queryset. Both lists
        # come from one reading of the plan's ambitions (a priority with none has no actions to find);
        # the periods' from the page's reading of them.
        ambitions = list(
            StrategicAmbition.objects.filter(priority__strategy__partnership=partnership)
            .select_related("priority__strategy")
            .order_by("-priority__strategy__starts_on", "priority__order", "order")
        )
        priorities = dict.fromkeys(ambition.priority for ambition in ambitions)
        fields["priority"].widget.choices = grouped_by_strategy(priorities, lambda p: p.strategy)
        fields["period"].widget.choices = [("", "Any"), *((period.pk, str(period)) for period in periods)]
        if "ambition" in fields:
            fields["ambition"].widget.choices = grouped_by_strategy(
                [a for a in ambitions if a.priority.strategy.has_ambitions], lambda a: a.priority.strategy
            )
        filter_selects(self.form)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*SORTS["reference"])
        return queryset

    def filter_strategy(self, queryset, name, value):
        if value == ALL_STRATEGIES:
            return queryset
        return queryset.filter(ambition__priority__strategy=value)

    def filter_organisation(self, queryset, name, value):
        """Actions the organisation leads, alone or jointly."""
        return queryset.filter(Q(lead_organisation=value) | Q(lead_partners=value)).distinct()

    def filter_rating(self, queryset, name, value):
        period = self.form.cleaned_data.get("period")
        if period:
            # As the exception report counts: no submitted update for the period is "not rated".
            submitted = ProgressUpdate.objects.filter(period=period, submitted_at__isnull=False)
            if value == Rating.NOT_RATED:
                return queryset.exclude(pk__in=submitted.exclude(rating=value).values("action"))
            return queryset.filter(pk__in=submitted.filter(rating=value).values("action"))
        if value == Rating.NOT_RATED:
            return queryset.filter(Q(latest_rating=value) | Q(latest_rating__isnull=True))
        return queryset.filter(latest_rating=value)

    def filter_period(self, queryset, name, value):
        return queryset.expected_to_report(value, including_closed=True)

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value else queryset

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])
