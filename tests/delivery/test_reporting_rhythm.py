"""A strategy's reporting rhythm decides which periods its actions report in (issue 11).

Everything that says who owes an update follows `ActionQuerySet.expected_to_report`: the period
counts, My actions, reminders and the exception report; and a closed strategy's actions are never
chased.
"""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership
from delivery.models import Action, ReportingPeriod, ReturnCounts
from delivery.services.reminders import update_reminder_owners, update_reminders_due, update_reminders_send
from priorities.forms import StrategyForm
from priorities.models import Strategy
from reports.exceptions import exception_report_build
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory, ReportingPeriodFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory
from tests.priorities.test_strategy_forms import strategy_data

pytestmark = pytest.mark.django_db

Rhythm = Strategy.ReportingRhythm
QUARTERS = {  # the financial year 2026/27
    "Q1": (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
    "Q2": (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
    "Q3": (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
    "Q4": (datetime.date(2027, 1, 1), datetime.date(2027, 3, 31)),
}
BEFORE_ANY_DEADLINE = datetime.date(2026, 4, 2)


@pytest.fixture
def year(db):
    """A partnership's four open quarters and a strategy with one action owned by a member."""
    strategy = StrategyFactory(starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2029, 3, 31))
    partnership = strategy.partnership
    periods = {
        name: ReportingPeriodFactory(
            partnership=partnership,
            name=f"{name} 2026/27",
            starts_on=starts_on,
            ends_on=ends_on,
            update_deadline=ends_on + datetime.timedelta(days=21),
            state=ReportingPeriod.State.OPEN,
        )
        for name, (starts_on, ends_on) in QUARTERS.items()
    }
    owner = MembershipFactory(partnership=partnership).user
    ambition = StrategicAmbitionFactory(priority=PriorityFactory(strategy=strategy))
    action = ActionFactory(
        ambition=ambition,
        owner=owner,
        starts_on=datetime.date(2026, 4, 1),
        due_on=datetime.date(2028, 3, 31),
        status=Action.Status.IN_PROGRESS,
    )
    return strategy, periods, action


def missing_counts(periods) -> list[int]:
    """The period counts' missing returns of each quarter (all the partnership's actions), the same
    whether the periods are counted together or each on its own."""
    counted = ReportingPeriod.objects.filter(pk__in=[p.pk for p in periods.values()]).with_return_counts()
    together = [ReturnCounts.of(p) for p in counted.order_by("starts_on")]
    assert together == [p.return_counts() for p in sorted(periods.values(), key=lambda p: p.starts_on)]
    return [counts.missing for counts in together]


def reporting_in(strategy, periods) -> list[str]:
    """The quarters in which the strategy's actions are expected to report, asked of each period and
    of what each period is owed (a subquery per period)."""
    actions = Action.objects.filter(ambition__priority__strategy=strategy)
    direct = [name for name, period in periods.items() if actions.expected_to_report(period).exists()]
    owed = ReportingPeriod.objects.filter(pk__in=[p.pk for p in periods.values()]).with_updates_owed(actions)
    by_owed = sorted(p.name[:2] for p in owed if p.updates_owed)
    assert direct == by_owed
    return direct


@pytest.mark.parametrize(
    ("rhythm", "expected"),
    [
        (Rhythm.QUARTERLY, ["Q1", "Q2", "Q3", "Q4"]),
        (Rhythm.TWICE_YEARLY, ["Q2", "Q4"]),
        (Rhythm.ANNUAL, ["Q4"]),
    ],
)
def test_each_rhythm_reports_in_its_periods(year, rhythm, expected):
    strategy, periods, _ = year
    strategy.reporting_rhythm = rhythm
    strategy.save()

    assert reporting_in(strategy, periods) == expected
    assert missing_counts(periods) == [int(name in expected) for name in QUARTERS]


def test_counted_for_the_open_periods_only_a_locked_period_owes_nothing(year):
    strategy, periods, _ = year
    periods["Q1"].state = ReportingPeriod.State.LOCKED
    periods["Q1"].save()
    actions = Action.objects.filter(ambition__priority__strategy=strategy)
    every = ReportingPeriod.objects.filter(partnership=strategy.partnership).order_by("starts_on")

    owed = [p.updates_owed for p in every.with_updates_owed(actions, open_only=True)]

    assert [p.updates_owed for p in every.with_updates_owed(actions)] == [1, 1, 1, 1]
    assert owed == [0, 1, 1, 1]


def test_quarterly_is_the_default():
    assert Strategy().reporting_rhythm == Rhythm.QUARTERLY


def test_chosen_periods_report_only_in_the_periods_chosen(year):
    strategy, periods, _ = year
    strategy.reporting_rhythm = Rhythm.CHOSEN
    strategy.save()
    strategy.reporting_periods.set([periods["Q1"], periods["Q3"]])

    assert reporting_in(strategy, periods) == ["Q1", "Q3"]
    assert missing_counts(periods) == [1, 0, 1, 0]


def test_chosen_periods_with_none_chosen_report_in_none(year):
    strategy, periods, _ = year
    strategy.reporting_rhythm = Rhythm.CHOSEN
    strategy.save()

    assert reporting_in(strategy, periods) == []


def test_a_rhythm_is_its_strategys_own(year):
    strategy, periods, _ = year
    strategy.reporting_rhythm = Rhythm.ANNUAL
    strategy.save()
    beside = StrategyFactory(partnership=strategy.partnership, reporting_rhythm=Rhythm.QUARTERLY)
    ActionFactory(
        ambition__priority__strategy=beside,
        starts_on=datetime.date(2026, 4, 1),
        due_on=datetime.date(2028, 3, 31),
    )

    assert reporting_in(strategy, periods) == ["Q4"]
    assert reporting_in(beside, periods) == ["Q1", "Q2", "Q3", "Q4"]
    assert missing_counts(periods) == [1, 1, 1, 2]


def test_actions_of_closed_strategies_are_never_chased(year):
    strategy, periods, _ = year
    strategy.status = Strategy.Status.CLOSED
    strategy.save()

    assert reporting_in(strategy, periods) == []
    assert missing_counts(periods) == [0, 0, 0, 0]
    assert update_reminders_due(periods=periods.values(), today=BEFORE_ANY_DEADLINE) == []
    assert update_reminder_owners(period=periods["Q1"], today=BEFORE_ANY_DEADLINE) == []


def test_an_action_with_no_start_date_reports_as_started(year):
    strategy, periods, action = year
    Action.objects.filter(pk=action.pk).update(starts_on=None)

    assert reporting_in(strategy, periods) == ["Q1", "Q2", "Q3", "Q4"]


def test_reminders_follow_the_rhythm(year):
    strategy, periods, action = year
    strategy.reporting_rhythm = Rhythm.TWICE_YEARLY
    strategy.save()

    due = update_reminders_due(periods=periods.values(), today=BEFORE_ANY_DEADLINE)

    assert [(d.recipient, [p.period.name for p in d.periods]) for d in due] == [
        (action.owner, ["Q2 2026/27", "Q4 2026/27"])
    ]
    assert update_reminder_owners(period=periods["Q1"], today=BEFORE_ANY_DEADLINE) == []
    assert update_reminder_owners(period=periods["Q2"], today=BEFORE_ANY_DEADLINE) == [action.owner]
    assert update_reminders_send(periods=[periods["Q1"]], today=BEFORE_ANY_DEADLINE) == []
    assert mail.outbox == []


def test_my_actions_and_the_period_page_follow_the_rhythm(client, year):
    strategy, periods, action = year
    strategy.reporting_rhythm = Rhythm.ANNUAL
    strategy.save()
    partnership = strategy.partnership

    client.force_login(action.owner)
    mine = client.get(reverse("delivery:my_actions", kwargs={"slug": partnership.slug}))
    (shown,) = mine.context["actions"]
    assert [period.name for period, _ in shown.returns] == ["Q4 2026/27"]

    admin = MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user
    client.force_login(admin)
    for name, expected in (("Q1", []), ("Q4", [action])):
        page = client.get(
            reverse("delivery:period_detail", kwargs={"slug": partnership.slug, "pk": periods[name].pk})
        )
        assert list(page.context["actions"]) == expected


def test_the_exception_report_counts_only_actions_reporting_in_the_period(year):
    strategy, periods, _ = year
    strategy.reporting_rhythm = Rhythm.ANNUAL
    strategy.save()
    after_q1_deadline = periods["Q1"].update_deadline + datetime.timedelta(days=1)

    q1 = exception_report_build(
        partnership=strategy.partnership, period=periods["Q1"], meeting=None, today=after_q1_deadline
    )
    q4 = exception_report_build(
        partnership=strategy.partnership,
        period=periods["Q4"],
        meeting=None,
        today=periods["Q4"].update_deadline + datetime.timedelta(days=1),
    )

    assert (q1["item_count"], q1["on_track_count"]) == (0, 0)  # no missing return in Q1
    assert q4["item_count"] == 1
    assert "No update submitted" in q4["sections"][0]["ambitions"][0]["items"][0]["reasons"][0]


# --- The strategy form ------------------------------------------------------------------------------


def test_the_form_offers_the_rhythms_and_the_partnerships_own_periods(year):
    strategy, periods, _ = year
    ReportingPeriodFactory()  # another partnership's

    form = StrategyForm(instance=strategy)

    assert [value for value, _ in form.fields["reporting_rhythm"].choices] == list(Rhythm.values)
    assert list(form.fields["reporting_periods"].queryset) == list(periods.values())
    assert "report progress in" in form.fields["reporting_rhythm"].help_text
    html = str(form["reporting_rhythm"])
    assert 'type="radio"' in html


def test_chosen_periods_need_at_least_one_period(year):
    strategy, _, _ = year

    form = StrategyForm(data=strategy_data(reporting_rhythm=Rhythm.CHOSEN), instance=strategy)

    assert form.errors == {"reporting_periods": ["Choose the reporting periods the actions report in"]}


def test_another_partnerships_period_cannot_be_chosen(year):
    strategy, _, _ = year
    elsewhere = ReportingPeriodFactory()

    form = StrategyForm(
        data=strategy_data(reporting_rhythm=Rhythm.CHOSEN, reporting_periods=[elsewhere.pk]),
        instance=strategy,
    )

    assert "reporting_periods" in form.errors


def test_an_administrator_sets_the_rhythm_on_creating_and_changing_a_strategy(client, year):
    strategy, periods, _ = year
    partnership = strategy.partnership
    client.force_login(MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user)

    created = client.post(
        reverse("priorities:strategy_create", kwargs={"slug": partnership.slug}),
        strategy_data(reporting_rhythm=Rhythm.CHOSEN, reporting_periods=[periods["Q2"].pk]),
    )
    new = Strategy.objects.get(title="Community Safety Strategy 2027-30")
    assert created.status_code == 302
    assert (new.reporting_rhythm, list(new.reporting_periods.all())) == (Rhythm.CHOSEN, [periods["Q2"]])

    edit = reverse("priorities:strategy_edit", kwargs={"slug": partnership.slug, "pk": new.pk})
    form = client.get(edit).context["form"]
    changed = client.post(
        edit,
        strategy_data(
            title=new.title,
            reporting_rhythm=Rhythm.CHOSEN,
            reporting_periods=[periods["Q1"].pk, periods["Q3"].pk],
            version=form["version"].value(),
        ),
    )
    assert changed.status_code == 302
    assert list(new.reporting_periods.order_by("starts_on")) == [periods["Q1"], periods["Q3"]]

    form = client.get(edit).context["form"]
    client.post(
        edit,
        strategy_data(
            title=new.title,
            reporting_rhythm=Rhythm.TWICE_YEARLY,
            reporting_periods=[periods["Q1"].pk],
            version=form["version"].value(),
        ),
    )
    new.refresh_from_db()
    assert new.reporting_rhythm == Rhythm.TWICE_YEARLY
    assert list(new.reporting_periods.all()) == []  # periods ticked for another rhythm are dropped


def test_a_strategy_compares_with_the_previous_period_in_its_own_rhythm(db):
    """Direction of travel for a twice-yearly or annual plan compares with the last period it reported in."""
    strategy = StrategyFactory()
    quarters = [
        ReportingPeriodFactory(partnership=strategy.partnership, starts_on=start, ends_on=end)
        for start, end in [
            (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30)),
            (datetime.date(2025, 7, 1), datetime.date(2025, 9, 30)),
            (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)),
            (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
        ]
    ]
    march = quarters[3]

    assert march.previous() == quarters[2]
    strategy.reporting_rhythm = strategy.ReportingRhythm.TWICE_YEARLY
    assert march.previous(strategy) == quarters[1]
    strategy.reporting_rhythm = strategy.ReportingRhythm.ANNUAL
    assert march.previous(strategy) is None
    strategy.reporting_rhythm = strategy.ReportingRhythm.CHOSEN
    strategy.save()
    strategy.reporting_periods.set([quarters[0], march])
    assert march.previous(strategy) == quarters[0]
