import pytest
from django.urls import reverse

from accounts.models import Membership, ProtectiveMarking
from tests.accounts.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership():
    return PartnershipFactory(name="Safer Bromley Partnership", short_name="SBP")


def settings_url(partnership):
    return reverse("accounts:partnership_settings", kwargs={"slug": partnership.slug})


def test_an_administrator_sets_the_protective_marking_of_the_partnerships_papers(
    client, partnership, member_of
):
    client.force_login(member_of(partnership, Membership.Role.ADMINISTRATOR))
    assert partnership.protective_marking == ProtectiveMarking.OFFICIAL

    response = client.post(
        settings_url(partnership),
        {
            "short_name": "SBP",
            "description": "<b>Safer</b> together",
            "protective_marking": "OFFICIAL-SENSITIVE",
        },
        follow=True,
    )

    partnership.refresh_from_db()
    assert partnership.protective_marking == ProtectiveMarking.OFFICIAL_SENSITIVE
    assert partnership.description == "<b>Safer</b> together"
    assert "Partnership settings saved." in response.content.decode()
    assert "(now OFFICIAL-SENSITIVE)" in response.content.decode()


@pytest.mark.parametrize(
    "marking", ["SECRET", "official", "OFFICIAL\u2010SENSITIVE", "<script>x</script>", "O" * 10_000]
)
def test_a_marking_that_is_not_offered_is_refused_and_nothing_changes(
    client, partnership, member_of, marking
):
    client.force_login(member_of(partnership, Membership.Role.ADMINISTRATOR))

    response = client.post(
        settings_url(partnership), {"short_name": "Changed", "protective_marking": marking}
    )

    assert response.status_code == 200
    assert "Choose OFFICIAL or OFFICIAL-SENSITIVE" in response.content.decode()
    partnership.refresh_from_db()
    assert (partnership.short_name, partnership.protective_marking) == ("SBP", ProtectiveMarking.OFFICIAL)


@pytest.mark.parametrize("role", [Membership.Role.OFFICER, Membership.Role.BOARD_MEMBER])
def test_only_administrators_change_the_settings(client, partnership, member_of, role):
    client.force_login(member_of(partnership, role))

    response = client.post(settings_url(partnership), {"protective_marking": "OFFICIAL-SENSITIVE"})

    assert response.status_code == 403
    partnership.refresh_from_db()
    assert partnership.protective_marking == ProtectiveMarking.OFFICIAL
