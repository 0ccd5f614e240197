"""Nothing made for a signed-in person is kept in a browser's or a proxy's cache."""

import pytest
from django.urls import reverse

from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ReportingPeriodFactory

pytestmark = pytest.mark.django_db


def assert_not_stored(response):
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


@pytest.fixture
def member(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    return membership


def test_a_signed_in_page_is_not_stored(client, member):
    response = client.get(member.partnership.get_absolute_url())

    assert response.status_code == 200
    assert_not_stored(response)


def test_a_download_is_not_stored(client, member):
    period = ReportingPeriodFactory(partnership=member.partnership)
    url = reverse(
        "reports:exception_report_download", kwargs={"slug": member.partnership.slug, "extension": "csv"}
    )

    response = client.get(url, {"period": period.pk})

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert_not_stored(response)


def test_a_not_found_page_and_the_sign_out_answer_are_not_stored(client, member):
    assert_not_stored(client.get("/p/no-such-partnership/"))
    assert_not_stored(client.post(reverse("logout")))


def test_public_pages_for_someone_not_signed_in_may_be_cached(client):
    response = client.get(reverse("core:accessibility"))

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
