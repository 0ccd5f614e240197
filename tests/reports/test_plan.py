"""Plan on a page: the read model on a partnership whose figures are written out by hand, and the page."""

import datetime
import itertools
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from core.ratings import Direction, Rating
from delivery.models import Action, ReportingPeriod
from priorities.models import Strategy
from reports.dashboard import RatingCount, Totals, plan_on_a_page
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory, ProgressUpdateFactory, ReportingPeriodFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory

pytestmark = pytest.mark.django_db

SUBMITTED = datetime.datetime(2026, 10, 5, 9, 0, tzinfo=datetime.UTC)
BEFORE_DEADLINE = datetime.date(2026, 10, 10)  # Q2's update deadline is 21 October 2026
AFTER_DEADLINE = datetime.date(2026, 10, 22)
NO_CHANGE = {r.value: 0 for r in Rating}


def counts(**given):
    """Counts per rating, zero for every rating not given."""
    return {**NO_CHANGE, **given}


def update(action, period, rating, *, submitted=True):
    mitigation = "Extra officer time agreed" if rating in (Rating.RED, Rating.AMBER) else ""
    return ProgressUpdateFactory(
        action=action,
        period=period,
        rating=rating,
        mitigation=mitigation,
        submitted_at=SUBMITTED if submitted else None,
    )


@pytest.fixture
def safer_town():
    """Four priorities and ten actions over two quarters; the expected figures are in each test.

    Q1 2026/27 (locked) then Q2 2026/27 (open, deadline 21 October 2026).

    1. Prevention (lead Asha Patel, Town Council)
       a1 green then red; a2 amber then green, due 30 Sep 2026 so overdue; a3 green then a draft amber
       (not rated, a missing return after the deadline); a4 starts in Q2, completed, blue.
    2. People (no lead named)
       b1 red then no update, due 31 Aug 2026 so overdue and missing; b2 cancelled before Q1 (never
       counted); b3 no update then a submitted "not rated" (not missing); b4 green then amber.
    3. Places: c1 red then green.
    4. Partnership working: no actions.
    An action of the partnership's closed 2016-19 strategy, and another partnership's period that starts
    between Q1 and Q2, must change nothing.
    """
    strategy = StrategyFactory(title="Safer Town Strategy 2024-27")
    partnership = strategy.partnership
    q1 = ReportingPeriodFactory(
        partnership=partnership,
        name="Q1 2026/27",
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 6, 30),
        update_deadline=datetime.date(2026, 7, 21),
        state=ReportingPeriod.State.LOCKED,
    )
    q2 = ReportingPeriodFactory(
        partnership=partnership,
        name="Q2 2026/27",
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2026, 9, 30),
        update_deadline=datetime.date(2026, 10, 21),
        state=ReportingPeriod.State.OPEN,
    )
    ReportingPeriodFactory(name="Elsewhere", starts_on=datetime.date(2026, 5, 1))  # another partnership

    lead = MembershipFactory(
        partnership=partnership,
        user__first_name="Asha",
        user__last_name="Patel",
        organisation__name="Town Council",
    )
    prevention = PriorityFactory(
        strategy=strategy, order=1, title="Prevention", lead=lead.user, lead_organisation=lead.organisation
    )
    people = PriorityFactory(strategy=strategy, order=2, title="People", lead=None, lead_organisation=None)
    places = PriorityFactory(strategy=strategy, order=3, title="Places")
    PriorityFactory(strategy=strategy, order=4, title="Partnership working")

    def action(priority, order, **kwargs):
        kwargs.setdefault("due_on", datetime.date(2027, 3, 31))
        kwargs.setdefault("status", Action.Status.IN_PROGRESS)
        kwargs.setdefault("starts_on", datetime.date(2026, 4, 1))
        ambition = priority.ambitions.first() or StrategicAmbitionFactory(priority=priority, order=1)
        return ActionFactory(ambition=ambition, order=order, **kwargs)

    a1 = action(prevention, 1)
    update(a1, q1, Rating.GREEN)
    update(a1, q2, Rating.RED)
    a2 = action(prevention, 2, due_on=datetime.date(2026, 9, 30))
    update(a2, q1, Rating.AMBER)
    update(a2, q2, Rating.GREEN)
    a3 = action(prevention, 3)
    update(a3, q1, Rating.GREEN)
    update(a3, q2, Rating.AMBER, submitted=False)
    a4 = action(
        prevention,
        4,
        starts_on=datetime.date(2026, 7, 15),
        due_on=datetime.date(2026, 9, 30),
        status=Action.Status.COMPLETED,
        completed_on=datetime.date(2026, 9, 1),
    )
    update(a4, q2, Rating.BLUE)

    b1 = action(people, 1, due_on=datetime.date(2026, 8, 31))
    update(b1, q1, Rating.RED)
    action(
        people,
        2,
        starts_on=datetime.date(2025, 4, 1),
        due_on=datetime.date(2026, 1, 31),
        status=Action.Status.CANCELLED,
    )
    b3 = action(people, 3)
    update(b3, q2, Rating.NOT_RATED)
    b4 = action(people, 4)
    update(b4, q1, Rating.GREEN)
    update(b4, q2, Rating.AMBER)

    c1 = action(places, 1)
    update(c1, q1, Rating.RED)
    update(c1, q2, Rating.GREEN)

    old_strategy = StrategyFactory(
        partnership=partnership,
        title="Community Safety Strategy 2016-19",
        starts_on=datetime.date(2016, 4, 1),
        ends_on=datetime.date(2019, 3, 31),
        status=Strategy.Status.CLOSED,
    )
    old = ActionFactory(ambition__priority__strategy=old_strategy, due_on=datetime.date(2026, 1, 31))
    update(old, q2, Rating.RED)
    return partnership, strategy, q1, q2


