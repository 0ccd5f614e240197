"""A risk's own pages: who may see, add, change and review a risk, what its page shows, and its query
count whatever the number of reviews."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Membership
from delivery.models import ReportingPeriod
from risks.models import RiskRegister
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.delivery.factories import ActionFactory, ReportingPeriodFactory
from tests.meetings.factories import BodyFactory
from tests.priorities.factories import PriorityFactory
from tests.risks.factories import RiskFactory, RiskReviewFactory

pytestmark = pytest.mark.django_db

ADMINISTRATOR, OFFICER, BOARD_MEMBER = (
    Membership.Role.ADMINISTRATOR,
    Membership.Role.OFFICER,
    Membership.Role.BOARD_MEMBER,
)


def url(name, risk=None, *, slug=None):
    slug = slug or risk.register.partnership.slug
    return reverse(f"risks:{name}", kwargs={"slug": slug, **({"pk": risk.pk} if risk else {})})


@pytest.fixture
def world(member_of):
    """A risk owned by an officer; an unowned risk answered for by its organisation's nominated contact;
    the administrator, the board's chair, a board member, another officer, and an open period."""
    risk = RiskFactory(reference="SBP-R1", title="Partnership funding ends")
    partnership = risk.register.partnership
    contact_membership = MembershipFactory(partnership=partnership)
    organisation = contact_membership.organisation
    organisation.nominated_contact = contact_membership.user
    organisation.save()
    unowned = RiskFactory(register=risk.register, owner=None, owner_organisation=organisation)
    chair = member_of(partnership, BOARD_MEMBER)
    BodyFactory(partnership=partnership, chair=chair)
    period = ReportingPeriodFactory(
        partnership=partnership,
        name="Q1 2026/27",
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 6, 30),
        update_deadline=datetime.date(2026, 7, 21),
        state=ReportingPeriod.State.OPEN,
    )
    return {
        "risk": risk,
        "unowned": unowned,
        "partnership": partnership,
        "period": period,
        "owner": risk.owner,
        "nominated contact": contact_membership.user,
        "administrator": member_of(partnership, ADMINISTRATOR),
        "chair": chair,
        "board member": member_of(partnership, BOARD_MEMBER),
        "other officer": member_of(partnership, OFFICER),
        "other partnership's administrator": MembershipFactory(role=ADMINISTRATOR).user,
    }


# Who may use which page: the risk owner's own risk (for the nominated contact, the unowned one).
ACCESS = {
    # role: (risk page, review, change, add)
    "owner": (200, 200, 403, 403),
    "nominated contact": (200, 200, 403, 403),
    "administrator": (200, 200, 200, 200),
    "chair": (200, 403, 403, 403),
    "board member": (403, 403, 403, 403),
    "other officer": (403, 403, 403, 403),
    "other partnership's administrator": (404, 404, 404, 404),
}


@pytest.mark.parametrize("role", ACCESS)
def test_who_may_see_review_change_and_add_a_risk(client, world, role):
    risk = world["unowned"] if role == "nominated contact" else world["risk"]
    client.force_login(world[role])

    statuses = tuple(
        client.get(address).status_code
        for address in (
            url("risk_detail", risk),
            url("risk_review", risk),
            url("risk_edit", risk),
            url("risk_create", slug=risk.register.partnership.slug),
        )
    )

    assert statuses == ACCESS[role]


def test_the_nominated_contact_may_not_review_a_risk_someone_owns(client, world):
    client.force_login(world["nominated contact"])

    assert client.get(url("risk_detail", world["risk"])).status_code == 403


def test_a_risk_of_another_partnership_is_not_found_even_for_its_own_administrator_elsewhere(client, world):
    elsewhere = RiskFactory()
    client.force_login(world["administrator"])

    # Its id under this partnership's address: not found, and its title never shown.
    response = client.get(
        reverse("risks:risk_detail", kwargs={"slug": world["partnership"].slug, "pk": elsewhere.pk})
    )

    assert response.status_code == 404
    assert elsewhere.title not in response.content.decode()


def test_sending_reminders_is_for_administrators_and_by_post_only(client, world):
    address = url("review_reminders_send", slug=world["partnership"].slug)
    for role, status in (("owner", 403), ("chair", 403), ("other partnership's administrator", 404)):
        client.force_login(world[role])
        assert client.post(address).status_code == status, role
    client.force_login(world["administrator"])
    assert client.get(address).status_code == 405
    assert client.post(address).status_code == 302


