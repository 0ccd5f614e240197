import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from accounts.models import Membership, Organisation, Partnership, User
from core.ratings import Rating
from delivery.models import Action, ProgressUpdate, ReportingPeriod
from meetings.models import BoardAction, Meeting
from priorities.models import Strategy

TODAY = datetime.date(2026, 11, 22)
DEMO_ACCOUNTS = ["demo-admin", "demo-officer", "demo-board", "demo-other"]
MINUTES_LEADS = ["t.lawry", "n.davies", "s.kirk", "j.bailey", "d.cartwright"]


def load_demo(today=TODAY) -> str:
    out = StringIO()
    call_command("load_demo", today=today, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every table the project's migrations make, audit history included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed
    }


def sbp() -> Partnership:
    return Partnership.objects.get(slug="safer-bromley")


def open_period(partnership) -> ReportingPeriod:
    return ReportingPeriod.objects.get(partnership=partnership, state=ReportingPeriod.State.OPEN)


@pytest.mark.django_db
def test_loading_twice_changes_no_row_counts():
    load_demo()
    first = row_counts()
    load_demo()

    assert row_counts() == first
    assert first["delivery.Action"] >= 30
    assert first["delivery.ProgressUpdate"] > 0


@pytest.mark.django_db
def test_a_run_restores_an_edited_or_deleted_demo_action_in_its_place_once():
    load_demo()
    actions = Action.objects.for_partnership(sbp()).filter(
        ambition__priority__strategy__title="Safer Bromley Partnership Strategy 2024-27",
        ambition__priority__order=1,
        ambition__order=1,
    )
    deleted = actions.get(order=2)
    edited = actions.get(order=3)
    edited.title = "Changed by hand"
    edited.save()
    edited.delegates.clear()
    deleted.delete()

    load_demo()
    restored = row_counts()
    load_demo()

    assert row_counts() == restored
    assert list(actions.order_by("order").values_list("order", flat=True)) == [1, 2, 3, 4]
    assert actions.get(order=2).title == deleted.title
    assert actions.get(order=2).delegates.get().username == "h.ward"
    edited = actions.get(order=3)
    assert edited.title == "Deliver knife crime awareness sessions in every secondary school"
    assert edited.delegates.get().username == "demo-officer"


@pytest.mark.django_db
def test_a_second_run_as_of_another_day_keeps_the_periods_coherent():
    load_demo(datetime.date(2027, 2, 10))
    load_demo(TODAY)

    periods = ReportingPeriod.objects.filter(partnership=sbp())
    assert periods.filter(state=ReportingPeriod.State.OPEN).get().name == "Q2 2026/27"
    assert periods.latest("starts_on").name == "Q3 2026/27"
    assert not ProgressUpdate.objects.filter(period__starts_on__gt=TODAY).exists()
    # The next meeting of the Board and of the Strategic Group, each moved rather than repeated.
    assert Meeting.objects.filter(partnership=sbp(), agenda_items__isnull=True).count() == 2


@pytest.mark.django_db
def test_the_2016_strategy_has_the_five_priorities_of_the_minutes():
    load_demo()

    strategy = Strategy.objects.get(partnership=sbp(), title="Safer Bromley Partnership Strategy 2016-2019")
    priorities = list(strategy.priorities.order_by("order"))

    assert strategy.status == Strategy.Status.CLOSED
    assert (strategy.starts_on, strategy.ends_on) == (
        datetime.date(2016, 4, 1),
        datetime.date(2019, 3, 31),
    )
    assert "September 2016" in strategy.strategic_assessment
    assert [p.title for p in priorities] == [
        "Domestic Abuse",
        "Preventing Violent Extremism",
        "Reducing Re-offending",
        "Serious Youth Violence and Gang Activity",
        "Envirocrime and associated ASB",
    ]
    assert [p.lead_organisation.short_name for p in priorities] == ["MPS", "LBB", "CRC", "LBB", "LFB"]
    assert [p.lead.get_full_name() for p in priorities] == [
        "Trevor Lawry",
        "Nigel Davies",
        "Sharon Kirk",
        "Jane Bailey",
        "Dan Cartwright",
    ]
    assert [p.ambitions.count() for p in priorities] == [3, 4, 3, 5, 0]
    assert priorities[0].ambitions.get(order=1).title == (
        "Early identification of emerging trends and gaps in service provision"
    )
    assert "domestic abuse of the elderly" in priorities[0].description
    assert "Prevent Action Plan" in priorities[1].description
    assert "Sharon Kirk or Lee (CRC)" in priorities[2].description
    assert "outlined at the meeting" in priorities[4].description


