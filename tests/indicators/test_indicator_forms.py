"""Adding and changing an indicator with its targets by financial year: validation on the page, hostile
input refused with a clear message and nothing saved, and an edit conflict shown rather than overwritten."""

from decimal import Decimal
from html import unescape

import pytest

from indicators.models import Indicator, IndicatorTarget
from tests.accounts.factories import MembershipFactory
from tests.indicators.factories import IndicatorTargetFactory
from tests.indicators.test_indicator_pages import make_world, url, words_of
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory
from tests.world import fingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def answers(world, **changes) -> dict:
    data = {
        "strategy": world.strategy.pk,
        "priority": world.priority.pk,
        "ambition": "",
        "name": "Repeat victims of domestic abuse",
        "definition": "Victims with a second incident within 12 months.",
        "kind": "impact",
        "unit": "percentage",
        "polarity": "lower",
        "tolerance_percent": "5",
        "baseline_value": "28.5",
        "baseline_on_0": "31",
        "baseline_on_1": "3",
        "baseline_on_2": "2024",
        "data_source": "MARAC records",
        "owner": world.owner.pk,
        "owner_organisation": "",
        "frequency": "quarterly",
        "target_2024": "27",
        "target_2025": "25.5",
        "target_2026": "",
        "version": "",
    }
    data.update(changes)
    return data


# Adding -----------------------------------------------------------------------------------------


def test_an_administrator_adds_an_indicator_with_its_targets(client, world):
    client.force_login(world.admin)

    response = client.post(url(world, "indicator_create"), answers(world))

    indicator = Indicator.objects.get(name="Repeat victims of domestic abuse")
    assert response.status_code == 302 and response.url == indicator.get_absolute_url()
    assert indicator.strategy == world.strategy and indicator.priority == world.priority
    assert indicator.owner == world.owner
    assert indicator.owner_organisation == world.indicator.owner_organisation  # the owner's own
    assert indicator.baseline_value == Decimal("28.5") and str(indicator.baseline_on) == "2024-03-31"
    assert {t.financial_year: t.value for t in indicator.targets.all()} == {
        2024: Decimal("27"),
        2025: Decimal("25.5"),
    }
    client.post(url(world, "indicator_create"), answers(world, name="Second"))
    assert [indicator.order, Indicator.objects.get(name="Second").order] == [1, 2]  # each after the last
    page = client.get(response.url)
    assert "Indicator “Repeat victims of domestic abuse” added." in unescape(page.content.decode())


def test_numbers_with_trailing_zeros_save(client, world):
    client.force_login(world.admin)

    answers_given = answers(
        world, tolerance_percent="5.000", baseline_value="28.50000", target_2024="27.000000"
    )
    response = client.post(url(world, "indicator_create"), answers_given)

    assert response.status_code == 302
    indicator = Indicator.objects.get(name="Repeat victims of domestic abuse")
    assert (indicator.tolerance_percent, indicator.baseline_value) == (Decimal("5"), Decimal("28.5"))
    assert indicator.targets.get(financial_year=2024).value == Decimal("27")


def test_the_form_offers_a_target_for_each_year_of_the_strategy(client, world):
    client.force_login(world.admin)

    text = words_of(client.get(url(world, "indicator_create"), {"strategy": world.strategy.pk}))

    assert "Target for 2024/25 (optional)" in text
    assert "Target for 2025/26 (optional)" in text
    assert "Target for 2026/27 (optional)" in text
    assert "Target for 2027/28" not in text


def test_the_form_groups_priorities_and_ambitions_by_strategy(client, world):
    other = StrategyFactory(partnership=world.partnership, title="Domestic Abuse Plan")
    PriorityFactory(strategy=other, title="Safe accommodation")
    client.force_login(world.admin)

    html = unescape(client.get(url(world, "indicator_create")).content.decode())

    assert '<optgroup label="Domestic Abuse Plan">' in html
    assert '<optgroup label="Community Safety Strategy 2024-27">' in html
    assert "Reduce serious violence" in html


def test_an_ambition_brings_its_priority_when_none_is_chosen(client, world):
    client.force_login(world.admin)

    client.post(url(world, "indicator_create"), answers(world, priority="", ambition=world.ambition.pk))

    indicator = Indicator.objects.get(name="Repeat victims of domestic abuse")
    assert indicator.priority == world.priority and indicator.ambition == world.ambition


def test_an_indicator_of_the_whole_strategy_has_no_priority(client, world):
    client.force_login(world.admin)

    client.post(
        url(world, "indicator_create"),
        answers(world, priority="", owner="", owner_organisation=world.indicator.owner_organisation_id),
    )

    indicator = Indicator.objects.get(name="Repeat victims of domestic abuse")
    assert indicator.priority is None and indicator.owner is None