def test_the_risk_page_shows_the_risk_its_scores_links_and_reviews(client, world):
    risk, partnership = world["risk"], world["partnership"]
    risk.residual_likelihood, risk.residual_impact = 4, 4  # 16: high, above the tolerance of 12
    risk.existing_controls = "Quarterly funding review <b>board</b>"
    risk.save()
    priority = PriorityFactory(strategy__partnership=partnership, title="Prevention")
    affected = ActionFactory(ambition__priority=priority, title="Run weapon sweeps")
    treating = ActionFactory(ambition__priority=priority, title="Bid for the grant")
    risk.priorities.add(priority)
    risk.actions.add(affected)
    risk.treating_actions.add(treating)
    older = ReportingPeriodFactory(
        partnership=partnership, name="Q4 2025/26", starts_on=datetime.date(2026, 1, 1)
    )
    RiskReviewFactory(
        risk=risk, period=older, narrative="Funding confirmed for a year.", reviewed_by=risk.owner
    )
    RiskReviewFactory(
        risk=risk, period=world["period"], narrative="Grant bid submitted.", reviewed_by=risk.owner
    )
    client.force_login(world["owner"])

    response = client.get(url("risk_detail", risk))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["nav_section"] == "risks"
    assert "Partnership funding ends" in html
    assert escape("Quarterly funding review <b>board</b>") in html
    assert "<b>board</b>" not in html
    assert '16 <strong class="govuk-tag govuk-tag--red">High</strong>' in html
    assert "Above tolerance" in html
    assert '16 <strong class="govuk-tag govuk-tag--red">High</strong>' in html
    assert "Prevention" in html and priority.strategy.title in html
    assert reverse("delivery:action_detail", kwargs={"slug": partnership.slug, "pk": affected.pk}) in html
    assert reverse("delivery:action_detail", kwargs={"slug": partnership.slug, "pk": treating.pk}) in html
    assert html.index("Grant bid submitted.") < html.index("Funding confirmed for a year.")  # newest first
    assert "Review this risk" in html
    assert "Change<span" not in html  # the owner does not manage the register
    assert reverse("risks:register", kwargs={"slug": partnership.slug}) in html


def test_the_risk_page_offers_the_administrator_a_change_and_the_chair_neither_button(client, world):
    client.force_login(world["administrator"])
    html = client.get(url("risk_detail", world["risk"])).content.decode()
    assert "Review this risk" in html and url("risk_edit", world["risk"]) in html

    client.force_login(world["chair"])
    html = client.get(url("risk_detail", world["risk"])).content.decode()
    assert "Review this risk" not in html and url("risk_edit", world["risk"]) not in html


def test_no_review_button_when_no_period_is_open(client, world):
    world["period"].state = ReportingPeriod.State.LOCKED
    world["period"].save()
    client.force_login(world["owner"])

    html = client.get(url("risk_detail", world["risk"])).content.decode()

    assert "Review this risk" not in html


def test_the_risk_page_shows_its_change_history(client, world):
    client.force_login(world["administrator"])
    risk = world["risk"]
    data = {
        "reference": risk.reference,
        "title": "Partnership funding ends in March",
        "cause": risk.cause,
        "effect": risk.effect,
        "category": risk.category,
        "owner_organisation": risk.owner_organisation_id,
        "owner": risk.owner_id,
        "inherent_likelihood": 4,
        "inherent_impact": 4,
        "residual_likelihood": 3,
        "residual_impact": 3,
        "target_score": 6,
        "review_on_0": "30",
        "review_on_1": "6",
        "review_on_2": "2027",
        "status": "open",
        "version": risk.updated_at.isoformat(),
    }
    assert client.post(url("risk_edit", risk), data).status_code == 302

    html = client.get(url("risk_detail", risk)).content.decode()

    assert "Title changed from “Partnership funding ends” to “Partnership funding ends in March”" in html
    assert "added the risk." in html


def test_the_risk_page_costs_as_many_queries_for_twenty_reviews_as_for_one(
    client, world, assert_same_queries
):
    risk = world["risk"]
    client.force_login(world["owner"])
    periods = []

    def make_rows(count):
        while len(periods) < count:
            period = ReportingPeriodFactory(partnership=world["partnership"])
            periods.append(period)
            RiskReviewFactory(risk=risk, period=period, reviewed_by=risk.owner)
            risk.actions.add(ActionFactory(ambition__priority__strategy__partnership=world["partnership"]))
            risk.priorities.add(PriorityFactory(strategy__partnership=world["partnership"]))
        return count

    def fetch(count):
        response = client.get(url("risk_detail", risk))
        assert response.status_code == 200
        assert len(response.context["reviews"]) == count
        return response

    assert_same_queries(make_rows, fetch, few=1, many=20)


def test_the_register_is_not_made_by_opening_the_add_form(client, world):
    RiskRegister.objects.all().delete()
    client.force_login(world["administrator"])

    response = client.get(url("risk_create", slug=world["partnership"].slug))

    assert response.status_code == 200
    assert not RiskRegister.objects.exists()


def test_an_owner_organisation_not_in_the_partnership_is_never_offered(client, world):
    elsewhere = OrganisationFactory(name="Elsewhere Council")
    client.force_login(world["administrator"])

    html = client.get(url("risk_create", slug=world["partnership"].slug)).content.decode()

    assert elsewhere.name not in html
