import datetime
import json

import pytest
from django.utils import timezone

from core.conflicts import version_of
from risks.models import Risk
from risks.register import Movement, register_content
from risks.services import register_release
from tests.accounts.factories import MembershipFactory
from tests.risks.factories import RiskFactory, RiskRegisterFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 7, 1)


def release(register):
    register.refresh_from_db()
    return register_release(
        register=register,
        released_by=MembershipFactory(partnership=register.partnership).user,
        note="",
        version=version_of(register),
        now=timezone.now(),
        today=TODAY,
    )


def rescore(risk, likelihood, impact):
    """Change a risk's residual score as a review would, keeping it at or below its inherent score."""
    risk.inherent_likelihood = risk.inherent_impact = 5
    risk.residual_likelihood, risk.residual_impact = likelihood, impact
    risk.save()


def by_reference(content):
    return {risk["reference"]: risk for risk in content["risks"]}


def test_without_a_release_every_risk_is_new_and_the_content_is_plain_json():
    risk = RiskFactory(reference="R1")

    content = register_content(risk.register, today=TODAY)

    assert json.loads(json.dumps(content)) == content
    assert content["previous_release"] is None
    assert by_reference(content)["R1"]["movement"] == Movement.NEW
    assert by_reference(content)["R1"]["movement_label"] == "New since the last release"


def test_movement_since_the_last_release_is_up_down_same_or_new():
    register = RiskRegisterFactory()
    rising, falling, same = (RiskFactory(register=register, reference=ref) for ref in ("R1", "R2", "R3"))
    for risk in (rising, falling, same):
        rescore(risk, 3, 3)
    previous = release(register)
    rescore(rising, 4, 4)
    rescore(falling, 2, 2)
    RiskFactory(register=register, reference="R4")

    content = register_content(register, today=TODAY, previous=previous)

    risks = by_reference(content)
    assert [risks[ref]["movement"] for ref in ("R1", "R2", "R3", "R4")] == [
        Movement.UP,
        Movement.DOWN,
        Movement.SAME,
        Movement.NEW,
    ]
    assert (risks["R1"]["previous_residual_score"], risks["R1"]["residual"]["score"]) == (9, 16)
    assert risks["R1"]["movement_label"] == "Rising"
    assert risks["R2"]["movement_label"] == "Falling"
    assert risks["R3"]["movement_label"] == "No change"
    assert risks["R4"]["previous_residual_score"] is None
    assert content["counts"]["rising"] == 1
    assert content["previous_release"] == previous.released_at.isoformat()


def test_counts_are_of_open_risks_only():
    register = RiskRegisterFactory(tolerance=12)
    high = RiskFactory(register=register, review_on=TODAY - datetime.timedelta(days=1))
    rescore(high, 5, 4)  # 20: high, above tolerance, review overdue
    RiskFactory(register=register, review_on=TODAY)  # 9: medium, due today, not overdue
    closed = RiskFactory(register=register, status=Risk.Status.CLOSED, review_on=datetime.date(2020, 1, 1))
    rescore(closed, 5, 5)

    content = register_content(register, today=TODAY)

    assert content["counts"] == {"open": 2, "high": 1, "above_tolerance": 1, "rising": 0, "review_overdue": 1}
    assert len(content["risks"]) == 3  # the closed risk is listed, not counted or mapped


def test_the_heat_map_has_impact_rows_5_to_1_and_likelihood_columns_1_to_5_banded_by_the_register():
    register = RiskRegisterFactory(low_up_to=6, medium_up_to=15)
    risk = RiskFactory(register=register, reference="R1")
    rescore(risk, 4, 2)
    closed = RiskFactory(register=register, reference="R9", status=Risk.Status.CLOSED)
    rescore(closed, 4, 2)

    heat_map = register_content(register, today=TODAY)["heat_map"]

    assert [row[0]["impact"] for row in heat_map] == [5, 4, 3, 2, 1]
    assert [cell["likelihood"] for cell in heat_map[0]] == [1, 2, 3, 4, 5]
    cell = heat_map[3][3]
    assert (cell["likelihood"], cell["impact"], cell["score"]) == (4, 2, 8)
    assert cell["references"] == ["R1"]
    assert cell["band"] == "medium"
    assert heat_map[4][4]["band"] == "low"  # 5 x 1 = 5, low up to 6
    assert heat_map[0][3]["band"] == "high"  # 4 x 5 = 20
    assert sum(len(cell["references"]) for row in heat_map for cell in row) == 1


def test_the_heat_map_marks_the_risks_that_moved_since_the_last_release():
    register = RiskRegisterFactory()
    moved, stayed = (
        RiskFactory(register=register, reference="R1"),
        RiskFactory(register=register, reference="R2"),
    )
    previous = release(register)
    rescore(moved, 4, 3)  # from 9 to 12
    rescore(stayed, 3, 3)  # 9, as released

    heat_map = register_content(register, today=TODAY, previous=previous)["heat_map"]

    assert heat_map[2][3]["references"] == ["R1"]
    assert heat_map[2][3]["moves"] == [{"reference": "R1", "movement": "up"}]
    assert heat_map[2][2]["references"] == ["R2"] and heat_map[2][2]["moves"] == []
