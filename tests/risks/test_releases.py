import re
from html import unescape

import pytest
from django.utils import timezone

from accounts.models import Membership
from core.conflicts import version_of
from risks.models import RiskRegister, RiskRegisterRelease
from tests.accounts.factories import MembershipFactory
from tests.risks.factories import RiskFactory, RiskRegisterFactory
from tests.risks.test_register_pages import ROLES, change, people_of, release, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def risk():
    return RiskFactory(reference="R1", title="Partnership funding ends")


@pytest.fixture
def people(risk):
    return people_of(risk.register.partnership)


def release_data(register, **values):
    register.refresh_from_db()
    return {"note": "", "version": version_of(register), **values}


def version_on(response) -> str:
    return unescape(re.search(r'name="version" value="([^"]*)"', response.content.decode()).group(1))


@pytest.mark.parametrize(
    ("role", "status"),
    [("administrator", 200), ("chair", 200), ("vice-chair", 200), ("officer", 403), ("board member", 403)],
)
def test_only_administrators_chairs_and_vice_chairs_may_release_the_register(
    client, risk, people, role, status
):
    client.force_login(people[role])
    address = url("risks:register_release", risk.register.partnership)

    assert client.get(address).status_code == status
    response = client.post(address, release_data(risk.register))

    assert response.status_code == (302 if status == 200 else 403)
    assert RiskRegisterRelease.objects.count() == (1 if status == 200 else 0)


def test_the_confirm_page_summarises_what_will_be_released(client, risk, people):
    RiskFactory(
        register=risk.register,
        reference="R2",
        residual_likelihood=4,
        residual_impact=4,
        inherent_likelihood=5,
    )
    release(risk.register, people["chair"])
    change(risk, residual_likelihood=2)
    client.force_login(people["chair"])

    html = unescape(client.get(url("risks:register_release", risk.register.partnership)).content.decode())

    assert "What will be released" in html
    assert "2 risks in all, open and closed." in html
    assert "R1 Partnership funding ends: falling, 9 to 6" in html
    assert "R2" not in html[html.index("Changes since the last release") :].split("</ul>")[0]
    assert 'name="version"' in html and 'name="note"' in html


def test_a_release_records_who_when_and_what_and_marks_the_register_released(client, risk, people):
    client.force_login(people["chair"])
    before = timezone.now()

    response = client.post(
        url("risks:register_release", risk.register.partnership),
        release_data(risk.register, note="Seen by the chair and vice-chair on 3 March."),
        follow=True,
    )

    made = RiskRegisterRelease.objects.get()
    assert made.released_by == people["chair"]
    assert before <= made.released_at <= timezone.now()
    assert made.note == "Seen by the chair and vice-chair on 3 March."
    assert [r["title"] for r in made.content["risks"]] == ["Partnership funding ends"]
    assert RiskRegister.objects.get(pk=risk.register.pk).state == RiskRegister.State.RELEASED
    assert response.redirect_chain[-1][0] == url("risks:register", risk.register.partnership)
    assert "Risk register released to the board on" in response.content.decode()


def test_a_release_is_frozen_later_changes_do_not_alter_it(client, risk, people):
    made = release(risk.register, people["chair"])
    frozen = RiskRegisterRelease.objects.get(pk=made.pk).content
    change(risk, title="Partnership funding ends in March", residual_likelihood=1)
    RiskFactory(register=risk.register, reference="R2", title="Data sharing stalls")
    client.force_login(people["board member"])

    html = unescape(
        client.get(url("risks:release_detail", risk.register.partnership, pk=made.pk)).content.decode()
    )

    assert RiskRegisterRelease.objects.get(pk=made.pk).content == frozen
    assert "Partnership funding ends" in html
    assert "Partnership funding ends in March" not in html and "Data sharing stalls" not in html
    assert "Likelihood 3, impact 3, score 9, medium: 1 risk, R1." in html


def test_a_register_changed_since_the_page_was_opened_is_not_released(client, risk, people):
    client.force_login(people["chair"])
    address = url("risks:register_release", risk.register.partnership)
    opened = version_on(client.get(address))
    RiskFactory(register=risk.register, reference="R2", title="Data sharing stalls")
    change(risk, residual_likelihood=2)  # puts the register's version forward

    response = client.post(address, {"note": "As read by the chair.", "version": opened})

    assert response.status_code == 409
    html = unescape(response.content.decode())
    assert "The register has changed since you opened this page, so it has not been released." in html
    assert "2 risks in all, open and closed." in html  # the summary as it is now
    assert "As read by the chair." in html  # the note kept
    assert not RiskRegisterRelease.objects.exists()
    assert (
        client.post(address, {"note": "As read by the chair.", "version": version_on(response)}).status_code
        == 302
    )
    assert RiskRegisterRelease.objects.get().note == "As read by the chair."


