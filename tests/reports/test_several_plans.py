"""Several plans at once: plan on a page and the exception report choose their strategy (issue 11).

Both pages take ?strategy=<pk>, fetched through the partnership, and default to the current strategy;
their chooser offers every live strategy; their links and downloads carry the strategy chosen, and a
published exception report records it.
"""

import datetime
import importlib
import io
import re
from html import unescape

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from docx import Document

from accounts.models import Membership
from core.ratings import Rating
from delivery.models import Action, ReportingPeriod
from priorities.models import Strategy
from reports.models import ExceptionReport
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory, ProgressUpdateFactory, ReportingPeriodFactory
from tests.meetings.factories import MeetingFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def url(partnership, name, query: dict | None = None, **kwargs) -> str:
    path = reverse(f"reports:{name}", kwargs={"slug": partnership.slug, **kwargs})
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def add_action(strategy, title, owner, *, rating=None, period=None):
    """An action under a new priority of the strategy, rated in the period when a rating is given."""
    ambition = StrategicAmbitionFactory(priority=PriorityFactory(strategy=strategy, order=1), order=1)
    action = ActionFactory(
        ambition=ambition,
        order=1,
        title=title,
        owner=owner,
        starts_on=strategy.starts_on,
        due_on=TODAY + 300 * DAY,
        status=Action.Status.IN_PROGRESS,
    )
    if rating:
        ProgressUpdateFactory(
            action=action,
            period=period,
            rating=rating,
            mitigation="Extra officer time agreed" if rating in (Rating.RED, Rating.AMBER) else "",
            submitted_at=timezone.now(),
        )
    return action


@pytest.fixture
def plans(db):
    """A partnership with a current strategy, a draft plan beside it and a closed one, each with one
    action; and another partnership with a strategy of its own."""
    community = StrategyFactory(
        title="Community Safety Strategy", starts_on=TODAY - 400 * DAY, ends_on=TODAY + 700 * DAY
    )
    partnership = community.partnership
    domestic = StrategyFactory(
        partnership=partnership,
        title="Domestic Abuse Plan",
        starts_on=TODAY - 100 * DAY,
        ends_on=TODAY + 900 * DAY,
        status=Strategy.Status.DRAFT,
    )
    closed = StrategyFactory(
        partnership=partnership,
        title="Old Strategy",
        starts_on=TODAY - 1500 * DAY,
        ends_on=TODAY - 401 * DAY,
        status=Strategy.Status.CLOSED,
    )
    ReportingPeriodFactory(
        partnership=partnership,
        name="Earlier quarter",
        starts_on=TODAY - 200 * DAY,
        ends_on=TODAY - 110 * DAY,
        state=ReportingPeriod.State.LOCKED,
    )
    period = ReportingPeriodFactory(
        partnership=partnership,
        name="This quarter",
        starts_on=TODAY - 60 * DAY,
        ends_on=TODAY + 30 * DAY,
        update_deadline=TODAY + 50 * DAY,
        state=ReportingPeriod.State.OPEN,
    )
    owner = MembershipFactory(partnership=partnership).user
    add_action(community, "Knife crime sessions", owner, rating=Rating.GREEN, period=period)
    add_action(domestic, "Refuge places", owner, rating=Rating.RED, period=period)
    add_action(closed, "Old scheme", owner)
    other = StrategyFactory(title="Elsewhere Strategy")
    return partnership, community, domestic, closed, period, other


def member(partnership, role=Membership.Role.BOARD_MEMBER):
    return MembershipFactory(partnership=partnership, role=role).user


def chooser(html: str) -> list[tuple[str, str, bool]]:
    """The strategy chooser's options: value, label and whether it is selected."""
    select = re.search(r'<select[^>]*name="strategy"[^>]*>(.*?)</select>', html, flags=re.DOTALL)
    assert select, "no strategy chooser"
    return [
        (value, unescape(label), bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1)
        )
    ]


