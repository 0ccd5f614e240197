"""A strategy's plan shape: two or three levels and its own words for them, on every strategy page."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Membership
from core.conflicts import version_of
from priorities.models import Priority, StrategicAmbition, Strategy
from priorities.services import actions_ambition_of, ambition_create
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory
from tests.priorities.test_strategy_forms import strategy_data

pytestmark = pytest.mark.django_db

HOSTILE_WORD = "<i>Aim</i>"  # markup
LOOK_ALIKE_WORD = "\u0410im"  # begins with a Cyrillic capital A
TOO_LONG = "A" * 300


def url(name, strategy_or_partnership, **kwargs):
    partnership = getattr(strategy_or_partnership, "partnership", strategy_or_partnership)
    return reverse(f"priorities:{name}", kwargs={"slug": partnership.slug, **kwargs})


@pytest.fixture
def two_level():
    """An "Aim / Deliverable" plan: its actions hang off each aim's one unseen ambition."""
    strategy = StrategyFactory(
        title="Domestic Abuse Duty Plan",
        levels=Strategy.Levels.TWO,
        priority_word="Aim",
        action_word="Deliverable",
    )
    aim = PriorityFactory(
        strategy=strategy,
        order=1,
        title="Survivors are safe",
        outcomes="Fewer repeat victims\n\n  More refuge places  ",
    )
    ActionFactory(ambition=actions_ambition_of(aim), order=1, title="Open a second refuge")
    return strategy


@pytest.fixture
def three_level():
    """A "Priority / Objective / Action" plan."""
    strategy = StrategyFactory(title="Community Justice Plan", ambition_word="Objective")
    priority = PriorityFactory(strategy=strategy, order=1, title="Prevention")
    StrategicAmbitionFactory(priority=priority, order=1, title="Early help for young people")
    return strategy


@pytest.fixture
def admin_of(client):
    def sign_in(strategy):
        client.force_login(
            MembershipFactory(partnership=strategy.partnership, role=Membership.Role.ADMINISTRATOR).user
        )
        return client

    return sign_in


def main_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


# The strategy pages -----------------------------------------------------------------------------


def test_a_two_level_plan_shows_its_words_and_its_deliverables_under_each_aim(admin_of, two_level):
    aim = two_level.priorities.get()

    main = main_of(admin_of(two_level).get(two_level.get_absolute_url()))

    assert '<h2 class="govuk-heading-m">Aims</h2>' in main
    assert "Two levels: aims and deliverables" in main
    assert '<dt class="govuk-summary-list__key">Deliverables</dt>' in main
    assert "1.1 Open a second refuge</a>" in main
    assert "Add an aim<span" in main
    add_deliverable = reverse(
        "delivery:strategy_action_create", kwargs={"slug": two_level.partnership.slug, "pk": two_level.pk}
    )
    assert f'href="{add_deliverable}?priority={aim.pk}">Add a deliverable<span' in main
    assert 'Change<span class="govuk-visually-hidden"> aim 1. Survivors are safe' in main
    # No middle level anywhere, though each aim keeps one ambition unseen.
    assert "mbition" not in main and "Add a strategic" not in main
    assert url("ambition_create", two_level, pk=aim.pk) not in main
    # Outcomes listed under the aim, one a line, blank lines dropped.
    assert re.search(r"<li>Fewer repeat victims</li>\s*<li>More refuge places</li>", main)


def test_the_strategies_page_uses_the_current_strategys_words(admin_of, two_level):
    main = main_of(admin_of(two_level).get(url("strategy_list", two_level)))

    assert '<h2 class="govuk-heading-m">Aims</h2>' in main
    assert "1.1 Open a second refuge" in main
    assert "mbition" not in main


def test_a_three_level_plan_names_its_middle_level_in_its_own_words(admin_of, three_level):
    priority = three_level.priorities.get()
    ambition = priority.ambitions.get()

    main = main_of(admin_of(three_level).get(three_level.get_absolute_url()))

    assert "Three levels: priorities, objectives and actions" in main
    assert '<dt class="govuk-summary-list__key">Objectives</dt>' in main
    assert 'Add an objective<span class="govuk-visually-hidden"> to priority 1. Prevention' in main
    assert 'Add an action<span class="govuk-visually-hidden"> to objective 1.1 Early help' in main
    assert "Strategic ambition" not in main
    assert url("ambition_edit", three_level, pk=ambition.pk) in main


def test_the_structure_forms_speak_the_strategys_words(admin_of, two_level, three_level):
    aim = two_level.priorities.get()
    priority = three_level.priorities.get()
    client = admin_of(two_level)
    page = main_of(client.get(url("priority_create", two_level, pk=two_level.pk)))
    assert '<h1 class="govuk-heading-l">Add an aim</h1>' in page
    assert ">Add aim</button>" in page
    assert "The outcomes the plan lists for this aim, one on each line." in page
    assert "Change an aim" in main_of(client.get(url("priority_edit", two_level, pk=aim.pk)))
    # A two-level plan has no middle level to add to, nor to change.
    assert client.get(url("ambition_create", two_level, pk=aim.pk)).status_code == 404
    hidden = aim.ambitions.get()
    assert client.get(url("ambition_edit", two_level, pk=hidden.pk)).status_code == 404

    client = admin_of(three_level)
    page = main_of(client.get(url("ambition_create", three_level, pk=priority.pk)))
    assert '<h1 class="govuk-heading-l">Add an objective</h1>' in page
    assert ">Add objective</button>" in page