@pytest.mark.django_db
def test_the_2024_strategy_is_adopted_with_consultation_and_sign_offs():
    load_demo()

    strategy = Strategy.objects.get(partnership=sbp(), title="Safer Bromley Partnership Strategy 2024-27")
    consultation = strategy.consultations.get()
    responsible = Organisation.objects.filter(partnership=sbp(), is_responsible_authority=True)
    sign_offs = strategy.sign_offs.all()

    assert strategy.status == Strategy.Status.ADOPTED
    assert strategy.reporting_rhythm == Strategy.ReportingRhythm.QUARTERLY
    assert (strategy.starts_on, strategy.ends_on) == (
        datetime.date(2024, 4, 1),
        datetime.date(2027, 3, 31),
    )
    assert list(strategy.priorities.order_by("order").values_list("title", flat=True)) == [
        "Prevention: Being stronger together",
        "People: Protecting people",
        "Places: Resilient communities",
    ]
    assert all(p.lead and p.lead_organisation for p in strategy.priorities.all())
    assert "under the age of 25" in strategy.local_definitions
    assert (consultation.opens_on, consultation.closes_on) == (
        datetime.date(2023, 12, 15),
        datetime.date(2024, 2, 4),
    )
    assert "29 February 2024" in consultation.findings
    # Every responsible authority signed the strategy off; the CRC, abolished in 2021, is no longer one.
    assert responsible.count() == 5
    assert not Organisation.objects.get(partnership=sbp(), short_name="CRC").is_responsible_authority
    assert sorted(s.organisation.short_name for s in sign_offs) == sorted(
        responsible.values_list("short_name", flat=True)
    )
    assert all(s.decision == "agreed" for s in sign_offs)
    assert all(datetime.date(2024, 3, 1) <= s.decided_on <= datetime.date(2024, 3, 31) for s in sign_offs)
    assert not Organisation.objects.get(partnership=sbp(), short_name="VCS").is_responsible_authority


@pytest.mark.django_db
def test_both_minuted_meetings_carry_their_resolutions_and_an_upcoming_board_follows():
    load_demo()

    minuted = Meeting.objects.filter(partnership=sbp(), agenda_items__isnull=False).distinct()
    items = [meeting.agenda_items.get() for meeting in minuted.order_by("held_on")]
    upcoming = Meeting.objects.get(
        partnership=sbp(), held_on__gt=TODAY, title="Safer Bromley Partnership Board"
    )

    assert [m.held_on for m in minuted.order_by("held_on")] == [
        datetime.date(2016, 7, 12),
        datetime.date(2023, 11, 28),
    ]
    assert items[1].title == "Draft SBP Strategy Outline and Delivery Plan"
    for item in items:
        assert item.resolution.startswith("RESOLVED that")
        assert "Supporting documents" not in item.minutes
        assert "\n\n\n" not in item.minutes
        assert "\xa0" not in item.minutes
    assert "Ms Roberts requested" in items[0].minutes
    assert upcoming.title == "Safer Bromley Partnership Board"
    assert not upcoming.agenda_items.exists()
    three_weeks_on = open_period(sbp()).update_deadline + datetime.timedelta(days=21)
    assert upcoming.held_on.weekday() == 3  # a Thursday
    assert datetime.timedelta(0) <= upcoming.held_on - three_weeks_on < datetime.timedelta(days=7)
    # The elderly request and the risk register stay open (tests/demo/test_demo_meetings.py).
    assert BoardAction.objects.filter(meeting__partnership=sbp()).count() == 3
    assert BoardAction.objects.filter(meeting__partnership=sbp(), status=BoardAction.Status.OPEN).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "open_name", "deadline", "upcoming_name", "count"),
    [
        (TODAY, "Q2 2026/27", datetime.date(2026, 12, 6), "Q3 2026/27", 11),
        (datetime.date(2025, 5, 10), "Q4 2024/25", datetime.date(2025, 5, 24), "Q1 2025/26", 5),
        (datetime.date(2025, 4, 5), "Q4 2024/25", datetime.date(2025, 4, 30), "Q1 2025/26", 5),
    ],
)
def test_reporting_periods_are_quarters_up_to_today(today, open_name, deadline, upcoming_name, count):
    load_demo(today)

    periods = list(ReportingPeriod.objects.filter(partnership=sbp()).order_by("starts_on"))
    the_open = open_period(sbp())

    assert len(periods) == count
    assert (periods[0].name, periods[0].starts_on, periods[0].ends_on) == (
        "Q1 2024/25",
        datetime.date(2024, 4, 1),
        datetime.date(2024, 6, 30),
    )
    assert (the_open.name, the_open.update_deadline) == (open_name, deadline)
    assert the_open.ends_on < today < the_open.update_deadline
    assert periods[-2] == the_open
    assert all(p.state == ReportingPeriod.State.LOCKED for p in periods[:-2])
    assert all(p.update_deadline == p.ends_on + datetime.timedelta(days=30) for p in periods[:-2])
    assert (periods[-1].name, periods[-1].state) == (upcoming_name, ReportingPeriod.State.UPCOMING)
    assert periods[-1].starts_on <= today <= periods[-1].ends_on


