"""Administrators create and change strategies through the pages; everyone else may only read them."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Membership
from core.conflicts import version_of
from priorities.models import Consultation, Priority, SignOff, StrategicAmbition, Strategy
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.priorities.factories import (
    ConsultationFactory,
    PriorityFactory,
    SignOffFactory,
    StrategicAmbitionFactory,
    StrategyFactory,
)
from tests.priorities.test_strategy_forms import date_input, strategy_data

pytestmark = pytest.mark.django_db

Status = Strategy.Status
ERROR_SUMMARY = '<div class="govuk-error-summary"'


def url(name, partnership, **kwargs):
    return reverse(f"priorities:{name}", kwargs={"slug": partnership.slug, **kwargs})


@pytest.fixture
def strategy():
    return StrategyFactory(title="Community Safety Strategy 2024-27", status=Status.DRAFT)


@pytest.fixture
def admin_client(client, strategy):
    client.force_login(
        MembershipFactory(
            partnership=strategy.partnership,
            role=Membership.Role.ADMINISTRATOR,
            organisation__is_responsible_authority=False,
        ).user
    )
    return client


def html_of(response):
    return response.content.decode()


# Strategies


def test_an_administrator_creates_a_strategy_as_a_draft(admin_client, strategy):
    page = admin_client.get(url("strategy_list", strategy.partnership))
    assert url("strategy_create", strategy.partnership) in html_of(page)

    response = admin_client.post(
        url("strategy_create", strategy.partnership),
        strategy_data(local_definitions="Serious violence means any violence affecting under-25s."),
    )

    created = Strategy.objects.get(title="Community Safety Strategy 2027-30")
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert created.status == Status.DRAFT
    assert created.partnership == strategy.partnership
    assert created.local_definitions == "Serious violence means any violence affecting under-25s."
    assert created.history.count() == 1
    page = admin_client.get(response["Location"])
    assert "Community Safety Strategy 2027-30 created as a draft." in html_of(page)


def test_bad_input_shows_the_error_summary_and_saves_nothing(admin_client, strategy):
    response = admin_client.post(
        url("strategy_create", strategy.partnership),
        strategy_data(title="", **date_input("ends_on", datetime.date(2020, 1, 1))),
    )

    html = html_of(response)
    assert response.status_code == 200
    assert ERROR_SUMMARY in html
    assert "<title>Error: Create a strategy" in html
    assert '<a href="#id_title">Enter the strategy&#x27;s title</a>' in html
    assert '<a href="#id_ends_on">The end date must be after the start date</a>' in html
    assert Strategy.objects.count() == 1


def test_an_administrator_changes_a_strategys_details(admin_client, strategy):
    edit = url("strategy_edit", strategy.partnership, pk=strategy.pk)
    page = admin_client.get(edit)
    html = html_of(page)
    assert 'value="Community Safety Strategy 2024-27"' in html
    assert f'value="{version_of(strategy)}"' in html

    response = admin_client.post(
        edit,
        strategy_data(
            title="Community Safety Strategy 2024-2027",
            summary="Prevention, people and places.",
            version=version_of(strategy),
        ),
    )

    assert response.status_code == 302
    strategy.refresh_from_db()
    assert strategy.title == "Community Safety Strategy 2024-2027"
    assert strategy.summary == "Prevention, people and places."
    assert strategy.status == Status.DRAFT
    assert strategy.history.count() == 2


def test_a_change_saved_by_someone_else_meanwhile_is_shown_not_overwritten(admin_client, strategy):
    opened = version_of(strategy)
    theirs = Strategy.objects.get(pk=strategy.pk)
    theirs.summary = "Their summary."
    theirs.save()

    response = admin_client.post(
        url("strategy_edit", strategy.partnership, pk=strategy.pk),
        strategy_data(summary="Mine.", version=opened),
    )

    html = html_of(response)
    assert response.status_code == 409
    assert "Nothing has been overwritten." in html
    assert "Their summary." in html
    assert "Mine." in html
    strategy.refresh_from_db()
    assert strategy.summary == "Their summary."
    # Saving again, having seen their change, replaces it.
    again = admin_client.post(
        url("strategy_edit", strategy.partnership, pk=strategy.pk),
        strategy_data(summary="Mine.", version=version_of(strategy)),
    )
    assert again.status_code == 302
    strategy.refresh_from_db()
    assert strategy.summary == "Mine."


# Lifecycle


def test_the_strategy_page_says_where_the_strategy_can_move(admin_client, strategy):
    html = html_of(admin_client.get(strategy.get_absolute_url()))

    assert "It can move to consultation." in html
    assert url("strategy_transition", strategy.partnership, pk=strategy.pk) in html


def test_an_administrator_moves_a_strategy_to_consultation(admin_client, strategy):
    page = admin_client.get(url("strategy_transition", strategy.partnership, pk=strategy.pk))
    assert 'value="consultation"' in html_of(page)
    assert 'value="adopted"' not in html_of(page)

    response = admin_client.post(
        url("strategy_transition", strategy.partnership, pk=strategy.pk), {"to": "consultation", "reason": ""}
    )

    assert response.status_code == 302
    strategy.refresh_from_db()
    assert strategy.status == Status.CONSULTATION


def test_a_refused_transition_is_an_error_on_the_page(admin_client, strategy):
    response = admin_client.post(
        url("strategy_transition", strategy.partnership, pk=strategy.pk), {"to": "adopted", "reason": ""}
    )

    assert response.status_code == 200
    assert ERROR_SUMMARY in html_of(response)
    assert "Choose one of the statuses shown" in html_of(response)
    strategy.refresh_from_db()
    assert strategy.status == Status.DRAFT


def test_adoption_is_refused_on_the_page_with_who_has_not_agreed(admin_client, strategy):
    strategy.status = Status.AWAITING_SIGN_OFF
    strategy.save()
    SignOffFactory(strategy=strategy, organisation__name="Metropolitan Police Service")
    transition = url("strategy_transition", strategy.partnership, pk=strategy.pk)
    assert "Not agreed yet by: Metropolitan Police Service." in html_of(admin_client.get(transition))

    response = admin_client.post(transition, {"to": "adopted", "reason": ""})

    html = html_of(response)
    assert ERROR_SUMMARY in html
    assert "Not agreed yet: Metropolitan Police Service (pending)." in html
    assert '<a href="#id_reason">' in html
    strategy.refresh_from_db()
    assert strategy.status == Status.AWAITING_SIGN_OFF

    response = admin_client.post(transition, {"to": "adopted", "reason": "The police agreed at the board."})

    assert response.status_code == 302
    strategy.refresh_from_db()
    assert strategy.status == Status.ADOPTED
    assert strategy.adoption_override_reason == "The police agreed at the board."
    assert "The police agreed at the board." in html_of(admin_client.get(strategy.get_absolute_url()))


def test_a_closed_strategy_offers_no_status_change(admin_client, strategy):
    strategy.status = Status.CLOSED
    strategy.save()

    html = html_of(admin_client.get(url("strategy_transition", strategy.partnership, pk=strategy.pk)))

    assert "A closed strategy's status cannot change." in html
    response = admin_client.post(
        url("strategy_transition", strategy.partnership, pk=strategy.pk), {"to": "adopted"}
    )
    assert response.status_code == 200
    strategy.refresh_from_db()
    assert strategy.status == Status.CLOSED


# Sign-off


def test_an_administrator_records_a_responsible_authoritys_decision(admin_client, strategy):
    strategy.status = Status.AWAITING_SIGN_OFF
    strategy.save()
    sign_off = SignOffFactory(strategy=strategy, organisation__name="London Fire Brigade")
    page = admin_client.get(strategy.get_absolute_url())
    record = f"{url('sign_off_edit', strategy.partnership, pk=strategy.pk)}?organisation={sign_off.organisation.pk}"
    assert record in html_of(page)
    assert "What has London Fire Brigade decided?" in html_of(admin_client.get(record))

    response = admin_client.post(
        record,
        {
            "decision": "agreed",
            **date_input("decided_on", datetime.date(2024, 3, 20)),
            "decided_by": "Borough Commander",
            "notes": "By letter.",
            "version": version_of(sign_off),
        },
    )

    assert response.status_code == 302
    sign_off.refresh_from_db()
    assert (sign_off.decision, sign_off.decided_by, sign_off.notes) == (
        "agreed",
        "Borough Commander",
        "By letter.",
    )
    html = html_of(admin_client.get(strategy.get_absolute_url()))
    assert "Sign-off recorded: London Fire Brigade, agreed." in html
    assert "Borough Commander" in html


def test_a_decision_without_its_date_is_an_error_and_saves_nothing(admin_client, strategy):
    strategy.status = Status.AWAITING_SIGN_OFF
    strategy.save()
    sign_off = SignOffFactory(strategy=strategy)
    record = f"{url('sign_off_edit', strategy.partnership, pk=strategy.pk)}?organisation={sign_off.organisation.pk}"

    response = admin_client.post(
        record,
        {
            "decision": "declined",
            **date_input("decided_on"),
            "decided_by": "",
            "version": version_of(sign_off),
        },
    )

    assert ERROR_SUMMARY in html_of(response)
    assert "Enter the date of the decision" in html_of(response)
    sign_off.refresh_from_db()
    assert sign_off.decision == "pending"


def test_sign_off_is_not_offered_before_the_strategy_awaits_it(admin_client, strategy):
    organisation = OrganisationFactory(partnership=strategy.partnership, name="London Fire Brigade")
    record = f"{url('sign_off_edit', strategy.partnership, pk=strategy.pk)}?organisation={organisation.pk}"

    assert record not in html_of(admin_client.get(strategy.get_absolute_url()))
    assert "Sign-off is recorded once it is awaiting sign-off." in html_of(admin_client.get(record))
    response = admin_client.post(
        record,
        {"decision": "agreed", **date_input("decided_on", datetime.date(2024, 3, 20)), "decided_by": "CEO"},
    )
    assert ERROR_SUMMARY in html_of(response)
    assert not SignOff.objects.exists()


@pytest.mark.parametrize("organisation", ["", "abc", "not a responsible authority", "another partnership's"])
def test_sign_off_for_an_unknown_organisation_answers_404(admin_client, strategy, organisation):
    if organisation == "not a responsible authority":
        organisation = OrganisationFactory(
            partnership=strategy.partnership, is_responsible_authority=False
        ).pk
    elif organisation == "another partnership's":
        organisation = OrganisationFactory().pk

    response = admin_client.get(
        f"{url('sign_off_edit', strategy.partnership, pk=strategy.pk)}?organisation={organisation}"
    )

    assert response.status_code == 404


# Priorities and strategic ambitions


def test_an_administrator_adds_a_priority_at_the_end(admin_client, strategy):
    PriorityFactory(strategy=strategy, order=1, title="Prevention")
    lead = MembershipFactory(partnership=strategy.partnership, organisation__name="London Fire Brigade")
    assert url("priority_create", strategy.partnership, pk=strategy.pk) in html_of(
        admin_client.get(strategy.get_absolute_url())
    )

    response = admin_client.post(
        url("priority_create", strategy.partnership, pk=strategy.pk),
        {
            "title": "People",
            "description": "Protecting people.",
            "lead": lead.user.pk,
            "lead_organisation": "",
        },
    )

    priority = strategy.priorities.get(title="People")
    assert response.status_code == 302
    assert response["Location"] == f"{strategy.get_absolute_url()}#priority-{priority.pk}"
    assert (priority.order, priority.lead, priority.lead_organisation) == (2, lead.user, lead.organisation)


def test_a_priority_led_by_someone_outside_the_partnership_is_refused(admin_client, strategy):
    outsider = MembershipFactory().user

    response = admin_client.post(
        url("priority_create", strategy.partnership, pk=strategy.pk),
        {"title": "People", "lead": outsider.pk, "lead_organisation": OrganisationFactory().pk},
    )

    html = html_of(response)
    assert ERROR_SUMMARY in html
    assert "Choose an active member of this partnership" in html
    assert "Choose an organisation of this partnership" in html
    assert not Priority.objects.filter(title="People").exists()


def test_an_administrator_changes_a_priority(admin_client, strategy):
    priority = PriorityFactory(strategy=strategy, title="Prevention")
    new_lead = MembershipFactory(partnership=strategy.partnership)
    edit = url("priority_edit", strategy.partnership, pk=priority.pk)
    assert 'value="Prevention"' in html_of(admin_client.get(edit))

    response = admin_client.post(
        edit,
        {
            "title": "Prevention and early help",
            "description": "",
            "lead": new_lead.user.pk,
            "lead_organisation": priority.lead_organisation.pk,
            "version": version_of(priority),
        },
    )

    assert response.status_code == 302
    priority.refresh_from_db()
    assert (priority.title, priority.lead) == ("Prevention and early help", new_lead.user)
    assert priority.history.count() == 2


def test_moving_priorities_with_the_buttons_on_the_strategy_page(admin_client, strategy):
    prevention = PriorityFactory(strategy=strategy, order=1, title="Prevention")
    people = PriorityFactory(strategy=strategy, order=2, title="People")
    html = html_of(admin_client.get(strategy.get_absolute_url()))
    assert 'Move down<span class="govuk-visually-hidden"> priority 1. Prevention</span>' in html
    assert 'Move up<span class="govuk-visually-hidden"> priority 1. Prevention</span>' not in html
    move = url("priority_move", strategy.partnership, pk=people.pk)

    response = admin_client.post(move, {"direction": "up", "order": "2"})
    # A second click on the same button, sent before the page reloaded, does not move it again.
    admin_client.post(move, {"direction": "up", "order": "2"})

    assert response.status_code == 302
    assert response["Location"] == f"{strategy.get_absolute_url()}#priority-{people.pk}"
    prevention.refresh_from_db()
    people.refresh_from_db()
    assert (people.order, prevention.order) == (1, 2)
    html = html_of(admin_client.get(strategy.get_absolute_url()))
    assert "Priority “People” is now 1." in html
    assert "The order of the priorities had already changed: check it and try again." in html
    assert html.index("1. People") < html.index("2. Prevention")


def test_moving_the_first_priority_up_is_a_message_not_an_error(admin_client, strategy):
    first = PriorityFactory(strategy=strategy, order=1)
    PriorityFactory(strategy=strategy, order=2)

    response = admin_client.post(
        url("priority_move", strategy.partnership, pk=first.pk),
        {"direction": "up", "order": "1"},
        follow=True,
    )

    assert "This priority is already first." in html_of(response)


def test_moves_are_posted_only(admin_client, strategy):
    priority = PriorityFactory(strategy=strategy)

    assert admin_client.get(url("priority_move", strategy.partnership, pk=priority.pk)).status_code == 405


def test_an_administrator_adds_changes_and_moves_strategic_ambitions(admin_client, strategy):
    priority = PriorityFactory(strategy=strategy, order=2)
    StrategicAmbitionFactory(priority=priority, order=1, title="Being stronger together")

    response = admin_client.post(
        url("ambition_create", strategy.partnership, pk=priority.pk),
        {"title": "Safer town centres", "strategic_plan": "More patrols."},
    )

    ambition = StrategicAmbition.objects.get(title="Safer town centres")
    assert response.status_code == 302
    assert ambition.reference == "2.2"
    html = html_of(admin_client.get(strategy.get_absolute_url()))
    assert "2.2 Safer town centres" in html

    admin_client.post(
        url("ambition_edit", strategy.partnership, pk=ambition.pk),
        {"title": "Safer town centres at night", "strategic_plan": "", "version": version_of(ambition)},
    )
    admin_client.post(
        url("ambition_move", strategy.partnership, pk=ambition.pk), {"direction": "up", "order": "2"}
    )

    ambition.refresh_from_db()
    assert (ambition.title, ambition.reference) == ("Safer town centres at night", "2.1")


def test_an_ambition_needs_a_title(admin_client, strategy):
    priority = PriorityFactory(strategy=strategy)

    response = admin_client.post(url("ambition_create", strategy.partnership, pk=priority.pk), {"title": ""})

    assert "Enter the strategic ambition&#x27;s title" in html_of(response)
    assert not StrategicAmbition.objects.exists()


# Consultations


def consultation_data(**changes):
    data = {
        "title": "Public consultation on the priorities",
        **date_input("opens_on", datetime.date(2023, 12, 15)),
        **date_input("closes_on", datetime.date(2024, 2, 4)),
        "method": "Online survey",
        "responses_received": "312",
        "findings": "People asked for more visible patrols.",
    }
    data.update(changes)
    return data


def test_an_administrator_records_and_changes_a_consultation(admin_client, strategy):
    response = admin_client.post(
        url("consultation_create", strategy.partnership, pk=strategy.pk), consultation_data()
    )

    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert (consultation.strategy, consultation.responses_received) == (strategy, 312)
    html = html_of(admin_client.get(strategy.get_absolute_url()))
    assert "15 December 2023 to 4 February 2024" in html
    assert url("consultation_edit", strategy.partnership, pk=consultation.pk) in html

    admin_client.post(
        url("consultation_edit", strategy.partnership, pk=consultation.pk),
        consultation_data(responses_received="340", version=version_of(consultation)),
    )

    consultation.refresh_from_db()
    assert consultation.responses_received == 340
    assert consultation.history.count() == 2


def test_a_consultation_closing_before_it_opens_is_refused(admin_client, strategy):
    response = admin_client.post(
        url("consultation_create", strategy.partnership, pk=strategy.pk),
        consultation_data(**date_input("closes_on", datetime.date(2023, 1, 1))),
    )

    assert ERROR_SUMMARY in html_of(response)
    assert "The consultation must close on or after the day it opens" in html_of(response)
    assert not Consultation.objects.exists()


# Who may do what


def admin_pages(strategy):
    """Every administrator's page for `strategy`, with the method that changes something."""
    priority = PriorityFactory(strategy=strategy, order=1)
    PriorityFactory(strategy=strategy, order=2)
    ambition = StrategicAmbitionFactory(priority=priority, order=1)
    StrategicAmbitionFactory(priority=priority, order=2)
    consultation = ConsultationFactory(strategy=strategy)
    organisation = OrganisationFactory(partnership=strategy.partnership)
    p = strategy.partnership
    return [
        ("get", url("strategy_create", p)),
        ("get", url("strategy_edit", p, pk=strategy.pk)),
        ("get", url("strategy_transition", p, pk=strategy.pk)),
        ("get", f"{url('sign_off_edit', p, pk=strategy.pk)}?organisation={organisation.pk}"),
        ("get", url("priority_create", p, pk=strategy.pk)),
        ("get", url("priority_edit", p, pk=priority.pk)),
        ("post", url("priority_move", p, pk=priority.pk)),
        ("get", url("ambition_create", p, pk=priority.pk)),
        ("get", url("ambition_edit", p, pk=ambition.pk)),
        ("post", url("ambition_move", p, pk=ambition.pk)),
        ("get", url("consultation_create", p, pk=strategy.pk)),
        ("get", url("consultation_edit", p, pk=consultation.pk)),
    ]