def test_moving_an_aim_says_aim(admin_of, two_level):
    second = PriorityFactory(strategy=two_level, order=2, title="Perpetrators are held to account")
    client = admin_of(two_level)

    response = client.post(
        url("priority_move", two_level, pk=second.pk), {"direction": "up", "order": "2"}, follow=True
    )

    assert "Aim “Perpetrators are held to account” is now 1." in response.content.decode()


def test_a_two_level_strategy_page_makes_the_same_queries_for_1_and_20_aims(admin_of, assert_same_queries):
    def make_rows(count):
        strategy = StrategyFactory(levels=Strategy.Levels.TWO, priority_word="Aim")
        for _ in range(count):
            aim = PriorityFactory(strategy=strategy, outcomes="One\nTwo")
            ActionFactory.create_batch(2, ambition=actions_ambition_of(aim))
        return admin_of(strategy), strategy

    def fetch(made):
        client, strategy = made
        return client.get(strategy.get_absolute_url())

    _, many = assert_same_queries(make_rows, fetch, few=1, many=20)
    assert many.content.decode().count("Add an action<span") == 20  # one under each aim


# Outcomes and published references -------------------------------------------------------------


def test_a_priority_takes_its_outcomes_and_published_reference(admin_of, three_level):
    client = admin_of(three_level)
    lead = MembershipFactory(partnership=three_level.partnership).user

    response = client.post(
        url("priority_create", three_level, pk=three_level.pk),
        {
            "title": "Places",
            "published_reference": "C",
            "outcomes": "Safer town centres\r\nLess fly-tipping",
            "lead": str(lead.pk),
            "version": "",
        },
    )

    assert response.status_code == 302
    priority = Priority.objects.get(title="Places")
    assert (priority.reference, priority.outcome_list) == ("C", ["Safer town centres", "Less fly-tipping"])
    main = main_of(client.get(response["Location"]))
    assert "C. Places" in main and "<li>Less fly-tipping</li>" in main


def test_an_ambition_takes_its_published_reference(admin_of, three_level):
    ambition = StrategicAmbition.objects.get(priority__strategy=three_level)
    client = admin_of(three_level)

    response = client.post(
        url("ambition_edit", three_level, pk=ambition.pk),
        {
            "title": ambition.title,
            "published_reference": "2.1",
            "strategic_plan": "",
            "version": version_of(ambition),
        },
    )

    assert response.status_code == 302
    assert "2.1 Early help for young people" in main_of(client.get(three_level.get_absolute_url()))


def test_a_published_reference_too_long_is_refused(admin_of, three_level):
    priority = three_level.priorities.get()

    response = admin_of(three_level).post(
        url("priority_edit", three_level, pk=priority.pk),
        {"title": "Prevention", "published_reference": "1" * 31, "version": version_of(priority)},
    )

    assert response.status_code == 200
    assert "The published reference must be 30 characters or fewer" in response.content.decode()
    priority.refresh_from_db()
    assert priority.published_reference == ""


# Choosing the plan shape -------------------------------------------------------------------------


def test_a_strategy_is_created_with_two_levels_and_its_words(admin_of, three_level):
    client = admin_of(three_level)
    form = main_of(client.get(url("strategy_create", three_level.partnership)))
    assert "How many levels does the plan have?" in form
    assert 'value="Priority"' in form and 'value="Strategic ambition"' in form and 'value="Action"' in form

    response = client.post(
        url("strategy_create", three_level.partnership),
        strategy_data(levels="2", priority_word="  Aim ", ambition_word="", action_word="Deliverable"),
    )

    assert response.status_code == 302
    created = Strategy.objects.get(title="Community Safety Strategy 2027-30")
    assert (created.levels, created.priority_word, created.action_word) == (2, "Aim", "Deliverable")
    assert created.ambition_word == "Strategic ambition"  # kept for a return to three levels


def test_a_three_level_plan_needs_its_middle_word(admin_of, three_level):
    response = admin_of(three_level).post(
        url("strategy_edit", three_level.partnership, pk=three_level.pk),
        strategy_data(title=three_level.title, ambition_word=" ", version=version_of(three_level)),
    )

    assert response.status_code == 200
    assert "Enter what the plan calls its middle level, such as Objective" in response.content.decode()
    three_level.refresh_from_db()
    assert three_level.ambition_word == "Objective"


