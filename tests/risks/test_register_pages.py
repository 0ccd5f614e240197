import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from core.conflicts import version_of
from risks.models import Risk, RiskRegister
from risks.scoring import IMPACT_WORDS, LIKELIHOOD_WORDS
from risks.services import register_release, risk_save
from tests.accounts.factories import MembershipFactory
from tests.meetings.factories import BodyFactory
from tests.priorities.factories import PriorityFactory
from tests.risks.factories import RiskFactory, RiskRegisterFactory

pytestmark = pytest.mark.django_db

ROLES = ["administrator", "chair", "vice-chair", "officer", "board member"]
SEES_LIVE = {
    "administrator": True,
    "chair": True,
    "vice-chair": True,
    "officer": False,
    "board member": False,
}


def people_of(partnership) -> dict:
    """One person in each role: the chair and vice-chair are board members who chair the board."""
    role = Membership.Role
    people = {
        "administrator": MembershipFactory(partnership=partnership, role=role.ADMINISTRATOR).user,
        "chair": MembershipFactory(partnership=partnership, role=role.BOARD_MEMBER).user,
        "vice-chair": MembershipFactory(partnership=partnership, role=role.BOARD_MEMBER).user,
        "officer": MembershipFactory(partnership=partnership, role=role.OFFICER).user,
        "board member": MembershipFactory(partnership=partnership, role=role.BOARD_MEMBER).user,
    }
    BodyFactory(partnership=partnership, chair=people["chair"], vice_chair=people["vice-chair"])
    return people


@pytest.fixture
def risk():
    return RiskFactory(reference="R1", title="Partnership funding ends")


@pytest.fixture
def people(risk):
    return people_of(risk.register.partnership)


def url(name, partnership, **kwargs):
    return reverse(name, kwargs={"slug": partnership.slug, **kwargs})


def release(register, by, note=""):
    register.refresh_from_db()
    return register_release(
        register=register,
        released_by=by,
        note=note,
        version=version_of(register),
        now=timezone.now(),
        today=timezone.localdate(),
    )


def change(risk, **values):
    """Change a risk through its service, as its edit page does: the register goes back in preparation."""
    risk = Risk.objects.select_related("register__partnership").get(pk=risk.pk)
    version = version_of(risk)
    for name, value in values.items():
        setattr(risk, name, value)
    return risk_save(
        risk=risk,
        version=version,
        priorities=risk.priorities.all(),
        actions=risk.actions.all(),
        treating_actions=risk.treating_actions.all(),
    )


def page(client, user, address) -> str:
    """The page at `address` as `user` sees it, its entities decoded; it must answer 200."""
    client.force_login(user)
    response = client.get(address)
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.mark.parametrize("role", ROLES)
def test_before_its_first_release_only_administrators_chairs_and_vice_chairs_see_the_register(
    client, risk, people, role
):
    html = page(client, people[role], url("risks:register", risk.register.partnership))

    if SEES_LIVE[role]:
        assert "Partnership funding ends" in html
        assert "In preparation" in html
        assert "only administrators, chairs and vice-chairs see this" in html
    else:
        assert "The risk register has not been released to the board yet." in html
        assert "Partnership funding ends" not in html
        assert "In preparation" not in html


@pytest.mark.parametrize("role", ROLES)
def test_after_a_change_members_see_the_release_and_those_preparing_it_see_the_change(
    client, risk, people, role
):
    release(risk.register, people["chair"])
    change(risk, title="Partnership funding ends in March")

    html = page(client, people[role], url("risks:register", risk.register.partnership))

    if SEES_LIVE[role]:
        assert "Partnership funding ends in March" in html
        assert "Changed since the board last saw it" in html
    else:
        assert "Partnership funding ends in March" not in html
        assert "Partnership funding ends" in html
        assert re.search(
            r"As released to the board on \d+ \w+ \d{4} by " + re.escape(str(people["chair"])), html
        )


def test_a_released_register_says_when_and_by_whom(client, risk, people):
    release(risk.register, people["chair"])

    html = page(client, people["administrator"], url("risks:register", risk.register.partnership))

    assert f"Released to the board on {timezone.localdate():%-d %B %Y} by {people['chair']}" in html
    assert "Release to the board</a>" not in html  # nothing to release


def test_another_partnerships_member_gets_404_on_every_register_page(client, risk, people):
    outsider = MembershipFactory(role=Membership.Role.ADMINISTRATOR).user
    made = release(risk.register, people["chair"])
    partnership = risk.register.partnership
    client.force_login(outsider)

    for address in [
        url("risks:register", partnership),
        url("risks:register_release", partnership),
        url("risks:release_list", partnership),
        url("risks:release_detail", partnership, pk=made.pk),
        url("risks:register_settings", partnership),
    ]:
        assert client.get(address).status_code == 404, address


