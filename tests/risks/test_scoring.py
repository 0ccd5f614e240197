import pytest
from django.core.exceptions import ValidationError

from risks.models import RiskRegister
from risks.scoring import Band, band_of, score_of
from tests.risks.factories import RiskFactory, RiskRegisterFactory


def test_a_score_is_likelihood_times_impact_and_none_until_both_are_assessed():
    assert score_of(1, 1) == 1
    assert score_of(3, 4) == 12
    assert score_of(5, 5) == 25
    assert score_of(None, 4) is None
    assert score_of(4, None) is None


@pytest.mark.parametrize(
    ("score", "band"),
    [(1, Band.LOW), (4, Band.LOW), (5, Band.MEDIUM), (12, Band.MEDIUM), (15, Band.HIGH), (25, Band.HIGH)],
)
def test_the_default_bands_are_1_to_4_low_5_to_12_medium_15_to_25_high(score, band):
    assert band_of(score, low_up_to=4, medium_up_to=12) == band


@pytest.mark.parametrize(
    ("score", "band"),
    [(6, Band.LOW), (8, Band.MEDIUM), (15, Band.MEDIUM), (16, Band.HIGH)],
)
def test_a_partnership_may_set_its_own_bands(score, band):
    assert band_of(score, low_up_to=6, medium_up_to=15) == band


def test_no_score_has_no_band():
    assert band_of(None, low_up_to=4, medium_up_to=12) is None


@pytest.mark.django_db
def test_a_risk_derives_its_scores_and_bands_from_its_register():
    risk = RiskFactory(
        register=RiskRegisterFactory(low_up_to=6, medium_up_to=15),
        inherent_likelihood=4,
        inherent_impact=4,
        residual_likelihood=2,
        residual_impact=3,
    )

    assert (risk.inherent_score, risk.inherent_band) == (16, Band.HIGH)
    assert (risk.residual_score, risk.residual_band) == (6, Band.LOW)


@pytest.mark.django_db
def test_a_risk_is_above_tolerance_only_when_its_residual_score_is_higher_than_it():
    register = RiskRegisterFactory(tolerance=12)
    at = RiskFactory(register=register, inherent_likelihood=4, residual_likelihood=4, residual_impact=3)
    above = RiskFactory(
        register=register, inherent_likelihood=5, inherent_impact=5, residual_likelihood=5, residual_impact=3
    )

    assert at.residual_score == 12 and not at.is_above_tolerance
    assert above.residual_score == 15 and above.is_above_tolerance


@pytest.mark.django_db
def test_the_score_with_controls_cannot_be_higher_than_before_them():
    risk = RiskFactory.build(
        register=RiskRegisterFactory(),
        inherent_likelihood=2,
        inherent_impact=2,
        residual_likelihood=3,
        residual_impact=3,
    )
    risk.owner_organisation = RiskFactory(register=risk.register).owner_organisation

    with pytest.raises(ValidationError) as error:
        risk.full_clean()

    assert "residual_impact" in error.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(("low", "medium"), [(12, 12), (13, 12)])
def test_the_low_band_must_end_below_the_medium_band(low, medium):
    register = RiskRegisterFactory()
    register.low_up_to, register.medium_up_to = low, medium

    with pytest.raises(ValidationError) as error:
        register.full_clean()

    assert "The low band must end below the medium band." in str(error.value)


def test_a_new_register_has_the_default_bands_and_tolerance():
    register = RiskRegister()

    assert (register.low_up_to, register.medium_up_to, register.tolerance) == (4, 12, 12)
