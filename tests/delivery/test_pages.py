import re

import pytest
from django.urls import reverse

from accounts.models import Membership
from core.conflicts import version_of
from core.ratings import Rating
from delivery.models import Action, ProgressUpdate, ReportingPeriod, Tag
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.delivery.factories import (
    ActionFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db


def url(name, action, **kwargs):
    return reverse(f"delivery:{name}", kwargs={"slug": action.partnership.slug, "pk": action.pk, **kwargs})


@pytest.fixture
def action():
    return ActionFactory(title="Run the knife crime awareness sessions")


@pytest.fixture
def period(action):
    return ReportingPeriodFactory(
        partnership=action.partnership, name="Q2 2026/27", state=ReportingPeriod.State.OPEN
    )


def form_data(**changes):
    data = {
        "rating": "green",
        "percent_complete": "40",
        "narrative": "Sessions booked in six schools.",
        "issues_and_risks": "",
        "mitigation": "",
        "board_ask": "",
        "exceptional_performance_reason": "",
        "version": "",
        "submit": "",
    }
    data.update(changes)
    return data


def test_my_actions_lists_owned_delegated_and_led_actions_with_the_periods_return(client, action, period):
    delegated = ActionFactory(ambition=action.ambition, title="Delegated to the owner")
    delegated.delegates.add(action.owner)
    led = ActionFactory(
        ambition__priority__strategy=action.ambition.priority.strategy, title="Under a led priority"
    )
    led.ambition.priority.lead = action.owner
    led.ambition.priority.save()
    ProgressUpdateFactory(action=action, period=period, submitted_at="2026-10-10T10:00Z")
    ActionFactory(ambition=action.ambition, title="Someone else's action")
    client.force_login(action.owner)

    response = client.get(reverse("delivery:my_actions", kwargs={"slug": action.partnership.slug}))

    html = response.content.decode()
    assert "Run the knife crime awareness sessions" in html
    assert "Delegated to the owner" in html
    assert "Under a led priority" in html
    assert "Someone else&#x27;s action" not in html
    assert "Submitted" in html
    assert "Q2 2026/27" in html
    assert '2<span class="govuk-visually-hidden"> updates due</span>' in html


def test_the_navigations_count_of_updates_due_follows_each_submission_and_each_new_action(
    client, action, period
):
    """Its query is put together once a process (`delivery.context_processors`); what it counts is read
    on every page."""
    client.force_login(action.owner)

    def updates_due() -> str:
        html = client.get(reverse("meetings:meeting_list", kwargs={"slug": action.partnership.slug})).content
        found = re.search(r'(\d+)<span class="govuk-visually-hidden"> updates due', html.decode())
        return found.group(1) if found else "none"

    assert updates_due() == "1"
    ActionFactory(ambition=action.ambition).delegates.add(action.owner)
    assert updates_due() == "2"
    client.post(url("progress_update", action), form_data())
    assert updates_due() == "1"
    period.state = ReportingPeriod.State.LOCKED
    period.save()
    assert updates_due() == "none"


def test_submitting_an_update_through_the_form(client, action, period):
    client.force_login(action.owner)

    response = client.post(url("progress_update", action), form_data())

    assert response.status_code == 302
    update = ProgressUpdate.objects.get(action=action, period=period)
    assert update.is_submitted and update.narrative == "Sessions booked in six schools."
    page = client.get(response["Location"]).content.decode()
    assert "Progress update for Q2 2026/27 submitted." in page
    assert "Sessions booked in six schools." in page


def test_red_without_mitigation_is_refused_on_the_page_keeping_what_was_typed(client, action, period):
    client.force_login(action.owner)

    response = client.post(url("progress_update", action), form_data(rating="red"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "govuk-error-summary" in html
    assert "Describe the mitigation or corrective action for a red or amber rating." in html
    assert "Sessions booked in six schools." in html
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rating": ""}, "Choose a status rating"),
        ({"percent_complete": "lots"}, "Enter how complete the action is as a whole number"),
        ({"percent_complete": "101"}, "Per cent complete must be 100 or less"),
        ({"is_exceptional_performance": "on"}, "Say why the performance is exceptional."),
    ],
)
def test_bad_answers_get_a_clear_message_and_save_nothing(client, action, period, changes, message):
    client.force_login(action.owner)

    response = client.post(url("progress_update", action), form_data(**changes))

    assert message in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_a_future_milestone_completion_date_is_refused(client, action, period):
    milestone = MilestoneFactory(action=action)
    client.force_login(action.owner)

    response = client.post(
        url("progress_update", action),
        form_data(
            **{
                f"milestone_{milestone.pk}_0": "1",
                f"milestone_{milestone.pk}_1": "1",
                f"milestone_{milestone.pk}_2": "2999",
            }
        ),
    )

    assert "The completion date must be today or in the past" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.completed_on is None


def test_a_stale_form_shows_both_versions_and_keeps_the_users_text(client, action, period):
    saved = ProgressUpdateFactory(action=action, period=period, narrative="The owner's words")
    client.force_login(action.owner)

    response = client.post(url("progress_update", action), form_data(narrative="My own words"))

    html = response.content.decode()
    assert response.status_code == 409
    assert "Nothing has been overwritten." in html
    assert "The owner&#x27;s words" in html
    assert "My own words" in html
    assert f'name="version" value="{version_of(saved)}"' in html
    saved.refresh_from_db()
    assert saved.narrative == "The owner's words"

    resubmitted = client.post(
        url("progress_update", action), form_data(narrative="My own words", version=version_of(saved))
    )
    assert resubmitted.status_code == 302
    saved.refresh_from_db()
    assert saved.narrative == "My own words"


def test_no_open_period_means_no_form(client, action):
    ReportingPeriodFactory(partnership=action.partnership, state=ReportingPeriod.State.LOCKED)
    client.force_login(action.owner)

    page = client.get(url("progress_update", action)).content.decode()
    refused = client.post(url("progress_update", action), form_data())

    assert "No reporting period is open for updates" in page
    assert refused.status_code == 409
    assert not ProgressUpdate.objects.exists()


def test_action_page_shows_the_timeline_with_direction_of_travel_and_the_change_history(client, action):
    earlier = ReportingPeriodFactory(partnership=action.partnership, name="Q1", state="locked")
    later = ReportingPeriodFactory(partnership=action.partnership, name="Q2")
    ProgressUpdateFactory(
        action=action,
        period=earlier,
        rating=Rating.AMBER,
        mitigation="Extra staff",
        submitted_at="2026-07-01T09:00Z",
    )
    ProgressUpdateFactory(action=action, period=later, rating=Rating.GREEN, submitted_at="2026-10-01T09:00Z")
    action.title = "Run the knife crime sessions in every school"
    action.save()
    client.force_login(action.owner)

    html = client.get(url("action_detail", action)).content.decode()

    assert html.index(">Q2<") < html.index(">Q1<")
    assert "Direction of travel: Improved" in html
    assert "Direction of travel: Newly rated" in html
    assert (
        "Title changed from “Run the knife crime awareness sessions” to “Run the knife crime sessions in every school”"
        in html
    )


def test_board_members_read_but_cannot_update(client, action, period):
    board_member = MembershipFactory(partnership=action.partnership, role=Membership.Role.BOARD_MEMBER).user
    client.force_login(board_member)

    detail = client.get(url("action_detail", action))
    form = client.get(url("progress_update", action))
    post = client.post(url("progress_update", action), form_data())

    assert detail.status_code == 200
    assert url("progress_update", action) not in detail.content.decode()
    assert form.status_code == 403
    assert "You do not have permission to do this" in form.content.decode()
    assert post.status_code == 403
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", 200),
        ("delegate", 200),
        ("priority lead", 200),
        ("administrator", 200),
        ("other officer", 403),
        ("board member", 403),
        ("other partnership", 404),
    ],
)
def test_who_may_open_the_update_form(client, action, period, who, expected):
    partnership = action.partnership
    if who == "owner":
        user = action.owner
    elif who == "delegate":
        user = MembershipFactory(partnership=partnership).user
        action.delegates.add(user)
    elif who == "priority lead":
        user = action.ambition.priority.lead
    elif who == "administrator":
        user = MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user
    elif who == "board member":
        user = MembershipFactory(partnership=partnership, role=Membership.Role.BOARD_MEMBER).user
    elif who == "other officer":
        user = MembershipFactory(partnership=partnership).user
    else:
        user = MembershipFactory().user
    client.force_login(user)

    assert client.get(url("progress_update", action)).status_code == expected
    assert client.get(url("action_detail", action)).status_code == (404 if expected == 404 else 200)