def test_a_release_of_another_partnership_is_404_through_this_one(client, risk, people):
    other = RiskFactory()
    other_release = release(other.register, MembershipFactory(partnership=other.register.partnership).user)
    client.force_login(people["administrator"])

    address = url("risks:release_detail", risk.register.partnership, pk=other_release.pk)

    assert client.get(address).status_code == 404


@pytest.mark.parametrize(
    ("role", "release_button", "manage"),
    [
        ("administrator", True, True),
        ("chair", True, False),
        ("vice-chair", True, False),
        ("officer", False, False),
        ("board member", False, False),
    ],
)
def test_the_release_button_settings_and_add_a_risk_are_for_those_allowed(
    client, risk, people, role, release_button, manage
):
    html = page(client, people[role], url("risks:register", risk.register.partnership))

    partnership = risk.register.partnership
    assert (url("risks:register_release", partnership) in html) is release_button
    assert (url("risks:register_settings", partnership) in html) is manage
    assert (url("risks:risk_create", partnership) in html) is manage


def test_the_risk_owner_sees_their_own_risks_and_links_only_to_them(client, risk, people):
    register = risk.register
    other = RiskFactory(register=register, reference="R2", title="Data sharing stalls")
    release(register, people["chair"])
    partnership = register.partnership

    html = page(client, risk.owner, url("risks:register", partnership))

    assert "Your risks" in html
    own_link = url("risks:risk_detail", partnership, pk=risk.pk)
    assert html.count(f'href="{own_link}"') == 2  # in "Your risks" and in the table
    assert url("risks:risk_detail", partnership, pk=other.pk) not in html
    assert "Data sharing stalls" in html  # listed, not linked


def test_a_risk_owned_through_an_organisations_nominated_contact_is_theirs(client, people):
    contact = MembershipFactory(role=Membership.Role.OFFICER)
    organisation = contact.organisation
    organisation.nominated_contact = contact.user
    organisation.save()
    risk = RiskFactory(
        register=RiskRegisterFactory(partnership=contact.partnership),
        owner=None,
        owner_organisation=organisation,
    )

    html = page(client, contact.user, url("risks:register", contact.partnership))

    assert "Your risks" in html
    assert url("risks:risk_detail", contact.partnership, pk=risk.pk) in html


@pytest.mark.parametrize("role", ["board member", "officer"])
def test_a_member_who_owns_no_risk_sees_the_release_without_links(client, risk, people, role):
    release(risk.register, people["chair"])

    html = page(client, people[role], url("risks:register", risk.register.partnership))

    assert "Partnership funding ends" in html
    assert "Your risks" not in html
    assert url("risks:risk_detail", risk.register.partnership, pk=risk.pk) not in html


@pytest.mark.parametrize("role", ["administrator", "chair"])
def test_those_preparing_the_register_get_a_link_to_every_risk(client, risk, people, role):
    other = RiskFactory(register=risk.register, reference="R2")

    html = page(client, people[role], url("risks:register", risk.register.partnership))

    for each in (risk, other):
        assert url("risks:risk_detail", risk.register.partnership, pk=each.pk) in html


def test_a_link_in_a_release_never_leads_to_a_risk_removed_since(client, risk, people):
    made = release(risk.register, people["chair"])
    risk.delete()

    html = page(
        client, people["administrator"], url("risks:release_detail", risk.register.partnership, pk=made.pk)
    )

    assert "Partnership funding ends" in html
    assert f"/risks/{made.content['risks'][0]['pk']}/" not in html


def test_a_partnership_without_a_register_shows_an_empty_one_and_makes_none(client):
    people = people_of(MembershipFactory().partnership)
    partnership = people["administrator"].memberships.get().partnership

    admin_html = page(client, people["administrator"], url("risks:register", partnership))
    member_html = page(client, people["board member"], url("risks:register", partnership))
    page(client, people["administrator"], url("risks:register_settings", partnership))
    release_html = page(client, people["chair"], url("risks:register_release", partnership))

    assert "There are no risks in the register yet." in admin_html
    assert "Heat map of the 0 open risks" in admin_html
    assert "The risk register has not been released to the board yet." in member_html
    assert "There is no risk register to release yet." in release_html
    assert not RiskRegister.objects.filter(partnership=partnership).exists()