def build(safer_town, *, today=BEFORE_DEADLINE, period=None):
    partnership, strategy, _, q2 = safer_town
    return plan_on_a_page(partnership=partnership, strategy=strategy, period=period or q2, today=today)


def figures(totals):
    return {
        "now": totals.by_rating,
        "before": totals.previous_by_rating,
        "change": {c.rating: c.change for c in totals.counts},
        "total": totals.total,
        "previous_total": totals.previous_total,
        "overdue": totals.overdue,
        "missing": totals.missing_returns,
        "direction": totals.direction,
    }


def test_the_previous_period_is_the_partnerships_period_that_starts_just_before(safer_town):
    _, _, q1, q2 = safer_town

    assert q2.previous() == q1
    assert q1.previous() is None


def test_each_priority_in_order_with_its_lead(safer_town):
    plan = build(safer_town)

    assert [(p.reference, p.title) for p in plan.priorities] == [
        ("1", "Prevention"),
        ("2", "People"),
        ("3", "Places"),
        ("4", "Partnership working"),
    ]
    prevention, people, places, _ = plan.priorities
    assert (prevention.lead, prevention.lead_organisation) == ("Asha Patel", "Town Council")
    assert (people.lead, people.lead_organisation) == ("", "")
    assert places.lead and places.lead_organisation.startswith("Agency")
    assert plan.period.name == "Q2 2026/27"
    assert plan.previous_period.name == "Q1 2026/27"


def test_counts_per_rating_now_and_before_with_the_change_and_direction(safer_town):
    prevention, people, places, empty = (figures(p.totals) for p in build(safer_town).priorities)

    # a3's amber is a draft, so it is not rated; a4 started after Q1, so Q1 did not count it.
    assert prevention["now"] == counts(red=1, green=1, blue=1, not_rated=1)
    assert prevention["before"] == counts(amber=1, green=2)
    assert prevention["change"] == {"red": 1, "amber": -1, "green": -1, "blue": 1, "not_rated": 1}
    assert (prevention["total"], prevention["previous_total"]) == (4, 3)
    assert prevention["direction"] == Direction.WORSE  # red up from 0 to 1

    # b2 was cancelled before Q1: never counted. b3's submitted update is "not rated".
    assert people["now"] == counts(amber=1, not_rated=2)
    assert people["before"] == counts(red=1, green=1, not_rated=1)
    assert (people["total"], people["previous_total"]) == (3, 3)
    assert people["direction"] == Direction.IMPROVED  # red down from 1 to 0, red and amber 1 both times

    assert places["now"] == counts(green=1)
    assert places["before"] == counts(red=1)
    assert places["direction"] == Direction.IMPROVED

    assert empty["now"] == counts() and empty["before"] == counts()
    assert (empty["total"], empty["previous_total"]) == (0, 0)
    assert empty["direction"] == Direction.NO_CHANGE  # no red nor amber, both times


