"""An action is led by an agency, with its lead officer and any joint lead agencies, shown agency first."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import OuterRef
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Membership
from core.conflicts import version_of
from delivery.models import Action
from delivery.services.actions import action_create, action_update
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.delivery.factories import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def action():
    """An action whose owner represents the fire brigade here, and a council in another partnership."""
    action = ActionFactory()
    brigade = MembershipFactory(partnership=action.partnership, organisation__name="London Fire Brigade")
    Membership.objects.filter(user=action.owner).update(organisation=brigade.organisation)
    Action.objects.filter(pk=action.pk).update(lead_organisation=brigade.organisation)
    MembershipFactory(user=action.owner, organisation__name="Elsewhere Council")
    action.refresh_from_db()
    return action


def test_the_named_read_gives_the_organisation_in_the_partnership(action):
    organisation = Membership.objects.for_partnership(action.partnership).organisation_name_of(
        OuterRef("owner")
    )

    assert Action.objects.annotate(owner_organisation=organisation).get().owner_organisation == (
        "London Fire Brigade"
    )


def page(client, action, name="delivery:action_detail", **kwargs):
    client.force_login(action.owner)
    return client.get(reverse(name, kwargs={"slug": action.partnership.slug, **kwargs})).content.decode()


def test_the_action_page_and_the_plan_name_the_agency_first_then_the_lead_officer(client, action):
    police = OrganisationFactory(partnership=action.partnership, name="Metropolitan Police")
    action.lead_partners.add(police)

    detail = page(client, action, pk=action.pk)
    plan = page(client, action, "delivery:action_list")

    expected = escape(f"London Fire Brigade and Metropolitan Police ({action.owner})")  # O'Neill too
    assert expected in detail and expected in plan
    assert "Elsewhere Council" not in detail


def test_a_plan_that_names_no_lead_agency_is_led_by_the_lead_officers(action):
    created = action_create(
        ambition=action.ambition,
        data={
            "title": "Fire safety visits",
            "owner": action.owner,
            "due_on": None,
            "due_timescale": "Ongoing",
        },
    )

    assert created.lead_organisation.name == "London Fire Brigade"


def test_the_lead_agencies_must_be_the_partnerships_and_a_joint_lead_is_not_the_lead_again(action):
    elsewhere = OrganisationFactory(name="Elsewhere Trust")

    with pytest.raises(ValidationError) as error:
        action_update(
            action=action,
            data={"lead_organisation": elsewhere, "lead_partners": [action.lead_organisation]},
            version=version_of(action),
        )
    assert error.value.message_dict["lead_organisation"] == ["Choose an organisation of this partnership"]

    with pytest.raises(ValidationError) as error:
        action_update(
            action=action, data={"lead_partners": [action.lead_organisation]}, version=version_of(action)
        )
    assert error.value.message_dict["lead_partners"] == [
        "The lead organisation is already a lead: do not choose it again"
    ]


def test_the_delivery_plan_filters_by_lead_organisation_alone_or_jointly(client, action):
    police = OrganisationFactory(partnership=action.partnership, name="Metropolitan Police")
    joint = ActionFactory(ambition=action.ambition, order=action.order + 1, title="Joint patrols")
    joint.lead_partners.add(police)
    other = ActionFactory(ambition=action.ambition, order=action.order + 2, title="Leaflets")
    Action.objects.filter(pk=other.pk).update(lead_organisation=police)
    client.force_login(action.owner)
    url = reverse("delivery:action_list", kwargs={"slug": action.partnership.slug})

    html = client.get(url, {"organisation": police.pk, "strategy": "all"}).content.decode()

    assert "Joint patrols" in html and "Leaflets" in html and action.title not in html
