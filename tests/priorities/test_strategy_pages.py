import datetime

import pytest
from django.urls import reverse

from priorities.models import Strategy
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory


@pytest.fixture
def member_client(client):
    def sign_in(partnership):
        client.force_login(MembershipFactory(partnership=partnership).user)
        return client

    return sign_in


@pytest.mark.django_db
def test_partnership_page_shows_the_current_strategys_priorities_with_leads(member_client):
    strategy = StrategyFactory(title="Strategy 2024-27")
    StrategyFactory(
        partnership=strategy.partnership,
        title="Strategy 2016-2019",
        starts_on=datetime.date(2016, 4, 1),
        ends_on=datetime.date(2019, 3, 31),
        status=Strategy.Status.CLOSED,
    )
    priority = PriorityFactory(
        strategy=strategy,
        order=1,
        title="Prevention",
        lead=MembershipFactory(
            partnership=strategy.partnership, user__first_name="Alex", user__last_name="Morgan"
        ).user,
        lead_organisation__name="London Fire Brigade",
        lead_organisation__short_name="LFB",
    )
    StrategicAmbitionFactory(priority=priority, order=1, title="Being stronger together")

    page = member_client(strategy.partnership).get(
        reverse("priorities:strategy_list", kwargs={"slug": strategy.partnership.slug})
    )

    html = page.content.decode()
    assert '<h1 class="govuk-heading-l">Strategy 2024-27</h1>' in html
    assert "1. Prevention" in html
    assert "Alex Morgan" in html
    assert "London Fire Brigade" in html
    assert "1.1 Being stronger together" in html
    assert "Strategy 2016-2019" in html


def test_current_strategy_is_the_adopted_one_in_force():
    today = datetime.date(2025, 1, 1)
    old = Strategy(
        title="old", status="closed", starts_on=datetime.date(2016, 4, 1), ends_on=datetime.date(2019, 3, 31)
    )
    live = Strategy(
        title="live",
        status="adopted",
        starts_on=datetime.date(2024, 4, 1),
        ends_on=datetime.date(2027, 3, 31),
    )
    draft = Strategy(
        title="next", status="draft", starts_on=datetime.date(2027, 4, 1), ends_on=datetime.date(2030, 3, 31)
    )

    assert Strategy.current_of([old, live, draft], today=today) is live
    assert Strategy.current_of([old, draft], today=today) is draft
    assert Strategy.current_of([], today=today) is None


@pytest.mark.django_db
def test_strategy_page_shows_plans_consultation_and_sign_off(member_client):
    strategy = StrategyFactory(local_definitions="Serious violence means any violence affecting under-25s.")
    ambition = StrategicAmbitionFactory(
        priority__strategy=strategy, strategic_plan="Run a joint awareness campaign."
    )
    strategy.consultations.create(
        title="Public consultation",
        opens_on=datetime.date(2023, 12, 15),
        closes_on=datetime.date(2024, 2, 4),
        findings="People asked for more visible patrols.",
    )
    strategy.sign_offs.create(
        organisation=ambition.priority.lead_organisation,
        decision="agreed",
        decided_on=datetime.date(2024, 3, 20),
        decided_by="Chief Executive",
    )

    html = member_client(strategy.partnership).get(strategy.get_absolute_url()).content.decode()

    assert "Run a joint awareness campaign." in html
    assert "Serious violence means any violence affecting under-25s." in html
    assert "15 December 2023 to 4 February 2024" in html
    assert "People asked for more visible patrols." in html
    assert "Chief Executive" in html


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["priorities:strategy_list", "priorities:strategy_detail"])
def test_strategy_pages_make_the_same_queries_for_1_and_20_priorities(
    member_client, url_name, assert_same_queries
):
    def make_rows(count):  # and as many old strategies and sign-offs
        strategy = StrategyFactory()
        for n in range(count):
            StrategicAmbitionFactory.create_batch(2, priority=PriorityFactory(strategy=strategy))
            sign_off_by = OrganisationFactory(partnership=strategy.partnership)
            strategy.sign_offs.create(organisation=sign_off_by)
            StrategyFactory(
                partnership=strategy.partnership,
                starts_on=datetime.date(2000 + n, 1, 1),
                ends_on=datetime.date(2000 + n, 12, 31),
                status=Strategy.Status.CLOSED,
            )
        client = member_client(strategy.partnership)
        kwargs = {"slug": strategy.partnership.slug}
        if url_name.endswith("detail"):
            kwargs["pk"] = strategy.pk
        return client, reverse(url_name, kwargs=kwargs)

    responses = assert_same_queries(make_rows, lambda made: made[0].get(made[1]), many=20)

    assert [response.status_code for response in responses] == [200, 200]