def hrefs(html: str, path: str) -> list[str]:
    """The links to `path` with a query: the page's own, not the navigation's."""
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html) if unescape(h).startswith(path + "?")]


# --- Plan on a page ---------------------------------------------------------------------------------


def test_plan_opens_on_the_current_strategy_and_offers_every_live_one(client, plans):
    partnership, community, domestic, _, _, _ = plans
    client.force_login(member(partnership))

    html = client.get(url(partnership, "plan")).content.decode()

    assert chooser(html) == [
        (str(domestic.pk), "Domestic Abuse Plan", False),
        (str(community.pk), "Community Safety Strategy", True),
    ]
    assert '<span class="govuk-caption-l">Community Safety Strategy</span>' in html


def test_plan_shows_the_strategy_chosen_and_every_link_carries_it(client, plans):
    partnership, _, domestic, _, _, _ = plans
    client.force_login(member(partnership))

    response = client.get(url(partnership, "plan", {"strategy": domestic.pk}))
    html = response.content.decode()

    assert response.context["plan"].strategy == domestic
    assert response.context["plan"].totals.by_rating[Rating.RED] == 1
    assert '<span class="govuk-caption-l">Domestic Abuse Plan</span>' in html
    assert (str(domestic.pk), "Domestic Abuse Plan", True) in chooser(html)
    links = hrefs(html, reverse("delivery:action_list", kwargs={"slug": partnership.slug}))
    assert len(links) > 10
    assert all(f"strategy={domestic.pk}" in link for link in links), links
    # The period chooser is the same form as the strategy's, so choosing a period keeps the strategy.
    form = re.search(r'<form method="get".*?</form>', html, flags=re.DOTALL).group(0)
    assert 'name="strategy"' in form and 'name="period"' in form
    # And the priority's red link lists the chosen plan's red action.
    red = client.get(next(link for link in links if "priority=" in link and "rating=red" in link))
    assert [a.title for a in red.context["actions"]] == ["Refuge places"]


def test_plan_shows_a_closed_strategy_chosen_from_a_link(client, plans):
    partnership, _, _, closed, _, _ = plans
    client.force_login(member(partnership))

    html = client.get(url(partnership, "plan", {"strategy": closed.pk})).content.decode()

    assert '<span class="govuk-caption-l">Old Strategy</span>' in html
    assert (str(closed.pk), "Old Strategy (closed)", True) in chooser(html)


def test_a_closed_strategy_still_reads_as_it_ended_but_its_actions_are_never_chased(client, plans):
    partnership, _, _, closed, period, _ = plans
    old = Action.objects.get(title="Old scheme")
    ProgressUpdateFactory(
        action=old, period=period, rating=Rating.AMBER, mitigation="Wound down", submitted_at=timezone.now()
    )
    client.force_login(member(partnership))

    plan = client.get(url(partnership, "plan", {"strategy": closed.pk, "period": period.pk}))
    report = client.get(url(partnership, "exception_report", {"strategy": closed.pk, "period": period.pk}))

    assert plan.context["plan"].totals.by_rating[Rating.AMBER] == 1
    assert "Old scheme" in report.content.decode()
    assert old not in Action.objects.expected_to_report(period)


@pytest.mark.parametrize("name", ["plan", "exception_report"])
def test_another_partnerships_strategy_or_nonsense_answers_404(client, plans, name):
    partnership, _, _, _, _, other = plans
    client.force_login(member(partnership))

    response = client.get(url(partnership, name, {"strategy": other.pk}))

    assert response.status_code == 404
    assert "Elsewhere Strategy" not in response.content.decode()
    assert client.get(url(partnership, name, {"strategy": "nonsense"})).status_code == 404