def test_the_whole_strategy_totals_leave_out_other_strategies(safer_town):
    totals = figures(build(safer_town).totals)

    assert totals["now"] == counts(red=1, amber=1, green=2, blue=1, not_rated=3)
    assert totals["before"] == counts(red=2, amber=1, green=3, not_rated=1)
    assert totals["change"] == {"red": -1, "amber": 0, "green": -1, "blue": 1, "not_rated": 2}
    assert (totals["total"], totals["previous_total"]) == (8, 7)
    assert totals["direction"] == Direction.IMPROVED  # red down from 2 to 1, red and amber from 3 to 2


def test_overdue_and_missing_returns_before_and_after_the_deadline(safer_town):
    before = build(safer_town, today=BEFORE_DEADLINE)
    after = build(safer_town, today=AFTER_DEADLINE)

    # Overdue: a2 and b1 (a4 is completed, b2 cancelled, the old strategy's action not counted).
    assert [p.totals.overdue for p in before.priorities] == [1, 1, 0, 0]
    assert before.totals.overdue == 2
    # Missing returns count only once the deadline has passed: a3 (a draft) and b1; not b3.
    assert not before.is_past_deadline
    assert [p.totals.missing_returns for p in before.priorities] == [0, 0, 0, 0]
    assert before.totals.missing_returns == 0
    assert after.is_past_deadline
    assert [p.totals.missing_returns for p in after.priorities] == [1, 1, 0, 0]
    assert after.totals.missing_returns == 2


def test_the_first_period_has_nothing_to_compare_with(safer_town):
    _, _, q1, _ = safer_town

    plan = build(safer_town, period=q1, today=AFTER_DEADLINE)

    assert plan.previous_period is None
    assert plan.totals.by_rating == counts(red=2, amber=1, green=3, not_rated=1)
    assert plan.totals.previous_by_rating is None
    assert {c.change for c in plan.totals.counts} == {None}
    assert plan.totals.direction is None
    assert plan.totals.direction_label == "Not compared"
    assert plan.totals.missing_returns == 1  # b3 never reported for Q1


def test_a_strategy_or_period_of_another_partnership_is_refused(safer_town):
    partnership, strategy, _, _ = safer_town
    elsewhere = ReportingPeriod.objects.get(name="Elsewhere")

    with pytest.raises(ValueError):
        plan_on_a_page(partnership=partnership, strategy=strategy, period=elsewhere, today=BEFORE_DEADLINE)


def test_the_chart_bar_gives_every_rating_with_a_count_a_labelled_segment(safer_town):
    bar = build(safer_town).totals.bar

    assert [(s.rating, s.label) for s in bar] == [
        ("red", "R 1"),
        ("amber", "A 1"),
        ("green", "G 2"),
        ("blue", "B 1"),
        ("not_rated", "NR 3"),
    ]
    assert bar[0].start == 0
    assert sum(s.width for s in bar) == pytest.approx(100)
    assert all(a.start + a.width == pytest.approx(b.start) for a, b in itertools.pairwise(bar))
    assert bar[4].width > bar[2].width > bar[0].width  # 3 > 2 > 1