@pytest.mark.django_db
def test_progress_updates_show_every_rating_and_what_the_exception_report_needs():
    load_demo()
    updates = ProgressUpdate.objects.filter(action__ambition__priority__strategy__partnership=sbp())
    actions = Action.objects.for_partnership(sbp())
    the_open = open_period(sbp())

    assert set(updates.values_list("rating", flat=True)) == set(Rating.values)
    assert not updates.filter(rating__in=[Rating.RED, Rating.AMBER], mitigation="").exists()
    assert updates.exclude(board_ask="").count() >= 3
    assert (
        updates.filter(is_exceptional_performance=True).exclude(exceptional_performance_reason="").count()
        >= 2
    )
    assert updates.filter(period=the_open, submitted_at__isnull=True).exists()
    assert actions.exclude(progress_updates__period=the_open).count() >= 3
    assert actions.filter(due_on__lt=TODAY).exclude(status=Action.Status.COMPLETED).exists()
    assert actions.filter(milestones__due_on__lt=TODAY, milestones__completed_on=None).exists()
    submitted = updates.exclude(submitted_at=None).select_related("period")
    completed = actions.filter(status=Action.Status.COMPLETED)
    assert submitted.exists()
    assert completed.exists()
    for update in submitted:
        submitted_on = update.submitted_at.date()
        assert update.period.ends_on < submitted_on <= update.period.update_deadline
    for action in completed:
        assert action.completed_on is not None
        assert action.progress_updates.latest("period__starts_on").rating == Rating.BLUE
    assert all(update.author_id == update.action.owner_id for update in updates.select_related("action"))


@pytest.mark.django_db
def test_demo_officer_has_actions_still_to_report_in_the_open_period():
    load_demo()
    officer = User.objects.get(username="demo-officer")
    owned = Action.objects.filter(owner=officer)
    submitted = ProgressUpdate.objects.filter(period=open_period(sbp()), submitted_at__isnull=False)

    assert owned.count() >= 4
    assert owned.exclude(progress_updates__in=submitted).count() >= 2
    assert owned.filter(
        progress_updates__period=open_period(sbp()), progress_updates__submitted_at=None
    ).exists()


@pytest.mark.django_db
def test_demo_other_belongs_only_to_northfield():
    load_demo()

    other = Membership.objects.get(user__username="demo-other")
    sbp_accounts = Membership.objects.filter(user__username__in=DEMO_ACCOUNTS[:3])

    assert (other.partnership.slug, other.role) == ("northfield", Membership.Role.ADMINISTRATOR)
    assert sorted(sbp_accounts.values_list("partnership__slug", flat=True)) == ["safer-bromley"] * 3
    assert Strategy.objects.filter(partnership=other.partnership, status="adopted").count() == 1
    assert ReportingPeriod.objects.filter(partnership=other.partnership).count() == 2
    assert Action.objects.for_partnership(other.partnership).count() == 4


@pytest.mark.django_db
def test_only_the_demo_accounts_can_sign_in():
    load_demo()

    for username in DEMO_ACCOUNTS:
        assert User.objects.get(username=username).check_password("sbp-demo-2024")
    leads = User.objects.filter(username__in=MINUTES_LEADS)
    others = User.objects.exclude(username__in=DEMO_ACCOUNTS)
    assert leads.count() == 5
    assert not any(user.has_usable_password() for user in others)
    assert all(user.email.endswith("@example.org") for user in User.objects.all())
    assert Membership.objects.get(user__username="t.lawry").job_title == "Detective Superintendent"


@pytest.mark.django_db
def test_the_command_prints_the_demo_sign_ins_and_counts():
    output = load_demo("2026-11-22")

    assert "sbp-demo-2024" in output
    for username in DEMO_ACCOUNTS:
        assert username in output
    assert "Actions" in output


@pytest.mark.django_db
def test_the_command_refuses_to_run_outside_development(settings):
    settings.DEBUG = False
    settings.TESTING = False

    with pytest.raises(CommandError, match="published password"):
        load_demo()
    assert not User.objects.filter(username="demo-admin").exists()
