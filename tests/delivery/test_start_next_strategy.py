"""Starting the next strategy: its structure is copied and its unfinished actions carried over."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Membership
from delivery.models import Action, Milestone, Tag
from delivery.services.actions import strategy_start_next
from priorities.models import Priority, StrategicAmbition, Strategy
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.delivery.factories import ActionFactory, MilestoneFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory

pytestmark = pytest.mark.django_db

Status = Action.Status
NEW_START = datetime.date(2027, 4, 1)


@pytest.fixture
def old():
    """A 2024-27 strategy with two priorities, three ambitions and actions in every status."""
    strategy = StrategyFactory(
        title="Community Safety Strategy 2024-27",
        starts_on=datetime.date(2024, 4, 1),
        ends_on=datetime.date(2027, 3, 31),
        local_definitions="Serious violence means ...",
    )
    prevention = PriorityFactory(strategy=strategy, order=1, title="Prevention", description="Stop it early.")
    people = PriorityFactory(strategy=strategy, order=2, title="People")
    StrategicAmbitionFactory(priority=prevention, order=1, title="Fewer first-time entrants")
    schools = StrategicAmbitionFactory(
        priority=prevention, order=2, title="Safer schools", strategic_plan="Work with heads."
    )
    victims = StrategicAmbitionFactory(priority=people, order=1, title="Support victims")
    partner = OrganisationFactory(partnership=strategy.partnership, name="London Fire Brigade")

    def action(ambition, order, status, **kwargs):
        completed_on = datetime.date(2026, 1, 10) if status == Status.COMPLETED else None
        return ActionFactory(
            ambition=ambition,
            order=order,
            status=status,
            completed_on=completed_on,
            title=f"{status} {order}",
            **kwargs,
        )

    running = action(
        schools,
        1,
        Status.IN_PROGRESS,
        due_on=datetime.date(2028, 3, 31),
        resources="£5,000",
        success_measure="Fewer exclusions",
    )
    running.partner_organisations.add(partner)
    delegate = MembershipFactory(partnership=strategy.partnership).user
    running.delegates.add(delegate)
    action(schools, 2, Status.COMPLETED)
    waiting = action(schools, 3, Status.NOT_STARTED, due_on=datetime.date(2026, 12, 31))
    action(victims, 1, Status.CANCELLED)
    paused = action(victims, 2, Status.ON_HOLD)
    MilestoneFactory(action=running, title="Open milestone", due_on=datetime.date(2027, 6, 30))
    MilestoneFactory(action=running, title="Done milestone", completed_on=datetime.date(2025, 5, 1))
    return {"strategy": strategy, "running": running, "waiting": waiting, "paused": paused, "delegate": delegate, "partner": partner}  # fmt: skip


def start(old, **kwargs):
    admin = MembershipFactory(
        partnership=old["strategy"].partnership, role=Membership.Role.ADMINISTRATOR
    ).user
    return strategy_start_next(
        strategy=old["strategy"],
        title=kwargs.get("title", "Community Safety Strategy 2027-30"),
        starts_on=kwargs.get("starts_on", NEW_START),
        ends_on=kwargs.get("ends_on", datetime.date(2030, 3, 31)),
        by=admin,
    )


def test_the_new_strategy_is_a_draft_following_the_old_one(old):
    new = start(old)

    assert (new.title, new.status, new.previous_strategy) == (
        "Community Safety Strategy 2027-30",
        Strategy.Status.DRAFT,
        old["strategy"],
    )
    assert (new.starts_on, new.ends_on) == (NEW_START, datetime.date(2030, 3, 31))
    assert new.partnership == old["strategy"].partnership
    assert new.local_definitions == "Serious violence means ..."


def test_priorities_and_ambitions_are_copied_with_their_leads_and_order(old):
    new = start(old)

    def structure(strategy):
        return [
            (p.order, p.title, p.description, p.lead_id, p.lead_organisation_id,
             [(a.order, a.title, a.strategic_plan) for a in p.ambitions.order_by("order")])
            for p in Priority.objects.filter(strategy=strategy).order_by("order")
        ]  # fmt: skip

    assert structure(new) == structure(old["strategy"])
    assert StrategicAmbition.objects.filter(priority__strategy=new).count() == 3


def test_exactly_the_unfinished_actions_are_carried_over_with_links_to_the_old_ones(old):
    new = start(old)

    carried = list(
        Action.objects.filter(ambition__priority__strategy=new)
        .select_related("ambition__priority")
        .in_order()
    )
    assert [(a.reference, a.carried_over_from) for a in carried] == [
        ("1.2.1", old["running"]),
        ("1.2.2", old["waiting"]),
        ("2.1.1", old["paused"]),
    ]
    assert [a.status for a in carried] == [Status.IN_PROGRESS, Status.NOT_STARTED, Status.ON_HOLD]
    running = carried[0]
    assert (running.owner, running.resources, running.success_measure) == (
        old["running"].owner,
        "£5,000",
        "Fewer exclusions",
    )
    assert list(running.delegates.all()) == [old["delegate"]]
    assert list(running.partner_organisations.all()) == [old["partner"]]
    assert (
        running.history.first().history_change_reason
        == "Carried over from 1.2.1 in Community Safety Strategy 2024-27"
    )


def test_carried_actions_start_with_the_new_strategy_and_are_never_due_before_it(old):
    start(old)

    running = Action.objects.get(carried_over_from=old["running"])
    waiting = Action.objects.get(carried_over_from=old["waiting"])
    assert (running.starts_on, running.due_on) == (NEW_START, datetime.date(2028, 3, 31))
    assert (waiting.starts_on, waiting.due_on) == (NEW_START, NEW_START)


def test_open_milestones_come_along_and_the_old_plan_is_untouched(old):
    before = list(Action.objects.values_list("pk", "status", "starts_on", "due_on", "order"))

    start(old)

    carried = Action.objects.get(carried_over_from=old["running"])
    assert list(carried.milestones.values_list("title", "due_on", "completed_on")) == [
        ("Open milestone", datetime.date(2027, 6, 30), None)
    ]
    assert (
        list(
            Action.objects.filter(pk__in=[pk for pk, *_ in before]).values_list(
                "pk", "status", "starts_on", "due_on", "order"
            )
        )
        == before
    )
    assert Milestone.objects.filter(action=old["running"]).count() == 2


def test_a_strategy_is_followed_only_once_and_a_refusal_creates_nothing(old):
    start(old)
    counts = (Strategy.objects.count(), Priority.objects.count(), Action.objects.count())

    with pytest.raises(
        ValidationError, match="has already been followed by Community Safety Strategy 2027-30"
    ):
        start(old, title="Another go")

    assert (Strategy.objects.count(), Priority.objects.count(), Action.objects.count()) == counts


def test_a_bad_title_or_dates_create_nothing(old):
    StrategyFactory(partnership=old["strategy"].partnership, title="Taken")
    counts = (Strategy.objects.count(), Priority.objects.count(), Action.objects.count())

    for kwargs in ({"title": "Taken"}, {"ends_on": NEW_START}):
        with pytest.raises(ValidationError):
            start(old, **kwargs)

    assert (Strategy.objects.count(), Priority.objects.count(), Action.objects.count()) == counts


# Pages -------------------------------------------------------------------------------------------


def url(strategy, slug=None):
    return reverse(
        "delivery:strategy_start_next", kwargs={"slug": slug or strategy.partnership.slug, "pk": strategy.pk}
    )


@pytest.fixture
def admin(old, member_of):
    return member_of(old["strategy"].partnership, Membership.Role.ADMINISTRATOR)


def form_data(**changes):
    data = {
        "title": "Community Safety Strategy 2027-30",
        "starts_on_0": "1",
        "starts_on_1": "4",
        "starts_on_2": "2027",
        "ends_on_0": "31",
        "ends_on_1": "3",
        "ends_on_2": "2030",
    }
    data.update(changes)
    return data


def test_the_page_shows_what_will_be_copied_and_suggests_the_dates(client, old, admin):
    client.force_login(admin)

    html = client.get(url(old["strategy"])).content.decode()

    assert "Safer schools" in html and "Support victims" in html
    assert "in_progress 1" in html and "not_started 3" in html and "on_hold 2" in html
    assert "completed 2" not in html and "cancelled 1" not in html
    assert "2 completed or cancelled actions stay with Community Safety Strategy 2024-27." in html
    assert 'name="starts_on_2" value="2027"' in html
    assert 'name="ends_on_2" value="2030"' in html


def test_starting_the_next_strategy_through_the_page(client, old, admin):
    client.force_login(admin)

    response = client.post(url(old["strategy"]), form_data())

    new = Strategy.objects.get(title="Community Safety Strategy 2027-30")
    assert response.status_code == 302
    assert response["Location"] == new.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert "3 unfinished actions carried over." in page
    carried = Action.objects.get(carried_over_from=old["running"])
    action_page = client.get(carried.get_absolute_url()).content.decode()
    assert "Carried over from 1.2.1 in Community Safety Strategy 2024-27" in action_page
    assert old["running"].get_absolute_url() in action_page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "Community Safety Strategy 2024-27"}, "A strategy called “Community Safety Strategy 2024-27” already exists"),
        ({"title": ""}, "Enter the title of the new strategy"),
        ({"ends_on_2": "2027"}, "The end date must be after the start date"),
        ({"starts_on_1": "13"}, "The start date must be a real date"),
    ],
)  # fmt: skip
def test_bad_answers_get_an_error_summary_and_create_nothing(client, old, admin, changes, message):
    client.force_login(admin)

    response = client.post(url(old["strategy"]), form_data(**changes))

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and message in html
    assert Strategy.objects.count() == 1


def test_a_strategy_already_followed_says_so_instead_of_offering_the_form(client, old, admin):
    start(old)
    client.force_login(admin)

    html = client.get(url(old["strategy"])).content.decode()
    refused = client.post(url(old["strategy"]), form_data(title="Again"))

    assert "has already been followed by" in html and 'name="title"' not in html
    assert refused.status_code == 200
    assert Strategy.objects.count() == 2


@pytest.mark.parametrize("role", [Membership.Role.OFFICER, Membership.Role.BOARD_MEMBER])
def test_officers_and_board_members_may_not_start_a_strategy(client, old, member_of, role):
    client.force_login(member_of(old["strategy"].partnership, role))

    assert client.get(url(old["strategy"])).status_code == 403
    assert client.post(url(old["strategy"]), form_data()).status_code == 403
    assert Strategy.objects.count() == 1


def test_another_partnerships_strategy_answers_404(client, old, admin):
    theirs = StrategyFactory(title="Their secret strategy")
    client.force_login(admin)

    for address in (url(theirs), url(theirs, slug=old["strategy"].partnership.slug)):
        response = client.post(address, form_data())
        assert response.status_code == 404
        assert b"secret" not in response.content
    assert not Strategy.objects.filter(previous_strategy=theirs).exists()


def test_history_reasons_fit_their_column_whatever_the_title(old):
    old["strategy"].title = "A very long strategy title " * 7
    old["strategy"].save()

    new = start(old)

    reasons = [
        a.history.first().history_change_reason
        for a in Action.objects.filter(ambition__priority__strategy=new)
    ]
    reasons.append(new.history.first().history_change_reason)
    assert all(len(reason) <= 100 for reason in reasons)
    assert reasons[0].startswith("Carried over from 1.2.1 in A very long") and reasons[0].endswith("…")


def test_the_plans_shape_words_outcomes_and_themes_come_along(old):
    strategy = old["strategy"]
    Strategy.objects.filter(pk=strategy.pk).update(priority_word="Aim", ambition_word="Objective")
    Priority.objects.filter(strategy=strategy, order=1).update(
        outcomes="Fewer young victims", published_reference="A"
    )
    running = old["running"]
    running.tags.add(Tag.objects.create(partnership=strategy.partnership, name="VAWG"))
    Action.objects.filter(pk=running.pk).update(other_partners="Third sector", published_reference="A.2.1")

    new = start(old)

    assert (new.levels, new.priority_word, new.ambition_word, new.action_word) == (
        3,
        "Aim",
        "Objective",
        "Action",
    )
    first = new.priorities.get(order=1)
    assert (first.outcomes, first.reference) == ("Fewer young victims", "A")
    carried = Action.objects.get(carried_over_from=running)
    assert [tag.name for tag in carried.tags.all()] == ["VAWG"]
    assert carried.other_partners == "Third sector"
    assert carried.reference == "1.2.1"  # renumbered in the new plan, not the old plan's published number