def test_a_tiny_share_is_widened_to_fit_its_label():
    totals = Totals(
        counts=tuple(
            RatingCount(rating=r, count=n, previous_count=None) for r, n in counts(red=1, green=99).items()
        ),
        total=100,
        previous_total=None,
        overdue=0,
        missing_returns=0,
        direction=None,
    )

    red, green = totals.bar
    assert red.width > 1  # wide enough for "R 1", not 1% of the bar
    assert red.width + green.width == pytest.approx(100)


def make_actions(partnership, strategy, periods, number, priorities):
    """`number` actions spread over `priorities` priorities, each rated in both periods."""
    ambitions = [
        StrategicAmbitionFactory(priority=PriorityFactory(strategy=strategy, order=n + 1), order=1)
        for n in range(priorities)
    ]
    owner = MembershipFactory(partnership=partnership).user
    for n in range(number):
        action = ActionFactory(
            ambition=ambitions[n % priorities], order=n + 1, owner=owner, due_on=datetime.date(2026, 8, 1)
        )
        for period, rating in zip(periods, (Rating.GREEN, list(Rating)[n % 5]), strict=True):
            update(action, period, rating)


def test_the_read_model_makes_five_queries_however_many_actions_and_priorities(assert_same_queries):
    def make_rows(count):
        strategy = StrategyFactory()
        partnership = strategy.partnership
        q1 = ReportingPeriodFactory(partnership=partnership, starts_on=datetime.date(2026, 4, 1))
        q2 = ReportingPeriodFactory(partnership=partnership, starts_on=datetime.date(2026, 7, 1))
        make_actions(partnership, strategy, (q1, q2), count, priorities=count // 5)
        return partnership, strategy, q2

    def fetch(made):  # reads every total within the count
        partnership, strategy, period = made
        plan = plan_on_a_page(partnership=partnership, strategy=strategy, period=period, today=AFTER_DEADLINE)
        return plan.totals.total, sum(p.totals.total for p in plan.priorities), plan.totals.by_rating["red"]

    # The previous period, the priorities with their leads, the actions, the indicators (none here: no
    # targets or values to fetch) and the risk register (none here: no release to fetch).
    totals = assert_same_queries(make_rows, fetch, few=5, many=50, at_most=5)

    assert totals == ((5, 5, 1), (50, 50, 10))  # all, all by priority, and one in five red


# --- The page ---------------------------------------------------------------------------------------


def plan_url(partnership, **query):
    url = reverse("reports:plan", kwargs={"slug": partnership.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def live_town(db):
    """Two quarters relative to today: the earlier locked, the later open with its deadline to come."""
    today = timezone.localdate()
    strategy = StrategyFactory(
        title="Live Town Strategy",
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today + datetime.timedelta(days=700),
    )
    partnership = strategy.partnership
    earlier = ReportingPeriodFactory(
        partnership=partnership,
        name="Q1 2026/27",
        starts_on=today - datetime.timedelta(days=200),
        ends_on=today - datetime.timedelta(days=110),
        update_deadline=today - datetime.timedelta(days=90),
        state=ReportingPeriod.State.LOCKED,
    )
    later = ReportingPeriodFactory(
        partnership=partnership,
        name="Q2 2026/27",
        starts_on=today - datetime.timedelta(days=100),
        ends_on=today - datetime.timedelta(days=10),
        update_deadline=today + datetime.timedelta(days=10),
        state=ReportingPeriod.State.OPEN,
    )
    ReportingPeriodFactory(
        partnership=partnership,
        name="Q3 2026/27",
        starts_on=today - datetime.timedelta(days=9),
        ends_on=today + datetime.timedelta(days=80),
        update_deadline=today + datetime.timedelta(days=100),
        state=ReportingPeriod.State.UPCOMING,
    )
    prevention = PriorityFactory(strategy=strategy, order=1, title="Prevention")
    ambition = StrategicAmbitionFactory(priority=prevention, order=1)
    start = today - datetime.timedelta(days=300)
    overdue = ActionFactory(
        ambition=ambition, order=1, starts_on=start, due_on=today - datetime.timedelta(days=1)
    )
    update(overdue, earlier, Rating.GREEN)
    update(overdue, later, Rating.RED)
    on_track = ActionFactory(
        ambition=ambition, order=2, starts_on=start, due_on=today + datetime.timedelta(days=99)
    )
    update(on_track, earlier, Rating.RED)
    update(on_track, later, Rating.RED)
    member = MembershipFactory(partnership=partnership, role=Membership.Role.BOARD_MEMBER).user
    return partnership, strategy, prevention, earlier, later, member


def cell_text(html):
    """The page's text with tags and runs of white space collapsed, for reading figures."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_page_shows_the_open_periods_figures_the_chart_and_the_legend(client, live_town):
    partnership, _, _, earlier, later, member = live_town
    client.force_login(member)

    response = client.get(plan_url(partnership))

    assert response.status_code == 200
    assert response.context["period"] == later
    html = response.content.decode()
    text = cell_text(html)
    assert "Plan on a page" in html and "Live Town Strategy" in html
    assert "Changes are since Q1 2026/27" in text
    assert "2 red, priority 1 (+1) , up 1 since Q1 2026/27" in text
    assert "0 green, priority 1 (−1) , down 1 since Q1 2026/27" in text
    assert "1 overdue, priority 1" in text
    assert "2 in total, whole partnership" in text
    assert 'role="img" aria-labelledby="plan-chart-title plan-chart-desc"' in html
    assert "Whole partnership: 2 red, 0 amber, 0 green, 0 blue, 0 not rated, of 2 actions." in text
    assert ">R 2</text>" in html
    assert "What the ratings mean" in html
    # The chooser lists the periods that are not upcoming, newest first.
    options = re.findall(r'<option value="(\d+)"( selected)?>([^<]+)</option>', html)
    assert options == [
        (str(later.pk), " selected", "Q2 2026/27 (open for updates)"),
        (str(earlier.pk), "", "Q1 2026/27"),
    ]
    assert 'style="' not in html.split('id="main-content"')[1]


def test_every_count_links_to_the_delivery_plan_filtered_the_same_way(client, live_town):
    partnership, strategy, prevention, _, _, member = live_town
    client.force_login(member)

    html = client.get(plan_url(partnership)).content.decode()

    actions = reverse("delivery:action_list", kwargs={"slug": partnership.slug})
    for rating in Rating:
        assert (
            f'href="{actions}?strategy={strategy.pk}&amp;priority={prevention.pk}&amp;rating={rating.value}"'
            in html
        )
        assert f'href="{actions}?strategy={strategy.pk}&amp;rating={rating.value}"' in html
    assert f'href="{actions}?strategy={strategy.pk}&amp;priority={prevention.pk}&amp;overdue=true"' in html
    assert f'href="{actions}?strategy={strategy.pk}&amp;overdue=true"' in html
    assert f'href="{actions}?strategy={strategy.pk}&amp;priority={prevention.pk}"' in html
    assert strategy.get_absolute_url() in html

    # The red link's delivery plan lists the two red actions.
    red = client.get(f"{actions}?priority={prevention.pk}&rating=red")
    assert red.context["paginator"].count == 2


def test_choosing_an_earlier_period_shows_its_figures(client, live_town):
    partnership, _, _, earlier, _, member = live_town
    client.force_login(member)

    response = client.get(plan_url(partnership, period=earlier.pk))

    assert response.context["plan"].period == earlier
    text = cell_text(response.content.decode())
    assert "There is no earlier reporting period to compare with." in text
    assert "1 red, priority 1" in text and "1 green, priority 1" in text
    assert "Direction of travel: Not compared" in text


def test_a_priority_whose_reds_went_from_2_to_5_is_worse_and_the_legend_says_why(client, live_town):
    partnership, strategy, prevention, earlier, later, member = live_town
    places = PriorityFactory(strategy=strategy, order=2, title="Places")
    ambition = StrategicAmbitionFactory(priority=places, order=1)
    on_track = prevention.ambitions.first().actions.get(order=2)
    # Places: 2 red both times, 1 green both times, and 7 rated for the first time in Q2: 3 red, 4 green.
    # Its share of red went down (2 of 3, then 5 of 10), but its reds went up from 2 to 5.
    for order, (then, now) in enumerate(
        [("red", "red")] * 2 + [("green", "green")] + [(None, "red")] * 3 + [(None, "green")] * 4, start=1
    ):
        action = ActionFactory(
            ambition=ambition, order=order, starts_on=on_track.starts_on, due_on=on_track.due_on
        )
        if then:
            update(action, earlier, then)
        update(action, later, now)
    client.force_login(member)

    html = client.get(plan_url(partnership)).content.decode()
    text = cell_text(html)

    assert "5 red, priority 2 (+3) , up 3 since Q1 2026/27" in text
    rows = [cell_text(row) for row in html.split('<tr class="govuk-table__row">')[1:]]
    places_row = next(row for row in rows if "2. Places" in row)
    assert " Worse " in places_row and "Improved" not in places_row
    assert "Improved" not in text.split("What the directions of travel mean")[0]
    # The whole partnership: red from 3 to 7.
    assert "Direction of travel since Q1 2026/27: Worse" in text
    assert "What the directions of travel mean" in text
    assert (
        "A priority, or the whole partnership, is worse if it has more red actions than in the previous "
        "period, or more red and amber together" in text
    )


def test_a_period_of_another_partnership_answers_404(client, live_town):
    partnership, _, _, _, _, member = live_town
    elsewhere = ReportingPeriodFactory(name="Their Q2")
    client.force_login(member)

    # The view refuses a ?period= that is not one of this partnership's choosable periods.
    assert client.get(plan_url(partnership, period=elsewhere.pk)).status_code == 404
    assert client.get(plan_url(partnership, period="nonsense")).status_code == 404
    upcoming = ReportingPeriod.objects.get(partnership=partnership, name="Q3 2026/27")
    assert client.get(plan_url(partnership, period=upcoming.pk)).status_code == 404


def test_without_a_strategy_or_a_period_the_page_says_so(client):
    member = MembershipFactory().user
    client.force_login(member)
    partnership = member.memberships.get().partnership

    response = client.get(plan_url(partnership))
    assert response.status_code == 200
    assert "has no strategy yet" in response.content.decode()

    StrategyFactory(partnership=partnership)
    response = client.get(plan_url(partnership))
    assert response.status_code == 200
    assert "No reporting period has opened yet" in response.content.decode()


@pytest.mark.parametrize("role", [Membership.Role.OFFICER, Membership.Role.ADMINISTRATOR])
def test_every_member_sees_the_plan_and_others_get_404(client, live_town, role):
    partnership, *_ = live_town
    client.force_login(MembershipFactory(partnership=partnership, role=role).user)
    assert client.get(plan_url(partnership)).status_code == 200

    client.force_login(MembershipFactory().user)
    assert client.get(plan_url(partnership)).status_code == 404


def test_the_page_makes_the_same_queries_for_5_and_50_actions(client, assert_same_queries):
    def make_rows(count):
        today = timezone.localdate()
        strategy = StrategyFactory(starts_on=today - datetime.timedelta(days=400))
        partnership = strategy.partnership
        q1 = ReportingPeriodFactory(
            partnership=partnership,
            starts_on=today - datetime.timedelta(days=200),
            ends_on=today - datetime.timedelta(days=110),
            state=ReportingPeriod.State.LOCKED,
        )
        q2 = ReportingPeriodFactory(
            partnership=partnership,
            starts_on=today - datetime.timedelta(days=100),
            ends_on=today - datetime.timedelta(days=10),
        )
        make_actions(partnership, strategy, (q1, q2), count, priorities=count // 5)
        client.force_login(MembershipFactory(partnership=partnership).user)
        return plan_url(partnership)

    responses = assert_same_queries(make_rows, client.get, few=5, many=50)

    assert [response.status_code for response in responses] == [200, 200]
    assert [response.context["plan"].totals.total for response in responses] == [5, 50]