def test_every_administrators_page_opens_for_an_administrator(admin_client, strategy):
    for method, page in admin_pages(strategy):
        if method == "get":
            assert admin_client.get(page).status_code == 200, page


@pytest.mark.parametrize("role", [Membership.Role.OFFICER, Membership.Role.BOARD_MEMBER])
def test_officers_and_board_members_get_403_and_change_nothing(client, strategy, role):
    pages = admin_pages(strategy)
    client.force_login(MembershipFactory(partnership=strategy.partnership, role=role).user)

    for _, page in pages:
        assert client.get(page).status_code == 403, page
        assert (
            client.post(page, {"title": "Changed", "direction": "down", "order": "1"}).status_code == 403
        ), page

    strategy.refresh_from_db()
    assert strategy.title == "Community Safety Strategy 2024-27"
    assert list(strategy.priorities.values_list("order", flat=True)) == [1, 2]
    assert Strategy.objects.count() == 1
    html = html_of(client.get(strategy.get_absolute_url()))
    assert "Change details" not in html
    assert "Move down" not in html
    assert "Add a priority" not in html


def test_an_inactive_administrator_is_an_outsider(client, strategy):
    pages = admin_pages(strategy)
    client.force_login(
        MembershipFactory(
            partnership=strategy.partnership, role=Membership.Role.ADMINISTRATOR, is_active=False
        ).user
    )

    for _, page in pages:
        assert client.post(page).status_code == 404, page


