"""What the strategy administration forms accept and the errors they give."""

import datetime

import pytest
from django.utils import timezone

from priorities.forms import ConsultationForm, PriorityForm, SignOffForm, StrategyForm
from priorities.models import Consultation, Priority, Strategy
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.priorities.factories import PriorityFactory, StrategyFactory

pytestmark = pytest.mark.django_db


def date_input(name, value: datetime.date | None = None, **parts):
    day, month, year = (value.day, value.month, value.year) if value else ("", "", "")
    parts = {"day": day, "month": month, "year": year, **parts}
    return {f"{name}_0": parts["day"], f"{name}_1": parts["month"], f"{name}_2": parts["year"]}


def strategy_data(**changes):
    data = {
        "title": "Community Safety Strategy 2027-30",
        **date_input("starts_on", datetime.date(2027, 4, 1)),
        **date_input("ends_on", datetime.date(2030, 3, 31)),
        "summary": "",
        "strategic_assessment": "",
        "local_definitions": "",
        "reporting_rhythm": "quarterly",
        "levels": "3",
        "priority_word": "Priority",
        "ambition_word": "Strategic ambition",
        "action_word": "Action",
        "version": "",
    }
    data.update(changes)
    return data


def strategy_form(partnership, **changes):
    return StrategyForm(data=strategy_data(**changes), instance=Strategy(partnership=partnership))


# Strategies


def test_a_strategy_with_its_dates_is_valid():
    form = strategy_form(StrategyFactory().partnership)

    assert form.is_valid(), form.errors
    assert form.record_data["starts_on"] == datetime.date(2027, 4, 1)


def test_a_strategy_must_start_before_it_ends():
    form = strategy_form(StrategyFactory().partnership, **date_input("ends_on", datetime.date(2027, 4, 1)))

    assert form.errors == {"ends_on": ["The end date must be after the start date"]}


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"day": "", "month": "", "year": ""}, "Enter the start date"),
        ({"day": "31", "month": "2", "year": "2027"}, "The start date must be a real date"),
        ({"day": "1", "month": "April", "year": "2027"}, "The start date must be a real date"),
        (
            {"day": "1", "month": "4", "year": "27"},
            "Enter the year of the start date as 4 digits, for example 2027",
        ),
        ({"day": "99999999999999999999", "month": "4", "year": "2027"}, "The start date must be a real date"),
        ({"day": "1", "month": "99999999999999999999", "year": "2027"}, "The start date must be a real date"),
    ],
)
def test_a_start_date_that_is_missing_or_not_real_is_named_in_the_error(parts, message):
    form = strategy_form(StrategyFactory().partnership, **date_input("starts_on", **parts))

    assert form.errors["starts_on"] == [message]


def test_a_strategy_title_is_unique_in_its_partnership_only():
    existing = StrategyFactory(title="Community Safety Strategy 2027-30")

    assert strategy_form(existing.partnership).errors == {
        "title": ["The partnership already has a strategy with this title: choose another"]
    }
    assert strategy_form(StrategyFactory().partnership).is_valid()
    keeping_its_title = StrategyForm(data=strategy_data(), instance=existing)
    assert keeping_its_title.is_valid(), keeping_its_title.errors


# Priorities


def priority_form(strategy, instance=None, **changes):
    data = {"title": "Places", "description": "", "lead": "", "lead_organisation": "", "version": ""}
    data.update(changes)
    return PriorityForm(
        data=data, instance=instance or Priority(strategy=strategy), partnership=strategy.partnership
    )


def test_the_lead_is_an_active_member_and_their_organisation_is_the_default():
    strategy = StrategyFactory()
    lead = MembershipFactory(partnership=strategy.partnership)

    form = priority_form(strategy, lead=lead.user.pk)

    assert form.is_valid(), form.errors
    assert form.record_data["lead"] == lead.user
    assert form.record_data["lead_organisation"] == lead.organisation


def test_the_lead_organisation_can_differ_from_the_leads_own():
    strategy = StrategyFactory()
    lead = MembershipFactory(partnership=strategy.partnership)
    fire_brigade = OrganisationFactory(partnership=strategy.partnership)

    form = priority_form(strategy, lead=lead.user.pk, lead_organisation=fire_brigade.pk)

    assert form.is_valid(), form.errors
    assert form.record_data["lead_organisation"] == fire_brigade


