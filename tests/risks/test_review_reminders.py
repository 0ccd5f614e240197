"""Risk review reminders and the count of reviews done and overdue: who is emailed, about which risks,
how often, where the links point, and what the register page is given to show."""

import datetime
import re
from io import StringIO
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import CommandError, call_command
from django.template import Context, Template
from django.urls import reverse

from accounts.models import Membership
from delivery.models import ReportingPeriod
from risks.models import Risk, RiskReviewReminder
from risks.reminders import review_reminder_periods, review_reminders_send, review_status
from tests.accounts.factories import MembershipFactory, OrganisationFactory, PartnershipFactory
from tests.delivery.factories import ReportingPeriodFactory
from tests.meetings.factories import BodyFactory
from tests.risks.factories import RiskFactory, RiskRegisterFactory, RiskReviewFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 14)
DEADLINE = datetime.date(2026, 12, 21)  # a week ahead: a default reminder day
SITE = "https://tracker.example.gov.uk"


def period_of(partnership, *, deadline=DEADLINE, state=ReportingPeriod.State.OPEN, **kwargs):
    return ReportingPeriodFactory(
        partnership=partnership,
        name=kwargs.pop("name", "Q3 2026/27"),
        starts_on=kwargs.pop("starts_on", datetime.date(2026, 10, 1)),
        ends_on=kwargs.pop("ends_on", datetime.date(2026, 12, 31)),
        update_deadline=deadline,
        state=state,
        **kwargs,
    )


def command(*args, **options):
    out, err = StringIO(), StringIO()
    call_command("send_review_reminders", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def sbp():
    return RiskRegisterFactory(
        partnership=PartnershipFactory(name="Safer Bromley Partnership", slug="safer-bromley")
    ).partnership


@pytest.fixture
def period(sbp):
    return period_of(sbp)


def risk_of(partnership, **kwargs):
    return RiskFactory(register=partnership.risk_register, **kwargs)


def test_the_owner_of_each_unreviewed_open_risk_is_emailed_once_with_a_link_to_each_review(
    sbp, period, settings
):
    settings.SITE_URL = SITE
    first = risk_of(sbp, reference="SBP-R1", title="Funding <ends>")
    second = risk_of(sbp, reference="SBP-R2", owner=first.owner, owner_organisation=first.owner_organisation)
    reviewed = risk_of(sbp, reference="SBP-R3")
    RiskReviewFactory(risk=reviewed, period=period)
    risk_of(sbp, reference="SBP-R4", status=Risk.Status.CLOSED)
    unowned = risk_of(
        sbp, reference="SBP-R5", owner=None, owner_organisation=OrganisationFactory(partnership=sbp)
    )
    contact = MembershipFactory(partnership=sbp, organisation=unowned.owner_organisation).user
    unowned.owner_organisation.nominated_contact = contact
    unowned.owner_organisation.save()

    reminders = review_reminders_send(periods=[period], today=TODAY)

    assert sorted(email.to[0] for email in mail.outbox) == sorted([first.owner.email, contact.email])
    [email] = [email for email in mail.outbox if email.to == [first.owner.email]]
    assert email.subject == "Risk reviews due by 21 December 2026: Safer Bromley Partnership"
    links = re.findall(r"https?://\S+", email.body)
    review = reverse("risks:risk_review", kwargs={"slug": "safer-bromley", "pk": first.pk})
    assert f"{SITE}{review}" in links
    assert f"{SITE}{reverse('risks:risk_review', kwargs={'slug': 'safer-bromley', 'pk': second.pk})}" in links
    assert "Funding <ends>" in email.body  # plain text stays as written
    html = email.alternatives[0][0]
    assert "Funding &lt;ends&gt;" in html and "Funding <ends>" not in html
    assert {(r.recipient, r.period) for r in reminders} == {(first.owner, period), (contact, period)}
    mine = RiskReviewReminder.objects.get(recipient=first.owner)
    assert set(mine.risks.all()) == {first, second}
    assert mine.sent_on == TODAY


def test_no_one_is_reminded_twice_in_a_day_but_again_the_next_reminder_day(sbp, period):
    risk = risk_of(sbp)

    review_reminders_send(periods=[period], today=TODAY)
    review_reminders_send(periods=[period], today=TODAY)
    assert len(mail.outbox) == 1
    review_reminders_send(periods=[period], today=TODAY + datetime.timedelta(days=6))

    assert len(mail.outbox) == 2
    assert list(
        RiskReviewReminder.objects.filter(recipient=risk.owner).values_list("sent_on", flat=True)
    ) == [
        TODAY + datetime.timedelta(days=6),
        TODAY,
    ]


def test_people_who_cannot_be_reached_are_not_emailed(sbp, period):
    left = risk_of(sbp)
    Membership.objects.filter(user=left.owner).update(is_active=False)
    no_email = risk_of(sbp)
    no_email.owner.email = ""
    no_email.owner.save()
    risk_of(sbp, owner=None, owner_organisation=OrganisationFactory(partnership=sbp))  # no nominated contact

    assert review_reminders_send(periods=[period], today=TODAY) == []
    assert mail.outbox == []


def test_a_failed_email_is_reported_and_the_others_are_still_sent_and_recorded(sbp, period, monkeypatch):
    failing, working = risk_of(sbp), risk_of(sbp)
    send = EmailMultiAlternatives.send

    def refuse_one(message, *args, **kwargs):
        if message.to == [failing.owner.email]:
            raise SMTPRecipientsRefused({failing.owner.email: (550, b"No such mailbox")})
        return send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse_one)

    with pytest.raises(Exception, match="Could not send 1 review reminder"):
        review_reminders_send(periods=[period], today=TODAY)

    assert [email.to for email in mail.outbox] == [[working.owner.email]]
    assert list(RiskReviewReminder.objects.values_list("recipient", flat=True)) == [working.owner.pk]