def test_an_administrator_of_another_partnership_gets_404(client, strategy):
    pages = admin_pages(strategy)
    client.force_login(MembershipFactory(role=Membership.Role.ADMINISTRATOR).user)

    for _, page in pages:
        response = client.post(page, {"title": "Changed"})
        assert response.status_code == 404, page
        assert b"Community Safety Strategy" not in response.content


def test_another_partnerships_objects_under_our_address_answer_404(admin_client, strategy):
    theirs = StrategyFactory(title="Their secret strategy")
    their_pages = admin_pages(theirs)
    ours = strategy.partnership.slug

    for _, page in their_pages[1:]:  # all but "create a strategy", which names no object
        ours_address = page.replace(f"/p/{theirs.partnership.slug}/", f"/p/{ours}/")
        response = admin_client.post(ours_address, {"title": "Changed", "direction": "down", "order": "1"})
        assert response.status_code == 404, ours_address
        assert b"secret" not in response.content
    theirs.refresh_from_db()
    assert list(theirs.priorities.values_list("order", flat=True)) == [1, 2]


# Query counts


@pytest.mark.parametrize("role", [Membership.Role.ADMINISTRATOR, Membership.Role.OFFICER])
def test_the_strategy_page_makes_the_same_queries_for_1_and_20_priorities(client, role, assert_same_queries):
    def make_rows(count):
        strategy = StrategyFactory(status=Status.AWAITING_SIGN_OFF)
        for _ in range(count):
            StrategicAmbitionFactory.create_batch(3, priority=PriorityFactory(strategy=strategy))
            SignOffFactory(strategy=strategy)
            OrganisationFactory(partnership=strategy.partnership)  # a responsible authority yet to sign off
            ConsultationFactory(strategy=strategy)
        client.force_login(MembershipFactory(partnership=strategy.partnership, role=role).user)
        return strategy.get_absolute_url()

    responses = assert_same_queries(make_rows, client.get, many=20)

    assert [response.status_code for response in responses] == [200, 200]


@pytest.mark.django_db
def test_a_nonsense_organisation_on_the_sign_off_page_answers_404(client):
    strategy = StrategyFactory()
    client.force_login(
        MembershipFactory(partnership=strategy.partnership, role=Membership.Role.ADMINISTRATOR).user
    )
    url = reverse("priorities:sign_off_edit", kwargs={"slug": strategy.partnership.slug, "pk": strategy.pk})

    for wanted in ("²", "abc", ""):
        assert client.get(url, {"organisation": wanted}).status_code == 404