@pytest.mark.parametrize("who", ["inactive member", "member of another partnership"])
def test_the_lead_must_be_an_active_member_of_this_partnership(who):
    strategy = StrategyFactory()
    if who == "inactive member":
        person = MembershipFactory(partnership=strategy.partnership, is_active=False).user
    else:
        person = MembershipFactory().user

    form = priority_form(strategy, lead=person.pk)

    assert form.errors == {"lead": ["Choose an active member of this partnership"]}


def test_the_lead_organisation_must_be_of_this_partnership():
    strategy = StrategyFactory()

    form = priority_form(strategy, lead_organisation=OrganisationFactory().pk)

    assert form.errors == {"lead_organisation": ["Choose an organisation of this partnership"]}


def test_the_lead_choices_name_each_persons_organisation_and_leave_out_inactive_members():
    strategy = StrategyFactory()
    active = MembershipFactory(
        partnership=strategy.partnership,
        user__first_name="Alex",
        user__last_name="Morgan",
        organisation__name="London Fire Brigade",
    )
    MembershipFactory(partnership=strategy.partnership, is_active=False, user__first_name="Gone")
    MembershipFactory(user__first_name="Elsewhere")
    # The same person, active here and inactive in another partnership, is offered once.
    MembershipFactory(user=active.user, is_active=False)

    labels = [label for value, label in priority_form(strategy).fields["lead"].choices if value]

    assert labels == ["Alex Morgan (London Fire Brigade)"]


def test_a_lead_who_has_left_is_pointed_out_when_the_priority_is_changed():
    priority = PriorityFactory()
    priority.lead.memberships.update(is_active=False)

    form = priority_form(priority.strategy, instance=priority)

    assert f"{priority.lead} is no longer an active member" in form.fields["lead"].help_text


def test_a_priority_needs_a_title():
    form = priority_form(StrategyFactory(), title="")

    assert form.errors == {"title": ["Enter the priority's title"]}


# Consultations


def consultation_form(**changes):
    data = {
        "title": "Public consultation",
        **date_input("opens_on", datetime.date(2023, 12, 15)),
        **date_input("closes_on", datetime.date(2024, 2, 4)),
        "method": "Online survey",
        "responses_received": "250",
        "findings": "More visible patrols.",
        "version": "",
    }
    data.update(changes)
    return ConsultationForm(data=data, instance=Consultation(strategy=StrategyFactory()))


def test_a_consultation_is_valid_with_its_dates_and_responses():
    form = consultation_form()

    assert form.is_valid(), form.errors
    assert form.record_data["responses_received"] == 250


def test_a_consultation_cannot_close_before_it_opens():
    form = consultation_form(**date_input("closes_on", datetime.date(2023, 12, 14)))

    assert form.errors == {"closes_on": ["The consultation must close on or after the day it opens"]}


@pytest.mark.parametrize(
    ("responses", "message"),
    [
        ("-1", "The number of responses must be 0 or more"),
        ("lots", "Enter the number of responses as a whole number, like 250"),
        ("99999999999999999999", "The number of responses must be 2,000,000,000 or fewer"),
    ],
)
def test_responses_received_is_a_whole_number(responses, message):
    assert consultation_form(responses_received=responses).errors == {"responses_received": [message]}


# Sign-off


def sign_off_form(**changes):
    data = {
        "decision": "agreed",
        **date_input("decided_on", datetime.date(2024, 3, 20)),
        "decided_by": "Chief Executive",
        "notes": "",
        "version": "",
    }
    data.update(changes)
    return SignOffForm(data=data, organisation=OrganisationFactory(name="London Fire Brigade"))


def test_an_agreement_needs_its_date_and_who_agreed():
    assert sign_off_form().is_valid()
    assert sign_off_form(**date_input("decided_on"), decided_by="").errors == {
        "decided_on": ["Enter the date of the decision"],
        "decided_by": ["Enter who agreed or declined"],
    }


def test_a_decision_cannot_be_dated_in_the_future():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    assert sign_off_form(**date_input("decided_on", tomorrow)).errors == {
        "decided_on": ["The date of the decision must be today or in the past"]
    }


def test_no_decision_yet_needs_no_date():
    form = sign_off_form(decision="pending", **date_input("decided_on"), decided_by="")

    assert form.is_valid(), form.errors
    assert form.fields["decision"].label == "What has London Fire Brigade decided?"


def test_the_decision_must_be_one_of_the_choices():
    assert sign_off_form(decision="maybe").errors["decision"]
    assert sign_off_form(decision="").errors == {"decision": ["Choose the decision"]}