def test_owner_adds_and_removes_a_delegate_from_the_partnership_only(client, action):
    colleague = MembershipFactory(partnership=action.partnership).user
    outsider = MembershipFactory().user
    client.force_login(action.owner)

    refused = client.post(url("action_delegates", action), {"delegate": outsider.pk})
    added = client.post(url("action_delegates", action), {"delegate": colleague.pk})

    assert "Choose a member of this partnership" in refused.content.decode()
    assert added.status_code == 302
    assert list(action.delegates.all()) == [colleague]
    client.post(url("action_delegates", action), {"remove": colleague.pk})
    assert not action.delegates.exists()


def test_a_delegate_cannot_manage_delegates(client, action):
    delegate = MembershipFactory(partnership=action.partnership).user
    action.delegates.add(delegate)
    client.force_login(delegate)

    assert client.get(url("action_delegates", action)).status_code == 403


def test_reopening_a_completed_action_needs_a_reason(client, action):
    action.status, action.completed_on = Action.Status.COMPLETED, action.due_on
    action.save()
    client.force_login(action.owner)

    refused = client.post(url("action_reopen", action), {"reason": ""})
    reopened = client.post(url("action_reopen", action), {"reason": "More schools asked for sessions."})

    assert "Say why the action is being reopened" in refused.content.decode()
    assert reopened.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    assert (
        "Reopened: More schools asked for sessions."
        in client.get(url("action_detail", action)).content.decode()
    )


