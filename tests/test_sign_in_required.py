"""Every page needs sign-in, except the few that must be public."""

import pytest
from django.urls import reverse

from tests.urls import url_patterns

PUBLIC = {
    "login",
    "core:healthz",
    "core:security_txt",
    "core:accessibility",
    "core:favicon",
    "accounts:invitation_accept",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
}
SAMPLE_ARGUMENTS = {
    "slug": "safer-bromley",
    "pk": 1,
    "extension": "pdf",
    "token": "unknown-token",
    "uidb64": "MQ",
    "ambition_pk": 1,
    "period_pk": 1,
    "import_pk": 1,
    "update_pk": 1,
}


# Every page's address, its parameters filled with the sample arguments.
URLS = {
    name: reverse(name, kwargs={key: SAMPLE_ARGUMENTS[key] for key in parameters} or None)
    for name, parameters, _ in url_patterns()
}


def test_the_url_list_covers_the_project():
    assert {"accounts:home", "priorities:strategy_list", "meetings:meeting_detail"} <= set(URLS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(set(URLS) - PUBLIC))
def test_page_sends_anonymous_visitors_to_sign_in(client, name):
    response = client.get(URLS[name])

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_page_needs_no_sign_in(client, name):
    response = client.get(URLS[name], follow=True)

    assert response.status_code == 200


@pytest.mark.django_db
def test_django_admin_needs_sign_in(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
