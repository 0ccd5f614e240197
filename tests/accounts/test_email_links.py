"""Every link in the service's email points at the configured SITE_URL, never at a guessed host."""

import re

import pytest
from django.core import mail

from accounts.models import Membership
from accounts.password_views import password_reset_link_send
from accounts.services import invitation_send
from core.links import site_url
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://tracker.example.org:8443"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def links_in(message) -> list[str]:
    """Every address in the email's plain text and every link target in its HTML."""
    html, _ = message.alternatives[0]
    return re.findall(r"https?://\S+", message.body) + re.findall(r'href="([^"]+)"', html)


def test_site_url_puts_a_path_on_the_configured_address():
    assert site_url("/accounts/sign-in/") == f"{SITE}/accounts/sign-in/"
    assert site_url() == SITE
    with pytest.raises(ValueError):
        site_url("accounts/sign-in/")


def test_invitation_links_point_at_the_configured_site():
    administrator = MembershipFactory(role=Membership.Role.ADMINISTRATOR)
    invitation_send(
        partnership=administrator.partnership,
        email="priya.patel@example.org",
        first_name="Priya",
        last_name="Patel",
        organisation=OrganisationFactory(partnership=administrator.partnership),
        role=Membership.Role.OFFICER,
        job_title="",
        invited_by=administrator.user,
    )

    links = links_in(mail.outbox[-1])

    assert any("/accounts/invitation/" in link for link in links)
    assert links and all(link.startswith(f"{SITE}/") for link in links), links


def test_password_reset_links_point_at_the_configured_site():
    password_reset_link_send(user=UserFactory(email="officer@example.org"))

    links = links_in(mail.outbox[-1])

    assert any("/accounts/password/reset/" in link for link in links)
    assert links and all(link.startswith(f"{SITE}/") for link in links), links