def test_the_command_reminds_on_the_update_reminder_days_about_the_latest_open_period_only(sbp):
    earlier = period_of(
        sbp,
        name="Q2 2026/27",
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2026, 9, 30),
        deadline=TODAY + datetime.timedelta(days=1),
    )
    latest = period_of(sbp)
    elsewhere = RiskRegisterFactory().partnership
    period_of(elsewhere, deadline=TODAY + datetime.timedelta(days=3))  # not a reminder day
    risk_of(elsewhere)
    risk = risk_of(sbp)

    assert review_reminder_periods(today=TODAY, days_before=[7, 1], days_after=[1, 7]) == [latest]
    out, _ = command("--today", TODAY.isoformat())

    assert [email.to for email in mail.outbox] == [[risk.owner.email]]
    assert RiskReviewReminder.objects.get().period == latest != earlier
    assert "reminded 1 person about risk reviews due in 1 open reporting period" in out

    out, _ = command("--today", TODAY.isoformat())
    assert len(mail.outbox) == 1
    assert "reminded 0 people" in out


def test_the_command_takes_the_days_and_a_dry_run_sends_and_records_nothing(sbp, period):
    risk_of(sbp)

    out, _ = command("--today", TODAY.isoformat(), "--days-before", "3")
    assert "reminded 0 people" in out and mail.outbox == []

    out, _ = command("--today", TODAY.isoformat(), "--dry-run")
    assert "Would remind" in out and "about 1 risk." in out
    assert "Nothing was sent or recorded." in out
    assert mail.outbox == [] and not RiskReviewReminder.objects.exists()


def test_the_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        command(today="14/12/2026")


def test_an_administrator_sends_the_reminders_now_and_is_told_how_many(client, sbp, period):
    admin = MembershipFactory(partnership=sbp, role=Membership.Role.ADMINISTRATOR).user
    risk_of(sbp)
    risk_of(sbp)
    client.force_login(admin)
    address = reverse("risks:review_reminders_send", kwargs={"slug": sbp.slug})

    response = client.post(address, follow=True)

    assert response.redirect_chain[-1][0] == reverse("risks:register", kwargs={"slug": sbp.slug})
    assert len(mail.outbox) == 2
    assert RiskReviewReminder.objects.count() == 2
    messages = [str(m) for m in response.context["messages"]]
    assert "Review reminders sent: 2 people emailed about Q3 2026/27." in messages

    again = client.post(address, follow=True)
    assert len(mail.outbox) == 2
    assert any("already been reminded today" in str(m) for m in again.context["messages"])


