"""The update reminder's links point at the configured SITE_URL, never at a guessed host."""

import datetime
import re

import pytest
from django.core import mail

from delivery.models import ReportingPeriod
from delivery.services.reminders import update_reminders_send
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

SITE = "https://tracker.example.org:8443"


def test_reminder_links_point_at_the_configured_site(settings):
    settings.SITE_URL = SITE
    officer = MembershipFactory()
    ActionFactory(owner=officer.user, ambition__priority__strategy__partnership=officer.partnership)
    period = ReportingPeriodFactory(
        partnership=officer.partnership,
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2026, 9, 30),
        update_deadline=datetime.date(2026, 12, 21),
        state=ReportingPeriod.State.OPEN,
    )

    update_reminders_send(periods=[period], today=datetime.date(2026, 12, 14))

    [message] = mail.outbox
    html, _ = message.alternatives[0]
    links = re.findall(r"https?://\S+", message.body) + re.findall(r'href="([^"]+)"', html)
    assert len(links) >= 4  # to the update and to My actions, in each part
    assert all(link.startswith(f"{SITE}/") for link in links), links
