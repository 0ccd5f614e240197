"""Entering an indicator's value for an open reporting period: its owner or an administrator, with the
context to write it, a rating worked out rather than typed, and an edit conflict answered 409."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client

from delivery.models import ReportingPeriod
from indicators.models import IndicatorValue
from tests.delivery.factories import ReportingPeriodFactory
from tests.indicators.factories import IndicatorFactory, IndicatorTargetFactory, IndicatorValueFactory
from tests.indicators.test_indicator_pages import make_world, url, words_of
from tests.world import fingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def enter_url(world, period=None, indicator=None):
    return url(world, "value_enter", pk=(indicator or world.indicator).pk, period_pk=(period or world.q2).pk)


def test_the_form_shows_what_the_owner_needs_to_write_the_value(client, world):
    client.force_login(world.owner)

    response = client.get(enter_url(world))

    text = words_of(response)
    assert response.status_code == 200
    assert "The value for Q2 2024/25" in text
    assert "Definition Counted from the monthly crime figures." in text
    assert "Previous value 90 for Q1 2024/25" in text
    assert "Target for 2024/25 100 (higher is better)" in text
    assert "Baseline 120 on 31 March 2024" in text
    assert "Value for Q2 2024/25" in text


def test_the_owner_enters_a_value_and_sees_its_rating(client, world):
    client.force_login(world.owner)

    response = client.post(enter_url(world), {"value": "96", "note": "Improving.", "version": ""})

    assert response.status_code == 302 and response.url == world.indicator.get_absolute_url()
    saved = IndicatorValue.objects.get(indicator=world.indicator, period=world.q2)
    assert (saved.value, saved.note, saved.entered_by) == (Decimal("96"), "Improving.", world.owner)
    text = words_of(client.get(response.url))
    assert "Value for Q2 2024/25 saved: 96 (within tolerance)." in text
    assert "Latest value: 96 for Q2 2024/25" in text and "Improved" in text


def test_a_value_with_trailing_zeros_saves(client, world):
    client.force_login(world.owner)

    response = client.post(enter_url(world), {"value": "96.500000", "note": "", "version": ""})

    assert response.status_code == 302
    assert IndicatorValue.objects.get(indicator=world.indicator, period=world.q2).value == Decimal("96.5")


def test_an_administrator_may_enter_the_value_too(client, world):
    client.force_login(world.admin)

    assert client.post(enter_url(world), {"value": "101", "version": ""}).status_code == 302
    assert IndicatorValue.objects.get(indicator=world.indicator, period=world.q2).entered_by == world.admin


def test_the_organisations_nominated_contact_enters_the_value_of_an_indicator_with_no_owner(client, world):
    organisation = world.indicator.owner_organisation
    organisation.nominated_contact = world.other
    organisation.save()
    ownerless = IndicatorFactory(priority=world.priority, owner=None, owner_organisation=organisation)
    client.force_login(world.other)

    assert client.get(enter_url(world, indicator=ownerless)).status_code == 200


@pytest.mark.parametrize("person", ["other", "board"])
def test_other_members_cannot_enter_a_value(client, world, person):
    client.force_login(getattr(world, person))

    assert client.post(enter_url(world), {"value": "96", "version": ""}).status_code == 403
    assert not IndicatorValue.objects.filter(period=world.q2).exists()


def test_a_locked_period_shows_no_form_and_refuses_a_value(client, world):
    client.force_login(world.owner)

    page = client.get(enter_url(world, period=world.q1))
    before = fingerprint()
    response = client.post(enter_url(world, period=world.q1), {"value": "1", "version": ""})

    assert page.status_code == 200 and "Q1 2024/25 is locked" in words_of(page)
    assert page.context["form"] is None
    assert response.status_code == 409
    assert fingerprint() == before


def test_an_upcoming_period_is_not_open_for_values(client, world):
    upcoming = ReportingPeriodFactory(
        partnership=world.partnership,
        name="Q3 2024/25",
        starts_on=datetime.date(2024, 10, 1),
        ends_on=datetime.date(2024, 12, 31),
        state=ReportingPeriod.State.UPCOMING,
    )
    client.force_login(world.owner)

    assert "Q3 2024/25 is not open yet" in words_of(client.get(enter_url(world, period=upcoming)))
    assert client.post(enter_url(world, period=upcoming), {"value": "1", "version": ""}).status_code == 409


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1e30", "Enter the value in full, without “e”"),
        ("NaN", "Enter the value as a number, such as 125 or 12.5"),
        ("∞", "Enter the value as a number"),
        ("１２", "Enter the value using the digits 0 to 9"),
        ("1000000000000", "The value must be between -999,999,999,999 and 999,999,999,999"),
        ("", "Enter the value"),
        ("<script>alert(1)</script>", "Enter the value as a number"),
    ],
)
def test_hostile_values_get_a_clear_message_and_save_nothing(client, world, value, message):
    client.force_login(world.owner)
    before = fingerprint()

    response = client.post(enter_url(world), {"value": value, "note": "x", "version": ""})

    assert response.status_code == 200
    text = words_of(response)
    assert "There is a problem" in text and message in text
    assert fingerprint() == before
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_note_too_long_is_refused(client, world):
    client.force_login(world.owner)

    response = client.post(enter_url(world), {"value": "96", "note": "x" * 2001, "version": ""})

    assert "The note must be 2,000 characters or fewer" in words_of(response)
    assert not IndicatorValue.objects.filter(period=world.q2).exists()


def test_a_yes_or_no_indicator_is_answered_with_radios(client, world):
    done = IndicatorFactory(
        priority=world.priority,
        unit="yes_no",
        owner=world.owner,
        owner_organisation=world.indicator.owner_organisation,
        baseline_value=None,
        baseline_on=None,
    )
    IndicatorTargetFactory(indicator=done, financial_year=2024, value=Decimal("1"))
    client.force_login(world.owner)

    page = client.get(enter_url(world, indicator=done))
    refused = client.post(enter_url(world, indicator=done), {"value": "2", "version": ""})
    response = client.post(enter_url(world, indicator=done), {"value": "0", "version": ""})

    assert 'type="radio"' in page.content.decode() and "Was it yes or no for Q2 2024/25?" in words_of(page)
    assert "Answer yes or no" in words_of(refused)
    assert response.status_code == 302
    assert IndicatorValue.objects.get(indicator=done).value == 0
    assert "Value for Q2 2024/25 saved: No (off target)." in words_of(client.get(response.url))
    # Opened again, the saved answer is chosen.
    assert re.search(r'value="0"\s+checked', client.get(enter_url(world, indicator=done)).content.decode())


def test_a_value_saved_by_someone_else_meanwhile_is_shown_not_overwritten(client, world):
    IndicatorValueFactory(indicator=world.indicator, period=world.q2, value=Decimal("95"), note="First go.")
    client.force_login(world.owner)
    version = client.get(enter_url(world)).context["form"].initial["version"]
    admin = Client()
    admin.force_login(world.admin)
    admin_version = admin.get(enter_url(world)).context["form"].initial["version"]
    assert (
        admin.post(
            enter_url(world), {"value": "99", "note": "Corrected.", "version": admin_version}
        ).status_code
        == 302
    )

    response = client.post(enter_url(world), {"value": "97", "note": "My figure.", "version": version})

    assert response.status_code == 409
    text = words_of(response)
    assert "after you opened it. Nothing has been overwritten." in text
    assert "Value 99 97" in text and "Note Corrected. My figure." in text
    assert 'value="97"' in response.content.decode() and "My figure." in text  # the answers are kept
    saved = IndicatorValue.objects.get(indicator=world.indicator, period=world.q2)
    assert saved.value == Decimal("99")
    # Saving again replaces it deliberately.
    again = {"value": "97", "note": "My figure.", "version": response.context["form"]["version"].value()}
    assert client.post(enter_url(world), again).status_code == 302
    saved.refresh_from_db()
    assert saved.value == Decimal("97")


def test_a_first_value_entered_by_someone_else_meanwhile_is_a_conflict_too(client, world):
    client.force_login(world.owner)
    version = client.get(enter_url(world)).context["form"].initial["version"]
    assert version == ""
    IndicatorValueFactory(
        indicator=world.indicator, period=world.q2, value=Decimal("95"), entered_by=world.admin
    )

    response = client.post(enter_url(world), {"value": "97", "version": version})

    assert response.status_code == 409
    assert IndicatorValue.objects.get(indicator=world.indicator, period=world.q2).value == Decimal("95")
