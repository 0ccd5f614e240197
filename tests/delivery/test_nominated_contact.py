"""Someone always answers for an action's returns: its lead officer, else the nominated contact of its
lead organisation, who then owns the update, gets the reminders and sees it in My actions."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Membership
from core.conflicts import version_of
from delivery.models import Action
from delivery.services.actions import action_create, action_update
from delivery.services.reminders import update_reminders_due
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ReportingPeriodFactory
from tests.priorities.factories import StrategicAmbitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ambition():
    return StrategicAmbitionFactory(priority__strategy__starts_on=datetime.date(2024, 4, 1))


@pytest.fixture
def contact(ambition):
    """The probation service's nominated contact in the partnership."""
    membership = MembershipFactory(
        partnership=ambition.priority.strategy.partnership,
        organisation__name="Probation Service",
        user__first_name="Pat",
        user__last_name="Reid",
        user__email="pat.reid@example.org",
    )
    membership.organisation.nominated_contact = membership.user
    membership.organisation.save()
    return membership.user


def agency_led(ambition, organisation) -> Action:
    return action_create(
        ambition=ambition,
        data={
            "title": "Integrated offender management reviews",
            "owner": None,
            "lead_organisation": organisation,
            "starts_on": datetime.date(2024, 4, 1),
            "due_on": None,
            "due_timescale": "Ongoing",
        },
    )


def test_with_no_lead_officer_the_nominated_contact_answers_for_the_returns(client, ambition, contact):
    organisation = contact.memberships.get().organisation
    action = agency_led(ambition, organisation)
    period = ReportingPeriodFactory(partnership=action.partnership, starts_on=datetime.date(2024, 7, 1))
    slug = action.partnership.slug
    client.force_login(contact)

    mine = client.get(reverse("delivery:my_actions", kwargs={"slug": slug})).content.decode()
    form = client.get(reverse("delivery:progress_update", kwargs={"slug": slug, "pk": action.pk}))

    assert action.accountable == contact and action.lead_in_words() == "Probation Service"
    assert action.title in mine and "As nominated contact for Probation Service" in mine
    assert form.status_code == 200 and 'name="rating"' in form.content.decode()
    [due] = update_reminders_due(periods=[period], today=period.update_deadline)
    assert due.recipient == contact and due.periods[0].actions == [action]


def test_with_no_lead_officer_and_no_nominated_contact_the_action_is_refused(ambition, contact):
    unstaffed = MembershipFactory(partnership=ambition.priority.strategy.partnership).organisation

    with pytest.raises(ValidationError) as error:
        agency_led(ambition, unstaffed)

    assert f"give {unstaffed.name} a nominated contact" in error.value.message_dict["owner"][0]
    assert not Action.objects.exists()


def test_a_named_lead_officer_answers_instead_of_the_contact(client, ambition, contact, member_of):
    officer = member_of(ambition.priority.strategy.partnership)
    action = agency_led(ambition, contact.memberships.get().organisation)

    action_update(action=action, data={"owner": officer}, version=version_of(action))

    action.refresh_from_db()
    assert action.accountable == officer
    client.force_login(contact)
    form = client.get(
        reverse("delivery:progress_update", kwargs={"slug": action.partnership.slug, "pk": action.pk})
    )
    assert form.status_code == 403


def test_administrators_choose_the_nominated_contact_from_the_partnerships_members(
    client, contact, member_of
):
    organisation = contact.memberships.get().organisation
    partnership = organisation.partnership
    admin = member_of(partnership, Membership.Role.ADMINISTRATOR)
    outsider = MembershipFactory().user
    client.force_login(admin)
    url = reverse("accounts:organisation_edit", kwargs={"slug": partnership.slug, "pk": organisation.pk})
    data = {"name": organisation.name, "short_name": organisation.short_name}

    refused = client.post(url, {**data, "nominated_contact": outsider.pk})
    chosen = client.post(url, {**data, "nominated_contact": admin.pk})

    assert "Choose an active member of this partnership" in refused.content.decode()
    assert chosen.status_code == 302
    organisation.refresh_from_db()
    assert organisation.nominated_contact == admin
