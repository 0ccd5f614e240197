"""Every people picker offers the partnership's members the same way: "Jane Smith (Metropolitan Police)"."""

import pytest

from accounts.forms import HandOverForm
from accounts.models import User
from delivery.filters import ActionFilter
from delivery.forms.actions import ActionForm
from delivery.forms.officer import DelegateAddForm
from priorities.forms import PriorityForm
from reports.forms import ActivityFilterForm
from tests.accounts.factories import MembershipFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

# Each picker, as a function of the partnership, and whether it offers former (inactive) members too:
# the activity page and the plan's owner filter find what former members did and own.
PICKERS = {
    "action owner": (lambda p: ActionForm(partnership=p).fields["owner"], False),
    "action delegates": (lambda p: ActionForm(partnership=p).fields["delegates"], False),
    "delegate to add": (
        lambda p: DelegateAddForm(candidates=User.objects.members_of(p)).fields["delegate"],
        False,
    ),
    "hand over to": (lambda p: HandOverForm(candidates=User.objects.members_of(p)).fields["to_user"], False),
    "priority lead": (lambda p: PriorityForm(partnership=p).fields["lead"], False),
    "activity changed by": (lambda p: ActivityFilterForm(partnership=p).fields["person"], True),
    "plan owner filter": (lambda p: ActionFilter(partnership=p, periods=[]).form.fields["owner"], True),
}


def labels(field):
    return [label for value, label in field.choices if value != ""]


@pytest.fixture
def partnership():
    """Jane Smith of the Metropolitan Police, who also belongs elsewhere; Ann Able, once a member."""
    partnership = PartnershipFactory()
    police = OrganisationFactory(partnership=partnership, name="Metropolitan Police", short_name="MPS")
    jane = MembershipFactory(
        partnership=partnership, organisation=police, user__first_name="Jane", user__last_name="Smith"
    ).user
    MembershipFactory(user=jane, organisation__name="Elsewhere Council")
    MembershipFactory(
        partnership=partnership,
        organisation=police,
        user__first_name="Ann",
        user__last_name="Able",
        is_active=False,
    )
    MembershipFactory(user__first_name="Zed", user__last_name="Outsider")
    return partnership


@pytest.mark.parametrize("picker", PICKERS)
def test_every_picker_labels_a_member_with_their_organisation_here(partnership, picker):
    field_of, offers_former_members = PICKERS[picker]

    offered = labels(field_of(partnership))

    expected = ["Jane Smith (Metropolitan Police)"]
    if offers_former_members:
        expected = ["Ann Able (Metropolitan Police)", *expected]
    assert offered == expected


def test_listing_many_people_costs_no_query_per_person(assert_same_queries):
    partnership = PartnershipFactory()

    def make_rows(count):
        while User.objects.members_of(partnership).count() < count:
            MembershipFactory(partnership=partnership)

    def fetch(_):
        return {name: labels(field_of(partnership)) for name, (field_of, _) in PICKERS.items()}

    _, many = assert_same_queries(make_rows, fetch, few=1, many=30)
    assert all(len(offered) == 30 and " (Agency " in offered[0] for offered in many.values())