def test_the_heat_map_draws_each_cell_with_its_band_count_and_references_and_a_table_of_the_same(
    client, risk, people
):
    RiskFactory(register=risk.register, reference="R2")  # both at likelihood 3, impact 3
    partnership = risk.register.partnership

    html = page(client, people["administrator"], url("risks:register", partnership))

    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "Likelihood 3, impact 3, score 9, medium: 2 risks, R1, R2." in svg
    assert "9 Medium" in svg and "25 High" in svg and "1 Low" in svg
    cell_link = f"{url('risks:register', partnership)}?likelihood=3&impact=3#register-risks"
    assert f'<a href="{cell_link}" tabindex="-1"><rect' in svg
    table = html[html.index("Open risks by likelihood and impact with controls</caption>") :]
    assert f'<a class="govuk-link" href="{cell_link}">2<span class="govuk-visually-hidden"> risks' in table
    for number, word in LIKELIHOOD_WORDS.items():
        assert f"{number} {word}</th>" in table
        assert f'<text x="{80 + 100 * number}" y="488">{word}</text>' in svg
    for number, word in IMPACT_WORDS.items():
        assert f"{number} {word}</th>" in table


def test_a_heat_map_cell_filters_the_table_to_its_risks(client, risk, people):
    elsewhere = RiskFactory(register=risk.register, reference="R2", title="Analytical capacity")
    change(elsewhere, residual_likelihood=4, residual_impact=4, inherent_likelihood=5, inherent_impact=5)
    closed = RiskFactory(register=risk.register, reference="R3", title="Old closed risk")
    change(closed, status=Risk.Status.CLOSED)
    partnership = risk.register.partnership
    client.force_login(people["administrator"])

    filtered = unescape(
        client.get(url("risks:register", partnership), {"likelihood": 4, "impact": 4}).content.decode()
    )
    everything = unescape(
        client.get(url("risks:register", partnership), {"likelihood": "9", "impact": "<x>"}).content.decode()
    )

    table = filtered[filtered.index('id="register-risks"') :]
    assert "Showing the 1 open risk at likelihood 4 (likely) and impact 4 (major), score 16." in table
    assert "Analytical capacity" in table
    assert "Partnership funding ends" not in table and "Old closed risk" not in table
    assert 'stroke="#0b0c0c" stroke-width="4"' in filtered  # the chosen cell is outlined
    table = everything[everything.index('id="register-risks"') :]
    assert "Showing the" not in table
    assert all(
        title in table for title in ("Analytical capacity", "Partnership funding ends", "Old closed risk")
    )


def test_a_heat_map_cell_filters_a_release_too(client, risk, people):
    RiskFactory(register=risk.register, reference="R2", title="Analytical capacity", residual_impact=2)
    made = release(risk.register, people["chair"])
    address = url("risks:release_detail", risk.register.partnership, pk=made.pk)
    client.force_login(people["board member"])

    html = unescape(client.get(address, {"likelihood": 3, "impact": 2}).content.decode())

    assert f'href="{address}?likelihood=3&impact=2#register-risks"' in html
    table = html[html.index('id="register-risks"') :]
    assert "Analytical capacity" in table and "Partnership funding ends" not in table


