"""An action's owner is named with the organisation they represent in the action's partnership."""

import pytest
from django.db.models import OuterRef
from django.urls import reverse

from accounts.models import Membership
from delivery.models import Action
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def action():
    """An action whose owner represents the fire brigade here, and a council in another partnership."""
    action = ActionFactory()
    Membership.objects.filter(user=action.owner).update(
        organisation=MembershipFactory(
            partnership=action.partnership, organisation__name="London Fire Brigade"
        ).organisation
    )
    MembershipFactory(user=action.owner, organisation__name="Elsewhere Council")
    return action


def test_the_named_read_gives_the_organisation_in_the_partnership(action):
    organisation = Membership.objects.for_partnership(action.partnership).organisation_name_of(
        OuterRef("owner")
    )

    assert Action.objects.annotate(owner_organisation=organisation).get().owner_organisation == (
        "London Fire Brigade"
    )


def test_the_action_page_names_the_owners_organisation_here(client, action):
    client.force_login(action.owner)

    html = client.get(
        reverse("delivery:action_detail", kwargs={"slug": action.partnership.slug, "pk": action.pk})
    ).content.decode()

    assert f"{action.owner}, London Fire Brigade" in html
    assert "Elsewhere Council" not in html
