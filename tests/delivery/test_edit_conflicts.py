"""The one edit-conflict mechanism (core.conflicts) on the delivery pages it newly guards: milestones,
reporting-period deadlines, the milestones a progress update completes, and the action form's panel.

Each stale save answers 409, keeps the user's answers, lists what differs, and changes nothing; saving
again from that page, which now carries the saved version, replaces the other change deliberately.
"""

import datetime
import threading

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import Membership
from core.conflicts import EditConflict, save_if_unchanged, version_of
from core.ratings import Rating
from delivery.models import Milestone, ProgressUpdate, ReportingPeriod
from delivery.services.updates import UPDATE_FIELDS, MilestoneCompleted, progress_update_save
from tests.delivery.factories import ActionFactory, MilestoneFactory, ReportingPeriodFactory

ADMINISTRATOR = Membership.Role.ADMINISTRATOR


@pytest.fixture
def action(db):
    return ActionFactory(title="Run weapon sweeps in parks")


@pytest.fixture
def period(action):
    return ReportingPeriodFactory(
        partnership=action.partnership,
        name="Q2 2026/27",
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2026, 9, 30),
        update_deadline=datetime.date(2026, 10, 21),
        state=ReportingPeriod.State.OPEN,
    )


@pytest.fixture
def milestone(action):
    return MilestoneFactory(action=action, title="Sweeps in ten parks", due_on=datetime.date(2026, 9, 30))


@pytest.fixture
def admin(action, member_of):
    return member_of(action.partnership, ADMINISTRATOR)


def url(name, partnership, **kwargs):
    return reverse(f"delivery:{name}", kwargs={"slug": partnership.slug, **kwargs})


def date_input(name, day):
    parts = (day.day, day.month, day.year) if day else ("", "", "")
    return {f"{name}_{i}": str(part) for i, part in enumerate(parts)}


def answers(narrative="Sweeps done in six parks."):
    data = dict.fromkeys(UPDATE_FIELDS, "")
    data.update(
        rating=Rating.GREEN, percent_complete=50, is_exceptional_performance=False, narrative=narrative
    )
    return data


def update_form(milestone, *, completed_on=None, milestone_version, narrative="Sweeps done in six parks."):
    """The progress-update form as posted, with one milestone's date and the version it was opened on."""
    return {
        "rating": "green",
        "percent_complete": "50",
        "narrative": narrative,
        "issues_and_risks": "",
        "mitigation": "",
        "board_ask": "",
        "exceptional_performance_reason": "",
        "version": "",
        "submit": "",
        **date_input(f"milestone_{milestone.pk}", completed_on),
        f"milestone_{milestone.pk}_version": milestone_version,
    }


def milestone_form(milestone, *, title, completed_on, version):
    return {
        "title": title,
        **date_input("due_on", milestone.due_on),
        **date_input("completed_on", completed_on),
        "version": version,
    }


def admin_completes(milestone, on):
    theirs = Milestone.objects.get(pk=milestone.pk)
    theirs.completed_on = on
    theirs.save()
    return theirs


# Milestones in a progress update -----------------------------------------------------------------