def refused(client, world, address, data, message):
    """Post the form: it answers 200 with the message on the page and the database unchanged."""
    before = fingerprint()
    response = client.post(address, data)
    text = words_of(response)
    assert response.status_code == 200
    assert "There is a problem" in text
    assert message in text, text[:3000]
    assert fingerprint() == before
    return response


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("baseline_value", "1e30", "Enter the baseline in full, without “e”"),
        ("baseline_value", "NaN", "Enter the baseline as a number"),
        ("baseline_value", "∞", "Enter the baseline as a number"),
        ("baseline_value", "１２", "Enter the baseline using the digits 0 to 9"),
        ("baseline_value", "1" * 40, "The baseline must be between"),
        ("target_2024", "1e30", "Enter the target for 2024/25 in full"),
        ("target_2025", "NaN", "Enter the target for 2025/26 as a number"),
        ("target_2026", "９９", "Enter the target for 2026/27 using the digits 0 to 9"),
        ("target_2024", "-1000000000000", "The target for 2024/25 must be between"),
        ("tolerance_percent", "101", "The tolerance must be between 0 and 100"),
        ("tolerance_percent", "-1", "The tolerance must be between 0 and 100"),
        ("tolerance_percent", "2.555", "The tolerance can have at most 2 decimal places"),
        ("tolerance_percent", "", "Enter the tolerance"),
        ("name", "", "Enter the indicator's name"),
        ("name", "x" * 201, "The name must be 200 characters or fewer"),
        ("definition", "x" * 10_001, "The definition must be 10,000 characters or fewer"),
        ("data_source", "x" * 301, "The data source must be 300 characters or fewer"),
        ("unit", "<script>", "Choose one of the units"),
        ("priority", "99999999999999999999999", "Choose a priority of this partnership"),
        ("owner", "99999999999999999999999", "Choose an active member of this partnership"),
        ("strategy", "", "Choose the strategy the indicator measures"),
        ("baseline_on_2", "99999", "Enter the year of the baseline date as 4 digits"),
    ],
)
def test_hostile_input_gets_a_clear_message_and_saves_nothing(client, world, field, value, message):
    client.force_login(world.admin)

    refused(client, world, url(world, "indicator_create"), answers(world, **{field: value}), message)