def test_delivery_plan_filters_are_kept_in_the_url_and_limited_to_the_partnership(client, action, period):
    red = ActionFactory(ambition=action.ambition, title="A red action")
    ProgressUpdateFactory(
        action=red, period=period, rating=Rating.RED, mitigation="Escalated", submitted_at="2026-10-01T09:00Z"
    )
    ActionFactory(title="Another partnership's action")
    client.force_login(action.owner)
    list_url = reverse("delivery:action_list", kwargs={"slug": action.partnership.slug})

    everything = client.get(list_url).content.decode()
    only_red = client.get(list_url, {"rating": "red", "sort": "due"}).content.decode()

    assert "Run the knife crime awareness sessions" in everything
    assert "Another partnership" not in everything
    assert "A red action" in only_red
    assert "Run the knife crime awareness sessions" not in only_red
    assert '<option value="red" selected>' in only_red


def test_delivery_plan_rejects_a_choice_from_another_partnership(client, action):
    other = ActionFactory()
    client.force_login(action.owner)

    response = client.get(
        reverse("delivery:action_list", kwargs={"slug": action.partnership.slug}),
        {"owner": other.owner.pk},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert other.title not in response.content.decode()


@pytest.mark.parametrize("page", ["my_actions", "action_list"])
def test_list_pages_make_the_same_queries_for_1_and_50_actions(client, page, assert_same_queries):
    def make_rows(count):
        first = ActionFactory()
        partnership = first.partnership
        period = ReportingPeriodFactory(partnership=partnership)
        # Each action with what a published plan gives it: joint leads, partners, themes and places.
        tag = Tag.objects.create(partnership=partnership, name=f"Theme {count}")
        joint, partner = OrganisationFactory.create_batch(2, partnership=partnership)
        for action in [
            first,
            *ActionFactory.create_batch(count - 1, ambition=first.ambition, owner=first.owner),
        ]:
            ProgressUpdateFactory(action=action, period=period, submitted_at="2026-10-01T09:00Z")
            action.tags.add(tag)
            action.lead_partners.add(joint)
            action.partner_organisations.add(partner)
        client.force_login(first.owner)
        return reverse(f"delivery:{page}", kwargs={"slug": partnership.slug})

    responses = assert_same_queries(make_rows, client.get)

    assert [response.status_code for response in responses] == [200, 200]


def test_action_page_makes_the_same_queries_for_1_and_50_updates_and_changes(client, assert_same_queries):
    def make_rows(count):
        action = ActionFactory()
        for i in range(count):
            period = ReportingPeriodFactory(partnership=action.partnership)
            ProgressUpdateFactory(action=action, period=period, submitted_at="2026-10-01T09:00Z")
            MilestoneFactory(action=action)
            action.title = f"Title {i}"
            action.save()
        client.force_login(action.owner)
        return url("action_detail", action)

    responses = assert_same_queries(make_rows, client.get)

    assert [response.status_code for response in responses] == [200, 200]


def test_removing_a_delegate_with_a_nonsense_value_answers_404(client, action):
    client.force_login(action.owner)

    response = client.post(url("action_delegates", action), {"remove": "abc"})

    assert response.status_code == 404