def test_with_a_single_strategy_there_is_no_chooser_but_the_period_form_keeps_it(client, plans):
    _, _, _, _, _, other = plans
    partnership = other.partnership
    period = ReportingPeriodFactory(partnership=partnership, starts_on=TODAY - 10 * DAY)
    client.force_login(member(partnership))

    html = client.get(url(partnership, "plan", {"period": period.pk})).content.decode()

    assert '<select class="govuk-select app-full-width" id="strategy"' not in html
    assert f'<input type="hidden" name="strategy" value="{other.pk}">' in html


# --- The exception report ---------------------------------------------------------------------------


def test_exception_report_opens_on_the_strategy_in_force_and_offers_every_live_one(client, plans):
    partnership, _, _, _, _, _ = plans
    client.force_login(member(partnership))

    response = client.get(url(partnership, "exception_report"))
    html = response.content.decode()

    assert response.context["content"]["strategy"] == "Community Safety Strategy"
    assert [label for _, label, _ in chooser(html)] == ["Domestic Abuse Plan", "Community Safety Strategy"]
    assert "Refuge places" not in html


def test_exception_report_on_the_strategy_chosen_its_links_and_downloads_carry_it(client, plans):
    partnership, _, domestic, _, _, _ = plans
    client.force_login(member(partnership, Membership.Role.ADMINISTRATOR))

    response = client.get(url(partnership, "exception_report", {"strategy": domestic.pk}))
    html = response.content.decode()

    assert response.context["content"]["strategy"] == "Domestic Abuse Plan"
    assert '<span class="govuk-caption-l">Domestic Abuse Plan</span>' in html
    assert "Refuge places" in html and "Knife crime sessions" not in html
    summary_links = hrefs(html, reverse("delivery:action_list", kwargs={"slug": partnership.slug}))
    assert summary_links and all(f"strategy={domestic.pk}" in link for link in summary_links)
    downloads = re.findall(r'<a class="govuk-link" href="([^"]+)">Download (?:Word|PDF|CSV)</a>', html)
    assert len(downloads) == 3
    assert all(f"strategy={domestic.pk}" in unescape(link) for link in downloads)
    csv = client.get(unescape(downloads[2])).content.decode("utf-8-sig")
    assert "Refuge places" in csv and "Knife crime sessions" not in csv
    publish = re.search(r'<form method="post" action="[^"]*/publish/".*?</form>', html, flags=re.DOTALL)
    assert f'<input type="hidden" name="strategy" value="{domestic.pk}">' in publish.group(0)


def test_a_download_for_another_partnerships_strategy_answers_404(client, plans):
    partnership, _, _, _, _, other = plans
    client.force_login(member(partnership))

    assert (
        client.get(
            url(partnership, "exception_report_download", {"strategy": other.pk}, extension="csv")
        ).status_code
        == 404
    )


def test_publishing_records_the_strategy_and_numbers_each_strategys_versions(client, plans):
    partnership, community, domestic, _, period, other = plans
    meeting = MeetingFactory(partnership=partnership, held_on=TODAY + 10 * DAY)
    client.force_login(member(partnership, Membership.Role.ADMINISTRATOR))
    publish = url(partnership, "exception_report_publish")
    data = {"meeting": meeting.pk, "period": period.pk}

    first = client.post(publish, {**data, "strategy": domestic.pk})
    client.post(publish, data)  # no strategy named: the one in force, as the page opens on
    again = client.post(publish, {**data, "strategy": domestic.pk})

    reports = list(ExceptionReport.objects.order_by("pk"))
    assert [(r.strategy, r.version) for r in reports] == [(domestic, 1), (community, 1), (domestic, 2)]
    assert first.url == reports[0].get_absolute_url() and again.url == reports[2].get_absolute_url()
    assert reports[0].content["strategy"] == "Domestic Abuse Plan"
    assert client.post(publish, {**data, "strategy": other.pk}).status_code == 404
    assert ExceptionReport.objects.count() == 3

    published = client.get(reports[0].get_absolute_url()).content.decode()
    assert '<span class="govuk-caption-l">Domestic Abuse Plan</span>' in published
    assert "Refuge places" in published
    docx = client.get(url(partnership, "published_report_download", pk=reports[0].pk, extension="docx"))
    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(docx.content)).tables
        for row in table.rows
        for cell in row.cells
    ) + "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Domestic Abuse Plan" in text
    # The live page lists each version with its strategy.
    live = client.get(url(partnership, "exception_report", {"strategy": domestic.pk})).content.decode()
    assert f"Domestic Abuse Plan, {meeting}, version 2" in live
    assert f"Community Safety Strategy, {meeting}, version 1" in live