def test_markup_is_kept_as_text(client, world):
    client.force_login(world.admin)

    client.post(
        url(world, "indicator_create"),
        answers(world, name="<script>alert(1)</script>", data_source="<b>x</b>"),
    )

    indicator = Indicator.objects.get(name="<script>alert(1)</script>")
    html = client.get(indicator.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>x</b>" not in html


def test_a_priority_of_another_strategy_is_refused(client, world):
    other = StrategyFactory(partnership=world.partnership, title="Domestic Abuse Plan")
    elsewhere = PriorityFactory(strategy=other, title="Safe accommodation")
    client.force_login(world.admin)

    refused(
        client,
        world,
        url(world, "indicator_create"),
        answers(world, priority=elsewhere.pk),
        "Choose a priority of Community Safety Strategy 2024-27, or none",
    )


def test_an_ambition_of_another_priority_is_refused(client, world):
    second = PriorityFactory(strategy=world.strategy, order=2, title="People")
    client.force_login(world.admin)

    refused(
        client,
        world,
        url(world, "indicator_create"),
        answers(world, priority=second.pk, ambition=world.ambition.pk),
        "Choose a strategic ambition of 2. People, or none",
    )


def test_another_partnerships_priority_and_organisation_are_refused(client, world):
    elsewhere = make_world()
    client.force_login(world.admin)

    refused(
        client,
        world,
        url(world, "indicator_create"),
        answers(
            world,
            priority=elsewhere.priority.pk,
            owner_organisation=elsewhere.indicator.owner_organisation_id,
        ),
        "Choose a priority of this partnership",
    )


def test_an_organisation_is_needed_when_no_owner_is_named(client, world):
    client.force_login(world.admin)

    refused(
        client,
        world,
        url(world, "indicator_create"),
        answers(world, owner=""),
        "Choose the owner's organisation",
    )


def test_a_yes_or_no_indicators_targets_and_baseline_are_1_or_0(client, world):
    client.force_login(world.admin)

    response = refused(
        client,
        world,
        url(world, "indicator_create"),
        answers(world, unit="yes_no", target_2024="1", target_2025="2", baseline_value="1"),
        "The target for 2025/26 of a yes or no indicator is 1 for yes or 0 for no",
    )
    assert "The target for 2024/25 of a yes" not in words_of(response)
    refused(
        client,
        world,
        url(world, "indicator_create"),
        answers(world, unit="yes_no", target_2024="1", target_2025="", baseline_value="5"),
        "A yes or no indicator's baseline is 1 for yes or 0 for no",
    )


def test_a_baseline_date_needs_a_baseline(client, world):
    client.force_login(world.admin)

    refused(
        client,
        world,
        url(world, "indicator_create"),
        answers(world, baseline_value=""),
        "Enter the baseline value, or remove its date",
    )


def test_an_officer_cannot_add_an_indicator(client, world):
    client.force_login(world.owner)
    before = Indicator.objects.count()

    assert client.post(url(world, "indicator_create"), answers(world)).status_code == 403
    assert Indicator.objects.count() == before


# Changing ---------------------------------------------------------------------------------------


def edit_answers(client, world) -> dict:
    """The edit form's answers as it is opened, with the version it carries."""
    form = client.get(url(world, "indicator_edit", pk=world.indicator.pk)).context["form"]
    return answers(
        world,
        name=world.indicator.name,
        ambition=world.ambition.pk,
        unit="number",
        polarity="higher",
        owner_organisation=world.indicator.owner_organisation_id,
        target_2024="100",
        target_2025="",
        version=form.initial["version"],
    )


def test_an_administrator_changes_an_indicator_and_its_targets(client, world):
    IndicatorTargetFactory(indicator=world.indicator, financial_year=2025, value=Decimal("95"))
    client.force_login(world.admin)
    data = edit_answers(client, world)
    data.update(target_2024="98", target_2025="", target_2026="90", tolerance_percent="10")

    response = client.post(url(world, "indicator_edit", pk=world.indicator.pk), data)

    assert response.status_code == 302
    world.indicator.refresh_from_db()
    assert world.indicator.tolerance_percent == Decimal("10")
    assert {t.financial_year: t.value for t in world.indicator.targets.all()} == {
        2024: Decimal("98"),
        2026: Decimal("90"),
    }


def test_the_edit_form_shows_the_saved_targets_and_keeps_years_outside_the_strategy(client, world):
    IndicatorTargetFactory(indicator=world.indicator, financial_year=2030, value=Decimal("80"))
    client.force_login(world.admin)

    response = client.get(url(world, "indicator_edit", pk=world.indicator.pk))

    form = response.context["form"]
    assert form.target_years == [2024, 2025, 2026, 2030]
    assert 'value="100"' in response.content.decode() and 'value="80"' in response.content.decode()


def test_a_change_saved_by_someone_else_meanwhile_is_shown_not_overwritten(client, world):
    client.force_login(world.admin)
    mine = edit_answers(client, world)
    mine.update(name="Knife crime, all ages", target_2024="90")
    # Someone else changes the target after the form was opened.
    other = MembershipFactory(partnership=world.partnership, role="administrator").user
    second = client_for(other)
    theirs = edit_answers(second, world)
    theirs.update(target_2024="80")
    assert second.post(url(world, "indicator_edit", pk=world.indicator.pk), theirs).status_code == 302

    response = client.post(url(world, "indicator_edit", pk=world.indicator.pk), mine)

    assert response.status_code == 409
    text = words_of(response)
    assert "after you opened it. Nothing has been overwritten." in text
    assert "Target for 2024/25 80 90" in text  # saved, then yours
    assert "Name Knife crime with injury Knife crime, all ages" in text
    assert 'value="Knife crime, all ages"' in response.content.decode()  # the answers are kept
    world.indicator.refresh_from_db()
    assert world.indicator.name == "Knife crime with injury"
    assert IndicatorTarget.objects.get(indicator=world.indicator, financial_year=2024).value == Decimal("80")
    # Saving again replaces the other change deliberately.
    mine["version"] = response.context["form"]["version"].value()
    assert client.post(url(world, "indicator_edit", pk=world.indicator.pk), mine).status_code == 302
    world.indicator.refresh_from_db()
    assert world.indicator.name == "Knife crime, all ages"


def client_for(user):
    from django.test import Client

    second = Client()
    second.force_login(user)
    return second


def test_a_new_strategy_chosen_shows_its_years_after_a_refused_save(client, world):
    later = StrategyFactory(
        partnership=world.partnership, title="Next strategy", starts_on="2027-04-01", ends_on="2029-03-31"
    )
    StrategicAmbitionFactory(priority=PriorityFactory(strategy=later))
    client.force_login(world.admin)

    response = client.post(url(world, "indicator_create"), answers(world, strategy=later.pk, name=""))

    assert response.context["form"].target_years == [2024, 2025, 2026, 2027, 2028]


def test_an_indicator_with_numbers_cannot_become_yes_or_no(client, world):
    client.force_login(world.admin)
    data = edit_answers(client, world)
    data.update(
        unit="yes_no",
        baseline_value="",
        baseline_on_0="",
        baseline_on_1="",
        baseline_on_2="",
        target_2024="1",
    )

    refused(
        client,
        world,
        url(world, "indicator_edit", pk=world.indicator.pk),
        data,
        "The indicator has values other than 1 and 0, so it cannot be a yes or no indicator.",
    )
