"""Every page needs sign-in, except the few that must be public."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIC = {
    "login",
    "core:healthz",
    "core:security_txt",
    "core:accessibility",
    "core:favicon",
    "accounts:invitation_accept",
}
SAMPLE_ARGUMENTS = {
    "slug": "safer-bromley",
    "pk": 1,
    "extension": "pdf",
    "token": "unknown-token",
    "ambition_pk": 1,
    "import_pk": 1,
}


def named_urls(resolver=None, namespace="", parameters=()):
    """Every named URL of the project (the Django admin apart) with sample arguments."""
    for entry in (resolver or get_resolver()).url_patterns:
        names = (*parameters, *entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            if entry.app_name != "admin":
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from named_urls(entry, inner, names)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}{entry.name}"
            yield name, reverse(name, kwargs={key: SAMPLE_ARGUMENTS[key] for key in names} or None)


URLS = dict(named_urls())


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
