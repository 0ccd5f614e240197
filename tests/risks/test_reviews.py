"""The review cycle: a risk owner reviews a risk for the latest open period through a form like the
progress update, the scores carry onto the risk and the register goes back into preparation, and two
reviewers never silently overwrite each other."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.conflicts import version_of
from core.limits import SHORT_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH
from delivery.models import ReportingPeriod
from risks.models import Risk, RiskRegister, RiskReview
from risks.views.risks import months_on
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ReportingPeriodFactory
from tests.risks.factories import RiskFactory, RiskReviewFactory
from tests.world import fingerprint

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> Ⅽontrols wоrking'  # markup and look-alike letters


@pytest.fixture
def risk(db):
    risk = RiskFactory(
        reference="SBP-R2", title="Data sharing stalls", existing_controls="Information sharing protocol"
    )
    register = risk.register
    register.state = RiskRegister.State.RELEASED
    register.save()
    return risk


def period_of(risk, name, starts_on, state=ReportingPeriod.State.OPEN, deadline_days=50):
    return ReportingPeriodFactory(
        partnership=risk.register.partnership,
        name=name,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=89),
        update_deadline=starts_on + datetime.timedelta(days=89 + deadline_days),
        state=state,
    )


@pytest.fixture
def period(risk):
    """The open period: it started a month ago, and its deadline is a few weeks off."""
    return period_of(risk, "This quarter", timezone.localdate() - datetime.timedelta(days=30))


def review_url(risk):
    return reverse("risks:risk_review", kwargs={"slug": risk.register.partnership.slug, "pk": risk.pk})


def date_input(name, day):
    return {f"{name}_{i}": str(part) for i, part in enumerate((day.day, day.month, day.year))}


def review_form(risk, period, *, version=None, **changes):
    data = {
        "inherent_likelihood": "4",
        "inherent_impact": "4",
        "residual_likelihood": "2",
        "residual_impact": "3",
        "narrative": "The protocol was signed by every partner.",
        "control_changes": "Protocol signed.",
        **date_input("review_on", timezone.localdate() + datetime.timedelta(days=90)),
        "period": str(period.pk),
        "version": version_of(risk) if version is None else version,
    }
    data.update(changes)
    return data


def test_the_form_shows_the_context_and_starts_from_the_risks_scores(client, risk, period):
    older = period_of(
        risk, "Last quarter", period.starts_on - datetime.timedelta(days=91), ReportingPeriod.State.LOCKED
    )
    RiskReviewFactory(risk=risk, period=older, narrative="Protocol drafted.", reviewed_by=risk.owner)
    risk.residual_likelihood, risk.residual_impact = 3, 2
    risk.save()
    client.force_login(risk.owner)

    response = client.get(review_url(risk))

    html = response.content.decode()
    form = response.context["form"]
    assert response.status_code == 200
    assert "Review the risk for This quarter" in html
    assert "Previous review: Last quarter" in html and "Protocol drafted." in html
    assert "Information sharing protocol" in html
    assert "6 <strong" in html  # the score with controls now, with its band
    assert [
        form[name].value() for name in ("inherent_likelihood", "residual_likelihood", "residual_impact")
    ] == [
        4,
        3,
        2,
    ]
    assert len(re.findall(r'type="radio"\s+name="residual_impact"', html)) == 5
    assert 'data-maxlength="10000"' in html and f'data-maxlength="{SHORT_TEXT_MAX_LENGTH}"' in html


def test_the_next_review_date_is_the_next_periods_deadline_else_three_months_on(client, risk, period):
    client.force_login(risk.owner)
    today = timezone.localdate()
    assert client.get(review_url(risk)).context["form"]["review_on"].value() == months_on(today, 3)

    following = period_of(
        risk, "Next quarter", period.starts_on + datetime.timedelta(days=91), ReportingPeriod.State.UPCOMING
    )

    assert client.get(review_url(risk)).context["form"]["review_on"].value() == following.update_deadline


def test_months_on_keeps_the_day_or_takes_the_months_last():
    assert months_on(datetime.date(2026, 5, 31), 3) == datetime.date(2026, 8, 31)
    assert months_on(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)
    assert months_on(datetime.date(2027, 11, 29), 3) == datetime.date(2028, 2, 29)


def test_a_review_carries_its_scores_and_date_to_the_risk_and_puts_the_register_in_preparation(
    client, risk, period
):
    client.force_login(risk.owner)
    review_on = timezone.localdate() + datetime.timedelta(days=80)

    response = client.post(review_url(risk), review_form(risk, period, **date_input("review_on", review_on)))

    assert response.status_code == 302
    assert response.url == risk.get_absolute_url()
    review = RiskReview.objects.get()
    assert (review.period, review.reviewed_by, review.residual_score) == (period, risk.owner, 6)
    assert review.narrative == "The protocol was signed by every partner."
    risk.refresh_from_db()
    assert (risk.residual_likelihood, risk.residual_impact, risk.review_on) == (2, 3, review_on)
    assert risk.register.state == RiskRegister.State.IN_PREPARATION
    page = client.get(response.url).content.decode()
    assert "Review of SBP-R2 for This quarter saved." in page
    assert "Reviewed for This quarter" in page  # the change history's reason


def test_a_second_review_in_the_period_changes_the_periods_review(client, risk, period):
    RiskReviewFactory(
        risk=risk, period=period, narrative="First look.", residual_likelihood=3, reviewed_by=risk.owner
    )
    client.force_login(risk.owner)
    form = client.get(review_url(risk)).context["form"]
    assert form["narrative"].value() == "First look."

    response = client.post(review_url(risk), review_form(risk, period, narrative="Second look."))

    assert response.status_code == 302
    assert list(RiskReview.objects.values_list("narrative", flat=True)) == ["Second look."]


def test_the_nominated_contact_reviews_a_risk_with_no_owner_and_an_administrator_any(client, risk, period):
    admin = MembershipFactory(partnership=risk.register.partnership, role="administrator").user
    organisation = risk.owner_organisation
    organisation.nominated_contact = MembershipFactory(
        partnership=risk.register.partnership, organisation=organisation
    ).user
    organisation.save()
    risk.owner = None
    risk.save()
    client.force_login(organisation.nominated_contact)
    assert client.post(review_url(risk), review_form(risk, period)).status_code == 302

    risk.refresh_from_db()
    client.force_login(admin)
    assert client.post(review_url(risk), review_form(risk, period, narrative="Checked.")).status_code == 302
    assert RiskReview.objects.get().reviewed_by == admin


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"narrative": ""}, "Say how the risk has moved this period, and why"),
        (
            {"narrative": "x" * (TEXT_MAX_LENGTH + 1)},
            "How the risk has moved must be 10,000 characters or fewer",
        ),
        ({"control_changes": "x" * (SHORT_TEXT_MAX_LENGTH + 1)}, "must be 2,000 characters or fewer"),
        ({"inherent_likelihood": "6"}, "Choose the likelihood before controls, from 1 to 5"),
        ({"residual_impact": "9" * 5000}, "Choose the impact with controls, from 1 to 5"),
        ({"residual_likelihood": ""}, "Choose the likelihood with controls, from 1 to 5"),
        ({"residual_likelihood": "5", "residual_impact": "5"}, "cannot be higher than the score before them"),
        ({"review_on_0": "", "review_on_1": "", "review_on_2": ""}, "Enter the next review date"),
        ({"review_on_2": "2020"}, "The next review date must be after today"),
    ],
)
def test_bad_answers_are_refused_on_the_page_and_nothing_is_saved(client, risk, period, changes, message):
    client.force_login(risk.owner)
    before = fingerprint()

    response = client.post(review_url(risk), review_form(risk, period, **changes))

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert message in html
    assert fingerprint() == before


def test_markup_in_a_review_is_kept_and_shown_as_text(client, risk, period):
    client.force_login(risk.owner)

    client.post(review_url(risk), review_form(risk, period, narrative=HOSTILE, control_changes=HOSTILE))
    html = client.get(risk.get_absolute_url()).content.decode()

    assert RiskReview.objects.get().narrative == HOSTILE
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_the_second_of_two_reviewers_is_shown_the_first_ones_review_and_nothing_is_overwritten(
    client, risk, period
):
    admin = MembershipFactory(partnership=risk.register.partnership, role="administrator").user
    opened = version_of(risk)  # both open the form on the same version of the risk
    client.force_login(risk.owner)
    assert client.post(review_url(risk), review_form(risk, period, version=opened)).status_code == 302
    client.force_login(admin)

    response = client.post(
        review_url(risk),
        review_form(
            risk, period, version=opened, narrative="Partners still disagree.", residual_likelihood="3"
        ),
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "Nothing has been overwritten." in html
    assert "What is different" in html
    assert "The protocol was signed by every partner." in html  # the first review, as saved
    assert "Partners still disagree." in html  # the second reviewer's answer kept in the form
    review = RiskReview.objects.get()
    assert (review.narrative, review.reviewed_by) == ("The protocol was signed by every partner.", risk.owner)

    # Saving again from the 409 page replaces the first review deliberately.
    again = review_form(
        risk,
        period,
        version=response.context["form"]["version"].value(),
        narrative="Partners still disagree.",
    )
    assert client.post(review_url(risk), again).status_code == 302
    review.refresh_from_db()
    assert (review.narrative, review.reviewed_by) == ("Partners still disagree.", admin)


def test_a_change_to_the_risk_after_the_review_form_opened_is_a_conflict(client, risk, period):
    opened = version_of(risk)
    Risk.objects.filter(pk=risk.pk).update(updated_at=timezone.now() + datetime.timedelta(seconds=1))
    client.force_login(risk.owner)

    response = client.post(review_url(risk), review_form(risk, period, version=opened))

    assert response.status_code == 409
    assert not RiskReview.objects.exists()


def test_no_open_period_means_no_form_and_no_review(client, risk):
    period_of(
        risk,
        "Last quarter",
        timezone.localdate() - datetime.timedelta(days=120),
        ReportingPeriod.State.LOCKED,
    )
    client.force_login(risk.owner)

    response = client.get(review_url(risk))
    posted = client.post(review_url(risk), {"narrative": "Anything"})

    assert response.status_code == 200
    assert response.context["form"] is None
    assert "No reporting period is open, so the risk cannot be reviewed now." in response.content.decode()
    assert '<form method="post" action="' + review_url(risk) not in response.content.decode()
    assert posted.status_code == 409
    assert not RiskReview.objects.exists()


def test_a_form_opened_for_a_period_since_locked_does_not_save_to_another(client, risk, period):
    opened = review_form(risk, period)
    period.state = ReportingPeriod.State.LOCKED
    period.save()
    later = period_of(risk, "Next quarter", period.starts_on + datetime.timedelta(days=91))
    client.force_login(risk.owner)

    response = client.post(review_url(risk), opened)

    assert response.status_code == 409
    assert "The reporting period open for reviews is now Next quarter" in response.content.decode()
    assert not RiskReview.objects.exists()
    # Saved again from that page, it is the review for the period it now names.
    again = {**opened, "period": str(later.pk)}
    assert client.post(review_url(risk), again).status_code == 302
    assert RiskReview.objects.get().period == later


def test_the_review_is_for_the_latest_open_period(client, risk, period):
    earlier = period_of(risk, "Late quarter", period.starts_on - datetime.timedelta(days=91))
    client.force_login(risk.owner)

    response = client.get(review_url(risk))

    assert response.context["period"] == period != earlier
