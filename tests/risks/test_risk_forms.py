"""Adding and changing a risk: every choice is the partnership's, bad answers are refused on the page with
nothing saved, user text stays text, and a stale form never saves over a later change."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Membership
from core.conflicts import version_of
from core.limits import TEXT_MAX_LENGTH
from risks.models import Risk, RiskRegister
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.delivery.factories import ActionFactory
from tests.priorities.factories import PriorityFactory
from tests.risks.factories import RiskFactory, RiskRegisterFactory
from tests.world import fingerprint

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> Ⅽirculate the rеgister'  # markup and look-alike letters


@pytest.fixture
def partnership():
    return RiskRegisterFactory().partnership


@pytest.fixture
def admin(partnership):
    return MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user


@pytest.fixture
def organisation(partnership):
    return OrganisationFactory(partnership=partnership, name="London Fire Brigade")


def add_url(partnership):
    return reverse("risks:risk_create", kwargs={"slug": partnership.slug})


def edit_url(risk):
    return reverse("risks:risk_edit", kwargs={"slug": risk.register.partnership.slug, "pk": risk.pk})


def answers(organisation, **changes):
    """The add form as posted: a complete, valid risk."""
    data = {
        "reference": "SBP-R7",
        "title": "Analytical capacity falls short",
        "cause": "The analyst post is vacant.",
        "effect": "The strategic assessment would be late.",
        "category": Risk.Category.PEOPLE,
        "owner_organisation": str(organisation.pk),
        "owner": "",
        "existing_controls": "",
        "further_actions": "",
        "inherent_likelihood": "4",
        "inherent_impact": "4",
        "residual_likelihood": "3",
        "residual_impact": "3",
        "target_score": "6",
        "review_on_0": "30",
        "review_on_1": "9",
        "review_on_2": "2027",
    }
    data.update(changes)
    return data


def edit_answers(risk, **changes):
    data = answers(
        risk.owner_organisation,
        reference=risk.reference,
        title=risk.title,
        owner=str(risk.owner_id or ""),
        status=risk.status,
        version=version_of(risk),
    )
    data.update(changes)
    return data


def test_an_administrator_adds_a_risk_with_its_links_and_the_register_goes_into_preparation(
    client, partnership, admin, organisation
):
    register = partnership.risk_register
    register.state = RiskRegister.State.RELEASED
    register.save()
    owner = MembershipFactory(partnership=partnership, organisation=organisation).user
    priority = PriorityFactory(strategy__partnership=partnership)
    affected = ActionFactory(ambition__priority=priority)
    treating = ActionFactory(ambition__priority=priority)
    client.force_login(admin)

    response = client.post(
        add_url(partnership),
        answers(
            organisation,
            owner=str(owner.pk),
            priorities=[str(priority.pk)],
            actions=[str(affected.pk)],
            treating_actions=[str(treating.pk), str(affected.pk)],
        ),
    )

    risk = Risk.objects.get(reference="SBP-R7")
    assert response.status_code == 302
    assert response.url == risk.get_absolute_url()
    assert (risk.owner, risk.owner_organisation, risk.review_on) == (
        owner,
        organisation,
        datetime.date(2027, 9, 30),
    )
    assert (risk.inherent_score, risk.residual_score, risk.status) == (16, 9, Risk.Status.OPEN)
    assert list(risk.priorities.all()) == [priority]
    assert list(risk.actions.all()) == [affected]
    assert set(risk.treating_actions.all()) == {treating, affected}
    register.refresh_from_db()
    assert register.state == RiskRegister.State.IN_PREPARATION


def test_the_first_risk_makes_the_register(client, admin, organisation, partnership):
    RiskRegister.objects.all().delete()
    client.force_login(admin)

    response = client.post(add_url(partnership), answers(organisation))

    assert response.status_code == 302
    assert Risk.objects.get().register.partnership == partnership


def test_the_form_offers_the_partnerships_choices_labelled_with_their_strategy(
    client, partnership, admin, organisation
):
    priority = PriorityFactory(
        strategy__partnership=partnership, title="Prevention", strategy__title="Plan 2024-27"
    )
    action = ActionFactory(ambition__priority=priority, title="Sweep the parks")
    left = MembershipFactory(partnership=partnership, is_active=False, user__first_name="Former")
    PriorityFactory(title="Elsewhere priority")
    client.force_login(admin)

    html = client.get(add_url(partnership)).content.decode()

    assert f"{priority.reference}. Prevention (Plan 2024-27)" in html
    assert f"{action.reference} Sweep the parks (Plan 2024-27)" in html
    assert "London Fire Brigade" in html
    assert str(left.user) not in html
    assert "Elsewhere priority" not in html
    assert 'name="status"' not in html  # a new risk is open
    assert "2 – Unlikely" in html and "4 – Major" in html
    for score in ("inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact"):
        assert len(re.findall(rf'type="radio"\s+name="{score}"', html)) == 5  # 1 to 5, nothing typed
    assert not re.search(r'name="(inherent|residual)_score"', html)


@pytest.mark.parametrize(
    ("field", "elsewhere", "message"),
    [
        (
            "owner_organisation",
            lambda: OrganisationFactory().pk,
            "Choose an organisation of this partnership",
        ),
        ("owner", lambda: MembershipFactory().user.pk, "Choose an active member of this partnership"),
        ("priorities", lambda: [PriorityFactory().pk], "Choose priorities of this partnership"),
        ("actions", lambda: [ActionFactory().pk], "Choose delivery-plan actions of this partnership"),
        (
            "treating_actions",
            lambda: [ActionFactory().pk],
            "Choose delivery-plan actions of this partnership",
        ),
    ],
)
def test_another_partnerships_records_are_refused_and_nothing_is_saved(
    client, partnership, admin, organisation, field, elsewhere, message
):
    value = elsewhere()
    client.force_login(admin)
    before = fingerprint()

    response = client.post(add_url(partnership), answers(organisation, **{field: value}))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"inherent_likelihood": "6"}, "Choose the likelihood before controls, from 1 to 5"),
        ({"residual_impact": "0"}, "Choose the impact with controls, from 1 to 5"),
        ({"inherent_impact": "9" * 5000}, "Choose the impact before controls, from 1 to 5"),
        ({"residual_likelihood": "３"}, "Choose the likelihood with controls, from 1 to 5"),
        ({"target_score": "26"}, "The target score must be 25 or less"),
        ({"target_score": "0"}, "The target score must be 1 or more"),
        ({"target_score": "9" * 5000}, "Enter the target score as a whole number"),
        ({"target_score": "-1"}, "The target score must be 1 or more"),
        ({"title": "x" * 301}, "The title must be 300 characters or fewer"),
        ({"cause": "x" * (TEXT_MAX_LENGTH + 1)}, "Cause must be 10,000 characters or fewer"),
        ({"reference": "R" * 31}, "The reference must be 30 characters or fewer"),
        ({"reference": ""}, "Enter the risk&#x27;s reference"),
        ({"category": "<script>"}, "Choose one of the categories listed"),
        ({"review_on_2": "99999999999999999999"}, "Enter the year of the next review date as 4 digits"),
        ({"review_on_1": "13"}, "The next review date must be a real date"),
        ({"residual_likelihood": "5", "residual_impact": "5"}, "cannot be higher than the score before them"),
    ],
)
def test_bad_answers_are_refused_on_the_page_and_nothing_is_saved(
    client, partnership, admin, organisation, changes, message
):
    client.force_login(admin)
    before = fingerprint()

    response = client.post(add_url(partnership), answers(organisation, **changes))

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert message in html
    assert fingerprint() == before


def test_a_reference_the_register_already_has_is_refused(client, partnership, admin, organisation):
    RiskFactory(register=partnership.risk_register, reference="SBP-R7")
    client.force_login(admin)
    before = fingerprint()

    response = client.post(add_url(partnership), answers(organisation))

    assert response.status_code == 200
    assert "The register already has a risk with this reference" in response.content.decode()
    assert fingerprint() == before


def test_the_same_reference_in_another_register_or_in_look_alike_letters_is_another_risk(
    client, partnership, admin, organisation
):
    RiskFactory(reference="SBP-R7")  # another partnership's register
    RiskFactory(register=partnership.risk_register, reference="SBP-R7")
    client.force_login(admin)

    response = client.post(
        add_url(partnership), answers(organisation, reference="S\u0412P-R7")
    )  # a Cyrillic Ve

    assert response.status_code == 302
    assert Risk.objects.filter(register=partnership.risk_register).count() == 2


def test_markup_is_kept_as_text_and_shown_as_text(client, partnership, admin, organisation):
    client.force_login(admin)

    response = client.post(
        add_url(partnership), answers(organisation, title=HOSTILE, cause=HOSTILE, existing_controls=HOSTILE)
    )
    risk = Risk.objects.get()
    html = client.get(risk.get_absolute_url()).content.decode()

    assert response.status_code == 302
    assert risk.title == HOSTILE
    assert '<script>alert("x")</script>' not in html
    assert escape(HOSTILE) in html


def test_a_change_saves_the_status_and_the_register_goes_into_preparation(client, partnership, admin):
    risk = RiskFactory(register=partnership.risk_register)
    register = risk.register
    register.state = RiskRegister.State.RELEASED
    register.save()
    client.force_login(admin)

    response = client.post(edit_url(risk), edit_answers(risk, status=Risk.Status.CLOSED, residual_impact="2"))

    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.status, risk.residual_score) == (Risk.Status.CLOSED, 6)
    register.refresh_from_db()
    assert register.state == RiskRegister.State.IN_PREPARATION


def test_a_change_keeps_its_own_reference(client, partnership, admin):
    risk = RiskFactory(register=partnership.risk_register, reference="SBP-R1")
    client.force_login(admin)

    response = client.post(edit_url(risk), edit_answers(risk, title="Renamed"))

    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.reference, risk.title) == ("SBP-R1", "Renamed")


def test_a_change_to_a_reference_another_risk_has_is_refused(client, partnership, admin):
    RiskFactory(register=partnership.risk_register, reference="SBP-R1")
    risk = RiskFactory(register=partnership.risk_register, reference="SBP-R2")
    client.force_login(admin)

    response = client.post(edit_url(risk), edit_answers(risk, reference="SBP-R1"))

    assert response.status_code == 200
    assert "The register already has a risk with this reference" in response.content.decode()
    risk.refresh_from_db()
    assert risk.reference == "SBP-R2"


def test_an_owner_who_has_left_stays_a_choice_on_their_risk(client, partnership, admin):
    risk = RiskFactory(register=partnership.risk_register)
    Membership.objects.filter(user=risk.owner).update(is_active=False)
    client.force_login(admin)

    response = client.post(edit_url(risk), edit_answers(risk, title="Kept owner"))

    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.title == "Kept owner"


def test_an_older_form_does_not_save_over_a_later_change(client, partnership, admin):
    risk = RiskFactory(register=partnership.risk_register, title="Data sharing stalls")
    opened = edit_answers(risk, title="Data sharing agreement stalls")
    theirs = Risk.objects.get(pk=risk.pk)
    theirs.title = "Data sharing protocol stalls"
    theirs.save()
    client.force_login(admin)

    response = client.post(edit_url(risk), opened)

    html = response.content.decode()
    assert response.status_code == 409
    assert "Nothing has been overwritten." in html
    assert "What is different" in html
    assert "Data sharing protocol stalls" in html  # saved
    assert 'value="Data sharing agreement stalls"' in html  # theirs kept in the form
    risk.refresh_from_db()
    assert risk.title == "Data sharing protocol stalls"

    # The page now carries the saved version: saving again replaces the other change deliberately.
    again = {**opened, "version": response.context["form"]["version"].value()}
    assert client.post(edit_url(risk), again).status_code == 302
    risk.refresh_from_db()
    assert risk.title == "Data sharing agreement stalls"