def test_an_older_progress_form_does_not_clear_a_completion_date_an_administrator_set(
    client, action, period, milestone
):
    opened = version_of(milestone)  # the officer opens the form: the milestone is not done
    theirs = admin_completes(milestone, datetime.date(2026, 9, 12))
    client.force_login(action.owner)

    response = client.post(
        url("progress_update", action.partnership, pk=action.pk),
        update_form(milestone, milestone_version=opened),
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "Nothing has been overwritten." in html
    assert "What is different" in html
    assert "12 September 2026" in html and "Not set" in html
    assert "Sweeps done in six parks." in html  # the officer's answers are kept
    assert f'name="milestone_{milestone.pk}_version" value="{version_of(theirs)}"' in html
    milestone.refresh_from_db()
    assert milestone.completed_on == datetime.date(2026, 9, 12)
    assert not ProgressUpdate.objects.exists()  # nothing of the form was saved


def test_an_older_progress_form_that_leaves_the_milestone_as_saved_is_not_refused(
    client, action, period, milestone
):
    opened = version_of(milestone)
    admin_completes(milestone, datetime.date(2026, 9, 12))
    client.force_login(action.owner)

    response = client.post(
        url("progress_update", action.partnership, pk=action.pk),
        update_form(milestone, completed_on=datetime.date(2026, 9, 12), milestone_version=opened),
    )

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_on == datetime.date(2026, 9, 12)
    assert ProgressUpdate.objects.get(action=action).narrative == "Sweeps done in six parks."


def test_saving_again_after_the_conflict_replaces_the_administrators_date(client, action, period, milestone):
    theirs = admin_completes(milestone, datetime.date(2026, 9, 12))
    client.force_login(action.owner)

    response = client.post(
        url("progress_update", action.partnership, pk=action.pk),
        update_form(milestone, milestone_version=version_of(theirs)),
    )

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_on is None


def test_the_service_refuses_a_milestone_changed_since_the_form_opened(action, period, milestone):
    opened = version_of(milestone)
    theirs = admin_completes(milestone, datetime.date(2026, 9, 12))

    with pytest.raises(EditConflict) as conflict:
        progress_update_save(
            action=action,
            period=period,
            author=action.owner,
            data=answers(),
            version="",
            submit=True,
            milestones_completed={milestone.pk: MilestoneCompleted(datetime.date(2026, 9, 1), opened)},
        )

    assert conflict.value.saved == theirs
    milestone.refresh_from_db()
    assert milestone.completed_on == datetime.date(2026, 9, 12)
    assert not ProgressUpdate.objects.exists()


# An administrator's milestone edit ----------------------------------------------------------------


def test_an_administrators_older_milestone_form_does_not_overwrite_a_later_save(
    client, action, period, milestone, admin
):
    opened = version_of(milestone)
    # The officer completes the milestone with their update after the administrator opened the form.
    progress_update_save(
        action=action,
        period=period,
        author=action.owner,
        data=answers(),
        version="",
        submit=True,
        milestones_completed={milestone.pk: MilestoneCompleted(datetime.date(2026, 9, 20), opened)},
    )
    client.force_login(admin)

    response = client.post(
        url("milestone_edit", action.partnership, pk=milestone.pk),
        milestone_form(milestone, title="Sweeps in twelve parks", completed_on=None, version=opened),
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else has changed this" in html
    assert f"{action.owner} saved this at" in html
    assert "Sweeps in twelve parks" in html and "20 September 2026" in html
    milestone.refresh_from_db()
    assert (milestone.title, milestone.completed_on) == ("Sweeps in ten parks", datetime.date(2026, 9, 20))

    again = client.post(
        url("milestone_edit", action.partnership, pk=milestone.pk),
        milestone_form(
            milestone, title="Sweeps in twelve parks", completed_on=None, version=version_of(milestone)
        ),
    )
    assert again.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title, milestone.completed_on) == ("Sweeps in twelve parks", None)


def test_the_milestone_form_carries_the_version_it_was_opened_on(client, action, milestone, admin):
    client.force_login(admin)

    page = client.get(url("milestone_edit", action.partnership, pk=milestone.pk)).content.decode()

    assert f'name="version" value="{version_of(milestone)}"' in page


# Reporting-period deadlines -----------------------------------------------------------------------


def test_an_older_deadline_form_does_not_overwrite_a_later_deadline(client, action, period, admin):
    edit = url("period_deadline", action.partnership, pk=period.pk)
    client.force_login(admin)
    assert f'name="version" value="{version_of(period)}"' in client.get(edit).content.decode()
    opened = version_of(period)
    theirs = ReportingPeriod.objects.get(pk=period.pk)
    theirs.update_deadline = datetime.date(2026, 10, 28)
    theirs.save()

    response = client.post(
        edit, {**date_input("update_deadline", datetime.date(2026, 11, 6)), "version": opened}
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "Nothing has been overwritten." in html
    assert "28 October 2026" in html and "6 November 2026" in html
    assert 'name="update_deadline_0" value="6"' in html  # the administrator's answer is kept
    period.refresh_from_db()
    assert period.update_deadline == datetime.date(2026, 10, 28)

    again = client.post(
        edit, {**date_input("update_deadline", datetime.date(2026, 11, 6)), "version": version_of(period)}
    )
    assert again.status_code == 302
    period.refresh_from_db()
    assert period.update_deadline == datetime.date(2026, 11, 6)


# The action form ----------------------------------------------------------------------------------


def test_the_action_forms_conflict_shows_the_shared_panel(client, action, admin):
    opened = version_of(action)
    theirs = type(action).objects.get(pk=action.pk)
    theirs.title = "Their title"
    theirs.save()
    client.force_login(admin)

    response = client.post(
        url("action_edit", action.partnership, pk=action.pk),
        {
            "title": "My title",
            "owner": str(action.owner.pk),
            "lead_organisation": str(action.lead_organisation_id),
            **date_input("starts_on", action.starts_on),
            "due": action.timescale,
            "status": action.status,
            "version": opened,
        },
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "after you opened this form. Nothing has been saved" in html
    assert "What is different" in html and "Their title" in html and "My title" in html


# Two saves at once -------------------------------------------------------------------------------


def test_two_saves_of_one_milestone_at_once_keep_one_and_refuse_the_other(transactional_db):
    milestone = MilestoneFactory(title="Original")
    opened = version_of(milestone)
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(title):
        try:
            mine = Milestone.objects.get(pk=milestone.pk)
            mine.title = title
            barrier.wait(timeout=10)
            outcomes[title] = save_if_unchanged(mine, version=opened)
        except EditConflict as conflict:
            outcomes[title] = conflict
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(title,)) for title in ("First", "Second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    saved = Milestone.objects.get(pk=milestone.pk)
    assert saved.title in ("First", "Second")
    loser = outcomes["Second" if saved.title == "First" else "First"]
    assert isinstance(outcomes[saved.title], Milestone)
    assert isinstance(loser, EditConflict)
    assert saved.history.count() == 2  # created, then one save