def test_reports_published_before_keep_the_strategy_their_content_names(plans):
    partnership, community, _, _, period, _ = plans
    meeting = MeetingFactory(partnership=partnership)
    user = member(partnership)

    def old(strategy_title):
        return ExceptionReport.objects.create(
            partnership=partnership,
            period=period,
            meeting=meeting,
            version=ExceptionReport.objects.count() + 1,
            content={"strategy": strategy_title},
            published_at=timezone.now(),
            published_by=user,
        )

    named, renamed = old("Community Safety Strategy"), old("A title no strategy has now")
    migration = importlib.import_module("reports.migrations.0003_exception_report_strategy")

    migration.strategy_from_content(apps, None)

    named.refresh_from_db()
    renamed.refresh_from_db()
    assert named.strategy == community and renamed.strategy is None


# --- Query counts -----------------------------------------------------------------------------------


def several_strategies(count: int):
    """A fresh partnership with `count` live strategies, each with an action rated in the open period."""
    first = StrategyFactory(starts_on=TODAY - 400 * DAY, ends_on=TODAY + 700 * DAY)
    partnership = first.partnership
    period = ReportingPeriodFactory(
        partnership=partnership,
        starts_on=TODAY - 60 * DAY,
        ends_on=TODAY + 30 * DAY,
        state=ReportingPeriod.State.OPEN,
    )
    owner = MembershipFactory(partnership=partnership).user
    strategies = [first] + [
        StrategyFactory(partnership=partnership, starts_on=TODAY - n * DAY, status=Strategy.Status.DRAFT)
        for n in range(1, count)
    ]
    for strategy in strategies:
        add_action(strategy, f"Action of {strategy.title}", owner, rating=Rating.AMBER, period=period)
    return partnership, first


@pytest.mark.parametrize("name", ["plan", "exception_report"])
def test_the_pages_make_the_same_queries_for_one_strategy_and_several(client, assert_same_queries, name):
    viewer = {}

    def make_rows(count):
        partnership, first = several_strategies(count)
        viewer["user"] = member(partnership)
        client.force_login(viewer["user"])
        return partnership, first

    def fetch(made):
        partnership, first = made
        response = client.get(url(partnership, name, {"strategy": first.pk}))
        assert response.status_code == 200
        return len(chooser(response.content.decode())) if b'name="strategy"' in response.content else 1

    choices = assert_same_queries(make_rows, fetch, few=2, many=8)

    assert choices == (2, 8)


def test_a_page_with_one_strategy_makes_no_more_queries_than_with_several(client, assert_same_queries):
    def make_rows(count):
        partnership, _ = several_strategies(count)
        client.force_login(member(partnership))
        return partnership

    assert_same_queries(make_rows, lambda p: client.get(url(p, "exception_report")), few=1, many=6)


def test_a_refused_publication_keeps_the_strategy_for_the_next_try(client, plans):
    partnership, _, domestic, _, period, _ = plans
    client.force_login(member(partnership, Membership.Role.ADMINISTRATOR))

    response = client.post(
        url(partnership, "exception_report_publish"),
        {"meeting": "", "period": period.pk, "strategy": domestic.pk},
    )

    html = response.content.decode()
    assert "Choose the meeting to publish to" in html
    assert f'<input type="hidden" name="strategy" value="{domestic.pk}">' in html
    assert f"?strategy={domestic.pk}" in html  # the way back to the report
    assert not ExceptionReport.objects.exists()
