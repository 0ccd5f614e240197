"""`manage.py seed_scale --scale N`: the large synthetic partnership N times over, and 10 x N ordinary ones."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from accounts.models import Membership, Partnership
from delivery.models import Action, ProgressUpdate, ReportingPeriod
from indicators.models import Indicator
from meetings.models import Meeting
from priorities.models import Strategy
from reports.models import ExceptionReport
from risks.models import Risk, RiskRegisterRelease

pytestmark = pytest.mark.django_db


def seed(scale: int) -> str:
    out = StringIO()
    call_command("seed_scale", scale=scale, stdout=out)
    return out.getvalue()


def sizes(partnership: Partnership) -> dict[str, int]:
    return {
        "strategies": Strategy.objects.filter(partnership=partnership).count(),
        "actions": Action.objects.for_partnership(partnership).count(),
        "members": Membership.objects.filter(partnership=partnership).count(),
        "meetings": Meeting.objects.filter(partnership=partnership).count(),
        "risks": Risk.objects.for_partnership(partnership).count(),
        "indicators": Indicator.objects.for_partnership(partnership).count(),
    }


def test_scale_one_is_one_large_partnership_and_ten_ordinary_ones_each_with_its_own_rows():
    assert "scale 1" in seed(1)
    large = Partnership.objects.get(slug="scale")

    assert sizes(large) == {
        "strategies": 3,
        "actions": 500,
        "members": 40,
        "meetings": 20,
        "risks": 30,
        "indicators": 24,
    }
    updated = ProgressUpdate.objects.filter(period__partnership=large)
    assert updated.values("period").distinct().count() == 12
    per_action = updated.values("action").annotate(n=Count("pk")).values_list("n", flat=True)
    assert max(per_action) == 12
    assert ReportingPeriod.objects.for_partnership(large).open().count() == 1
    assert Membership.objects.filter(partnership=large).administrators().exists()
    assert RiskRegisterRelease.objects.filter(register__partnership=large).count() == 1
    report = ExceptionReport.objects.get(partnership=large)
    assert report.meeting.held_on > report.period.update_deadline
    assert report.items()
    assert Partnership.objects.exclude(pk=large.pk).count() == 10

    ordinary = Partnership.objects.get(slug="ordinary-1")
    assert sizes(ordinary) == {
        "strategies": 1,
        "actions": 40,
        "members": 10,
        "meetings": 4,
        "risks": 6,
        "indicators": 6,
    }
    owners = Action.objects.for_partnership(ordinary).values("owner")
    assert not Membership.objects.filter(user__in=owners).exclude(partnership=ordinary).exists()

    with pytest.raises(CommandError, match="already holds"):
        seed(1)
    assert Partnership.objects.count() == 11


def test_scale_two_doubles_the_large_partnership_beside_twenty_ordinary_ones():
    seed(2)
    large = Partnership.objects.get(slug="scale")

    assert sizes(large) == {
        "strategies": 3,
        "actions": 1000,
        "members": 80,
        "meetings": 40,
        "risks": 60,
        "indicators": 48,
    }
    ordinary = Partnership.objects.exclude(pk=large.pk)
    assert ordinary.count() == 20
    assert {sizes(p)["actions"] for p in ordinary} == {40}


def test_a_scale_below_one_is_refused():
    with pytest.raises(CommandError, match="whole number"):
        seed(0)
    assert not Partnership.objects.exists()