def test_the_table_shows_movement_since_the_last_release_and_overdue_reviews(client, risk, people):
    release(risk.register, people["chair"])
    change(
        risk,
        inherent_likelihood=5,
        inherent_impact=5,
        residual_likelihood=4,
        residual_impact=4,
        review_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    RiskFactory(
        register=risk.register, reference="R2", review_on=timezone.localdate() + datetime.timedelta(days=30)
    )

    html = page(client, people["administrator"], url("risks:register", risk.register.partnership))

    assert "Rising: 9 to 16" in html
    assert "New since the last release" in html
    assert html.count("Review overdue</strong>") == 1
    assert '<path d="M9 0 L14 -9 L19 0 Z"/>' in html  # R1's up arrow in the heat map
    assert "R1 (rising)" in html
    assert '16 <strong class="govuk-tag govuk-tag--red">High</strong>' in html


def test_a_register_never_released_shows_no_movement_column(client, risk, people):
    html = page(client, people["administrator"], url("risks:register", risk.register.partnership))

    assert "Since the last release</th>" not in html


UP_ARROW = '<path d="M9 0 L14 -9 L19 0 Z"/>'
DOWN_ARROW = '<path d="M9 -9 L19 -9 L14 0 Z"/>'
ARROW_KEY = "An up arrow marks a risk whose score has risen since the previous release"


def heat_map_in(html: str) -> str:
    """The heat map in a page: its SVG, its key and its table."""
    start = html.index("<svg")
    return html[start : html.index("</table>", start)]


def fall_and_rise(risk, people):
    """Release the register, then R1 falls from 9 to 2 and a new R2 rises from 9 to 16."""
    rising = RiskFactory(register=risk.register, reference="R2")
    release(risk.register, people["chair"])
    change(risk, residual_likelihood=1, residual_impact=2)
    change(rising, residual_likelihood=4, residual_impact=4)
    return risk.register.partnership


def test_the_heat_map_marks_a_falling_risk_with_a_down_arrow_and_a_rising_one_with_an_up_arrow(
    client, risk, people
):
    partnership = fall_and_rise(risk, people)
    live = page(client, people["administrator"], url("risks:register", partnership))
    made = release(risk.register, people["chair"])
    released = page(client, people["board member"], url("risks:release_detail", partnership, pk=made.pk))

    for html in (live, released):
        heat_map = heat_map_in(html)
        assert heat_map.count(DOWN_ARROW) == 1 and heat_map.count(UP_ARROW) == 1
        assert "Likelihood 1, impact 2, score 2, low: 1 risk, R1 (falling)." in heat_map
        assert "Likelihood 4, impact 4, score 16, high: 1 risk, R2 (rising)." in heat_map
        assert ARROW_KEY in heat_map


def test_a_release_frozen_before_cells_had_moves_shows_no_arrows(client, risk, people):
    partnership = fall_and_rise(risk, people)
    made = release(risk.register, people["chair"])
    made.content = {
        **made.content,
        "heat_map": [
            [{k: v for k, v in cell.items() if k != "moves"} for cell in row]
            for row in made.content["heat_map"]
        ],
    }
    made.save(update_fields=["content"])

    html = page(client, people["board member"], url("risks:release_detail", partnership, pk=made.pk))

    heat_map = heat_map_in(html)
    assert UP_ARROW not in heat_map and DOWN_ARROW not in heat_map
    assert "(falling)" not in heat_map and "(rising)" not in heat_map
    assert ARROW_KEY not in heat_map
    assert "Likelihood 1, impact 2, score 2, low: 1 risk, R1." in heat_map
    assert "Falling: 9 to 2" in html  # the register's table still says how each risk moved


def test_markup_in_a_risk_is_shown_as_text_in_the_page_and_the_heat_map(client, people):
    partnership = people["administrator"].memberships.get().partnership
    RiskFactory(
        register=RiskRegisterFactory(partnership=partnership),
        reference="<b>R1</b>",
        title="<script>alert('risk')</script>",
    )
    client.force_login(people["administrator"])

    html = client.get(url("risks:register", partnership)).content.decode()

    assert "<script>alert" not in html and "<b>R1</b>" not in html
    assert "&lt;script&gt;alert(&#x27;risk&#x27;)&lt;/script&gt;" in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "&lt;b&gt;R1&lt;/b&gt;" in svg


def world_of(count):
    """A register of `count` risks, each linked to a priority, released once and then changed."""
    register = RiskRegisterFactory()
    partnership = register.partnership
    people = people_of(partnership)
    priority = PriorityFactory(strategy__partnership=partnership)
    risks = RiskFactory.create_batch(count, register=register)
    for each in risks:
        each.priorities.add(priority)
    release(register, people["chair"])
    change(risks[0], title="Changed since the release")
    return partnership, people, risks


@pytest.mark.parametrize("role", ["administrator", "chair", "board member", "owner"])
def test_the_register_page_makes_the_same_queries_for_1_and_20_risks(client, assert_same_queries, role):
    def make_rows(count):
        partnership, people, risks = world_of(count)
        client.force_login(risks[0].owner if role == "owner" else people[role])
        return url("risks:register", partnership)

    responses = assert_same_queries(make_rows, client.get, many=20)

    assert [response.status_code for response in responses] == [200, 200]
    assert [len(response.context["content"]["risks"]) for response in responses] == [1, 20]


@pytest.mark.parametrize("role", ["administrator", "board member"])
def test_a_release_page_makes_the_same_queries_for_1_and_20_risks(client, assert_same_queries, role):
    def make_rows(count):
        partnership, people, _ = world_of(count)
        client.force_login(people[role])
        made = partnership.risk_register.releases.get()
        return url("risks:release_detail", partnership, pk=made.pk)

    responses = assert_same_queries(make_rows, client.get, many=20)

    assert [len(response.context["shown_risks"]) for response in responses] == [1, 20]


# The register's settings: bands and tolerance.


def settings_data(register=None, **values):
    return {
        "low_up_to": "4",
        "medium_up_to": "12",
        "tolerance": "12",
        "version": version_of(register),
        **values,
    }


@pytest.mark.parametrize(
    ("role", "status"),
    [("administrator", 200), ("chair", 403), ("vice-chair", 403), ("officer", 403), ("board member", 403)],
)
def test_only_administrators_change_the_settings(client, risk, people, role, status):
    client.force_login(people[role])

    address = url("risks:register_settings", risk.register.partnership)

    assert client.get(address).status_code == status
    assert client.post(address, settings_data(risk.register, tolerance="5")).status_code in (status, 302)
    risk.register.refresh_from_db()
    assert (risk.register.tolerance == 5) is (role == "administrator")


def test_saving_the_settings_puts_a_released_register_back_in_preparation(client, risk, people):
    register = risk.register
    release(register, people["chair"])
    register.refresh_from_db()
    client.force_login(people["administrator"])

    response = client.post(
        url("risks:register_settings", register.partnership),
        settings_data(register, low_up_to="6", medium_up_to="15", tolerance="10"),
        follow=True,
    )

    register.refresh_from_db()
    assert (register.low_up_to, register.medium_up_to, register.tolerance) == (6, 15, 10)
    assert register.state == RiskRegister.State.IN_PREPARATION
    assert response.redirect_chain[-1][0] == url("risks:register", register.partnership)
    assert "Risk register settings saved." in response.content.decode()


def test_the_first_save_of_the_settings_sets_the_register_up(client):
    admin = MembershipFactory(role=Membership.Role.ADMINISTRATOR)
    client.force_login(admin.user)

    response = client.post(url("risks:register_settings", admin.partnership), settings_data(tolerance="15"))

    assert response.status_code == 302
    register = RiskRegister.objects.get(partnership=admin.partnership)
    assert register.tolerance == 15 and register.state == RiskRegister.State.IN_PREPARATION


def test_saving_unchanged_settings_changes_nothing(client, risk, people):
    register = risk.register
    release(register, people["chair"])
    register.refresh_from_db()
    client.force_login(people["administrator"])

    client.post(url("risks:register_settings", register.partnership), settings_data(register))

    assert RiskRegister.objects.get(pk=register.pk).state == RiskRegister.State.RELEASED


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"low_up_to": "12", "medium_up_to": "12"}, "The low band must end below the medium band."),
        ({"low_up_to": "15", "medium_up_to": "10"}, "The low band must end below the medium band."),
        ({"tolerance": "26"}, "Enter the risk tolerance as a whole number from 1 to 25"),
        ({"tolerance": "0"}, "Enter the risk tolerance as a whole number from 1 to 25"),
        ({"low_up_to": ""}, "Enter the highest low score"),
        (
            {"low_up_to": "<script>alert(1)</script>"},
            "Enter the highest low score as a whole number from 1 to 24",
        ),
        ({"medium_up_to": "9" * 5000}, "Enter the highest medium score as a whole number from 2 to 24"),
        ({"medium_up_to": str(2**63)}, "Enter the highest medium score as a whole number from 2 to 24"),
        ({"tolerance": "1.5"}, "Enter the risk tolerance as a whole number from 1 to 25"),
        ({"tolerance": "-3"}, "Enter the risk tolerance as a whole number from 1 to 25"),
        ({"tolerance": "１２ｘ"}, "Enter the risk tolerance as a whole number from 1 to 25"),
    ],
)
def test_bad_settings_are_refused_on_the_form_and_nothing_is_saved(client, risk, people, values, message):
    register = risk.register
    before = RiskRegister.objects.filter(pk=register.pk).values().get()
    client.force_login(people["administrator"])

    response = client.post(
        url("risks:register_settings", register.partnership), settings_data(register, **values)
    )

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "There is a problem" in html and message in html
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert RiskRegister.objects.filter(pk=register.pk).values().get() == before


def test_settings_saved_since_the_form_was_opened_are_not_overwritten(client, risk, people):
    register = risk.register
    opened = version_of(register)
    client.force_login(people["administrator"])
    address = url("risks:register_settings", register.partnership)
    client.post(address, settings_data(register, tolerance="10"))

    response = client.post(address, {**settings_data(register, tolerance="20"), "version": opened})

    assert response.status_code == 409
    html = unescape(response.content.decode())
    assert "after you opened it" in html and "What is different" in html
    register.refresh_from_db()
    assert register.tolerance == 10
    fresh_version = re.search(r'name="version" value="([^"]*)"', response.content.decode()).group(1)
    assert (
        client.post(
            address, {**settings_data(register, tolerance="20"), "version": unescape(fresh_version)}
        ).status_code
        == 302
    )
    register.refresh_from_db()
    assert register.tolerance == 20