def test_sending_now_with_nothing_open_or_nothing_owed_says_so(client, sbp):
    admin = MembershipFactory(partnership=sbp, role=Membership.Role.ADMINISTRATOR).user
    client.force_login(admin)
    address = reverse("risks:review_reminders_send", kwargs={"slug": sbp.slug})

    response = client.post(address, follow=True)
    assert any("only while a reporting period is open" in str(m) for m in response.context["messages"])

    period_of(sbp)
    response = client.post(address, follow=True)
    assert any("nobody to remind" in str(m) for m in response.context["messages"])
    assert mail.outbox == []


# The count of reviews, for the register page --------------------------------------------------


def test_review_status_counts_the_open_risks_reviewed_and_past_their_review_date(sbp, period):
    done = risk_of(sbp, review_on=TODAY + datetime.timedelta(days=90))
    RiskReviewFactory(risk=done, period=period)
    risk_of(sbp, review_on=TODAY - datetime.timedelta(days=1))  # overdue, not reviewed
    risk_of(sbp, review_on=TODAY)
    closed = risk_of(sbp, status=Risk.Status.CLOSED, review_on=TODAY - datetime.timedelta(days=30))
    RiskReviewFactory(risk=closed, period=period)
    risk_of(RiskRegisterFactory().partnership, review_on=TODAY - datetime.timedelta(days=1))

    status = review_status(partnership=sbp, today=TODAY)

    assert (status.period, status.open_count, status.reviewed_count, status.overdue_count) == (
        period,
        3,
        1,
        1,
    )


def test_review_status_with_no_register_or_no_period():
    partnership = PartnershipFactory()

    status = review_status(partnership=partnership, today=TODAY)

    assert (status.register, status.period, status.open_count, status.reviewed_count) == (None, None, 0, 0)


def render_tag(user, partnership):
    context = Context({"user": user, "partnership": partnership, "csrf_token": "a-token"})
    return Template("{% load risks %}{% review_status partnership %}").render(context)


def test_the_review_status_tag_shows_the_counts_and_the_button_to_administrators(sbp, period):
    admin = MembershipFactory(partnership=sbp, role=Membership.Role.ADMINISTRATOR).user
    risk_of(sbp, review_on=datetime.date(2020, 1, 1))
    RiskReviewFactory(risk=risk_of(sbp, review_on=datetime.date(2099, 1, 1)), period=period)

    html = render_tag(admin, sbp)

    assert "1 of 2</strong> open risks reviewed for Q3 2026/27" in html
    assert "<strong>1</strong> open risk past its next review date." in html
    assert "Send review reminders now" in html
    assert reverse("risks:review_reminders_send", kwargs={"slug": sbp.slug}) in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_review_status_tag_shows_the_chair_the_counts_without_the_button_and_others_nothing(sbp, period):
    risk_of(sbp)
    chair = MembershipFactory(partnership=sbp, role=Membership.Role.BOARD_MEMBER).user
    BodyFactory(partnership=sbp, chair=chair)
    board_member = MembershipFactory(partnership=sbp, role=Membership.Role.BOARD_MEMBER).user

    chairs = render_tag(chair, sbp)
    members = render_tag(board_member, sbp)

    assert "0 of 1</strong> open risk reviewed" in chairs
    assert "Send review reminders now" not in chairs
    assert members.strip() == ""


def test_the_review_status_costs_the_same_queries_for_one_risk_and_many(sbp, period, assert_same_queries):
    admin = MembershipFactory(partnership=sbp, role=Membership.Role.ADMINISTRATOR).user

    def make_rows(count):
        while Risk.objects.filter(register__partnership=sbp).count() < count:
            RiskReviewFactory(risk=risk_of(sbp), period=period)
        return count

    assert_same_queries(make_rows, lambda count: render_tag(admin, sbp), few=1, many=20)