def test_changing_the_words_is_kept_in_the_strategys_history(admin_of, three_level):
    client = admin_of(three_level)

    response = client.post(
        url("strategy_edit", three_level.partnership, pk=three_level.pk),
        strategy_data(
            title=three_level.title,
            ambition_word="Priority action",
            action_word="Deliverable",
            version=version_of(three_level),
        ),
    )

    assert response.status_code == 302
    three_level.refresh_from_db()
    assert three_level.words.ambitions == "Priority actions"
    latest = three_level.history.first()
    assert latest.history_change_reason == "Details changed"
    assert latest.history_user.memberships.get().role == Membership.Role.ADMINISTRATOR
    main = main_of(client.get(three_level.get_absolute_url()))
    assert '<dt class="govuk-summary-list__key">Priority actions</dt>' in main
    assert "Add a deliverable<span" in main


def test_two_levels_are_refused_while_a_priority_has_several_ambitions(admin_of, three_level):
    priority = three_level.priorities.get()
    StrategicAmbitionFactory(priority=priority, order=2, title="Diversion from court")
    records = three_level.history.count()

    response = admin_of(three_level).post(
        url("strategy_edit", three_level.partnership, pk=three_level.pk),
        strategy_data(
            title="A new title",
            levels="2",
            priority_word="Aim",
            version=version_of(three_level),
        ),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_levels">The plan cannot have two levels while a priority has more than one' in html
    assert "(1. Prevention has 2)" in html
    assert "Keep three levels." in html
    three_level.refresh_from_db()
    assert (three_level.levels, three_level.title, three_level.priority_word) == (
        3,
        "Community Justice Plan",
        "Priority",
    )
    assert three_level.history.count() == records
    # The page's breadcrumbs still name the strategy as it is saved.
    assert '">Community Justice Plan</a>' in html


def test_a_two_level_aim_never_gets_a_second_ambition(two_level):
    aim = two_level.priorities.get()

    with pytest.raises(ValidationError, match="has two levels: its deliverables go straight under each aim"):
        ambition_create(priority=aim, title="A middle level")

    assert aim.ambitions.count() == 1


def test_two_levels_are_taken_where_each_priority_has_one_ambition(admin_of, three_level):
    response = admin_of(three_level).post(
        url("strategy_edit", three_level.partnership, pk=three_level.pk),
        strategy_data(title=three_level.title, levels="2", version=version_of(three_level)),
    )

    assert response.status_code == 302
    three_level.refresh_from_db()
    assert not three_level.has_ambitions


def test_chosen_reporting_periods_are_saved_and_recorded_by_the_edit(admin_of, three_level):
    from tests.delivery.factories import ReportingPeriodFactory

    period = ReportingPeriodFactory(partnership=three_level.partnership, name="Q2 2024/25")

    response = admin_of(three_level).post(
        url("strategy_edit", three_level.partnership, pk=three_level.pk),
        strategy_data(
            title=three_level.title,
            reporting_rhythm="chosen",
            reporting_periods=[str(period.pk)],
            version=version_of(three_level),
        ),
    )

    assert response.status_code == 302
    assert list(three_level.reporting_periods.all()) == [period]
    assert three_level.history.first().history_change_reason == "Details changed; reports in Q2 2024/25"


# Hostile words -----------------------------------------------------------------------------------


@pytest.mark.parametrize("word", [HOSTILE_WORD, LOOK_ALIKE_WORD])
def test_a_strategys_words_are_shown_as_text(admin_of, two_level, word):
    two_level.priority_word = word
    two_level.action_word = f"{word} deliverable"
    two_level.save()
    aim = two_level.priorities.get()
    client = admin_of(two_level)

    pages = [
        main_of(client.get(two_level.get_absolute_url())),
        main_of(client.get(url("strategy_list", two_level))),
        client.get(url("priority_create", two_level, pk=two_level.pk)).content.decode(),
        client.get(url("priority_edit", two_level, pk=aim.pk)).content.decode(),
    ]

    in_sentence = escape(word[:1].lower() + word[1:])
    for html in pages:
        assert "<i>" not in html
        assert in_sentence in html or escape(word) in html
    assert f'<h2 class="govuk-heading-m">{escape(word)}s</h2>' in pages[0]
    assert f"Add a {in_sentence}<span" in pages[0]  # "a": neither begins with a Latin vowel
    assert f'Change<span class="govuk-visually-hidden"> {in_sentence} 1. Survivors' in pages[0]


def test_a_word_too_long_is_refused_and_shown_back_as_text(admin_of, three_level):
    response = admin_of(three_level).post(
        url("strategy_edit", three_level.partnership, pk=three_level.pk),
        strategy_data(
            title=three_level.title,
            priority_word=f"<script>{TOO_LONG}</script>",
            version=version_of(three_level),
        ),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "The word for the first level must be 40 characters or fewer" in html
    assert escape(f"<script>{TOO_LONG}</script>") in html and "<script>AAA" not in html
    three_level.refresh_from_db()
    assert three_level.priority_word == "Priority"