def test_a_register_released_by_someone_else_since_the_page_was_opened_is_not_released_twice(
    client, risk, people
):
    client.force_login(people["vice-chair"])
    address = url("risks:register_release", risk.register.partnership)
    opened = version_on(client.get(address))
    release(risk.register, people["chair"])

    response = client.post(address, {"note": "", "version": opened})

    assert response.status_code == 409
    html = unescape(response.content.decode())
    assert f"it was released on {timezone.localdate():%-d %B %Y} by {people['chair']}" in html
    assert 'name="note"' not in html
    assert RiskRegisterRelease.objects.count() == 1


def test_a_register_already_released_and_unchanged_is_not_released_again(client, risk, people):
    release(risk.register, people["chair"])
    client.force_login(people["administrator"])
    address = url("risks:register_release", risk.register.partnership)

    html = unescape(client.get(address).content.decode())
    response = client.post(address, release_data(risk.register), follow=True)

    assert "nothing has changed since" in html and 'name="note"' not in html
    assert "nothing to release" in response.content.decode()
    assert RiskRegisterRelease.objects.count() == 1


def test_a_partnership_without_a_register_has_nothing_to_release(client):
    chair = MembershipFactory(role=Membership.Role.ADMINISTRATOR)
    client.force_login(chair.user)

    response = client.post(url("risks:register_release", chair.partnership), {"note": "", "version": ""})

    assert response.status_code == 200
    assert "There is no risk register to release yet" in response.content.decode()
    assert not RiskRegister.objects.exists() and not RiskRegisterRelease.objects.exists()


@pytest.mark.parametrize(
    ("note", "message"),
    [("x" * 2001, "The note must be 2,000 characters or fewer")],
)
def test_a_note_too_long_is_refused_and_nothing_is_released(client, risk, people, note, message):
    client.force_login(people["chair"])

    response = client.post(
        url("risks:register_release", risk.register.partnership), release_data(risk.register, note=note)
    )

    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    assert not RiskRegisterRelease.objects.exists()
    assert RiskRegister.objects.get(pk=risk.register.pk).state == RiskRegister.State.IN_PREPARATION


@pytest.mark.parametrize("role", ROLES)
def test_every_member_sees_the_releases_and_each_as_it_was(client, risk, people, role):
    made = release(risk.register, people["chair"], note="<script>alert('note')</script> Read by the chair.")
    client.force_login(people[role])

    listing = client.get(url("risks:release_list", risk.register.partnership))
    detail = client.get(url("risks:release_detail", risk.register.partnership, pk=made.pk))

    assert [listing.status_code, detail.status_code] == [200, 200]
    html = listing.content.decode()
    assert url("risks:release_detail", risk.register.partnership, pk=made.pk) in html
    assert str(people["chair"]) in unescape(html)
    assert (
        "<script>alert" not in html
        and "&lt;script&gt;alert(&#x27;note&#x27;)&lt;/script&gt; Read by the chair." in html
    )
    detail_html = unescape(detail.content.decode())
    assert f"As released to the board on {timezone.localdate():%-d %B %Y}" in detail_html
    assert "Partnership funding ends" in detail_html
    assert "<script>alert" not in detail.content.decode()


def test_the_releases_page_before_any_release(client, risk, people):
    client.force_login(people["board member"])

    html = client.get(url("risks:release_list", risk.register.partnership)).content.decode()

    assert "The risk register has not been released to the board yet." in html


def test_a_second_release_compares_with_the_first(client, risk, people):
    release(risk.register, people["chair"])
    change(risk, inherent_likelihood=5, inherent_impact=5, residual_likelihood=4, residual_impact=4)
    second = release(risk.register, people["chair"])
    client.force_login(people["board member"])

    html = unescape(
        client.get(url("risks:release_detail", risk.register.partnership, pk=second.pk)).content.decode()
    )
    register_html = unescape(client.get(url("risks:register", risk.register.partnership)).content.decode())

    assert "Rising: 9 to 16" in html and "Rising: 9 to 16" in register_html
    assert second.content["counts"]["rising"] == 1


def test_the_releases_page_makes_the_same_queries_for_1_and_20_releases(client, assert_same_queries):
    def make_rows(count):
        register = RiskRegisterFactory()
        RiskFactory(register=register)
        people = people_of(register.partnership)
        for n in range(count):
            change(register.risks.get(), title=f"Changed {n}")
            release(register, MembershipFactory(partnership=register.partnership).user)
        client.force_login(people["board member"])
        return url("risks:release_list", register.partnership)

    responses = assert_same_queries(make_rows, client.get, many=20)

    assert [len(response.context["releases"]) for response in responses] == [1, 20]
