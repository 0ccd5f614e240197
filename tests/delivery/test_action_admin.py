"""Administrators add, change and reorder the delivery plan's actions and their milestones."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from core.conflicts import EditConflict, version_of
from delivery.forms.actions import ActionForm
from delivery.models import Action, Milestone
from delivery.services.actions import action_create, action_move, action_update
from delivery.services.milestones import milestone_add
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.delivery.factories import ActionFactory, MilestoneFactory
from tests.priorities.factories import StrategicAmbitionFactory

pytestmark = pytest.mark.django_db

ADMINISTRATOR, OFFICER, BOARD_MEMBER = (
    Membership.Role.ADMINISTRATOR,
    Membership.Role.OFFICER,
    Membership.Role.BOARD_MEMBER,
)


@pytest.fixture
def ambition():
    return StrategicAmbitionFactory(priority__order=2, order=1, title="Reduce knife crime")


@pytest.fixture
def partnership(ambition):
    return ambition.priority.strategy.partnership


@pytest.fixture
def admin(partnership, member_of):
    return member_of(partnership, ADMINISTRATOR)


def url(name, partnership, **kwargs):
    return reverse(f"delivery:{name}", kwargs={"slug": partnership.slug, **kwargs})


def actions_in(ambition, count):
    """Actions due on the date `form_data` gives, so that an edit moves no due date unless it says so."""
    return [
        ActionFactory(
            ambition=ambition,
            order=i + 1,
            title=f"Action {i + 1}",
            starts_on=datetime.date(2026, 4, 1),
            due_on=datetime.date(2027, 3, 31),
        )
        for i in range(count)
    ]


def form_data(person, **changes):
    """The action form's fields, with the person as the owner."""
    data = {
        "title": "Run weapon sweeps in parks",
        "description": "With the Safer Neighbourhood teams.",
        "owner": str(person.pk),
        "lead_organisation": str(person.memberships.first().organisation_id),
        "starts_on_0": "1",
        "starts_on_1": "4",
        "starts_on_2": "2026",
        "due": "31/03/2027",
        "status": "in_progress",
        "completed_on_0": "",
        "completed_on_1": "",
        "completed_on_2": "",
        "resources": "Within existing budgets",
        "success_measure": "Fewer weapons found each quarter",
    }
    data.update(changes)
    return data


def bound_form(partnership, data, instance=None):
    form = ActionForm(data=data, partnership=partnership, instance=instance)
    form.is_valid()
    return form


# Form --------------------------------------------------------------------------------------------


def test_owner_and_delegates_are_chosen_from_the_partnerships_active_members(partnership, member_of):
    member = member_of(partnership)
    inactive = MembershipFactory(partnership=partnership, is_active=False).user
    outsider = MembershipFactory().user

    form = ActionForm(partnership=partnership)

    assert member in form.fields["owner"].queryset
    assert inactive not in form.fields["owner"].queryset
    assert outsider not in form.fields["owner"].queryset
    assert set(form.fields["delegates"].queryset) == set(form.fields["owner"].queryset)
    for person in (inactive, outsider):
        form = bound_form(partnership, form_data(person, delegates=[str(person.pk)]))
        assert form.errors["owner"] == ["Choose an active member of this partnership as the lead officer"]
        assert form.errors["delegates"] == ["Choose active members of this partnership as delegates"]


def test_the_owner_is_labelled_with_their_organisation(partnership):
    membership = MembershipFactory(
        partnership=partnership, organisation__name="London Fire Brigade", organisation__short_name="LFB"
    )

    choices = dict(ActionForm(partnership=partnership).fields["owner"].choices)

    assert f"{membership.user} (London Fire Brigade)" in choices.values()


def test_partner_organisations_are_the_partnerships_own(partnership, member_of):
    ours = OrganisationFactory(partnership=partnership)
    theirs = OrganisationFactory()

    good = bound_form(partnership, form_data(member_of(partnership), partner_organisations=[str(ours.pk)]))
    bad = bound_form(partnership, form_data(member_of(partnership), partner_organisations=[str(theirs.pk)]))

    assert good.is_valid(), good.errors
    assert bad.errors["partner_organisations"] == ["Choose organisations of this partnership"]


def test_a_completed_action_needs_its_completion_date_in_the_past(partnership, member_of):
    owner = member_of(partnership)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    missing = bound_form(partnership, form_data(owner, status="completed"))
    future = bound_form(
        partnership,
        form_data(
            owner,
            status="completed",
            completed_on_0=str(tomorrow.day),
            completed_on_1=str(tomorrow.month),
            completed_on_2=str(tomorrow.year),
        ),
    )
    done = bound_form(
        partnership,
        form_data(owner, status="completed", completed_on_0="3", completed_on_1="2", completed_on_2="2026"),
    )

    assert missing.errors["completed_on"] == ["Enter the date the action was completed"]
    assert future.errors["completed_on"] == ["The date completed must be today or in the past"]
    assert done.is_valid(), done.errors
    assert done.cleaned_data["completed_on"] == datetime.date(2026, 2, 3)


def test_the_completion_date_is_cleared_unless_the_action_is_completed(partnership, member_of):
    form = bound_form(
        partnership,
        form_data(
            member_of(partnership),
            status="on_hold",
            completed_on_0="3",
            completed_on_1="2",
            completed_on_2="x",
        ),
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["completed_on"] is None


def test_the_due_date_cannot_come_before_the_start_and_the_owner_is_no_delegate(partnership, member_of):
    owner = member_of(partnership)

    form = bound_form(partnership, form_data(owner, due="31/03/2025", delegates=[str(owner.pk)]))

    assert form.errors["due"] == ["The due date must be the same as or after the start date"]
    assert form.errors["delegates"] == [
        "The owner can already update the action: do not make them a delegate too"
    ]


def test_a_milestone_cannot_be_completed_in_the_future_by_any_writer(client, partnership, admin, ambition):
    [action] = actions_in(ambition, 1)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    client.force_login(admin)

    response = client.post(
        url("action_milestones", partnership, pk=action.pk),
        {
            "title": "Sweeps in all parks",
            "due_on_0": "1",
            "due_on_1": "9",
            "due_on_2": "2026",
            "completed_on_0": str(tomorrow.day),
            "completed_on_1": str(tomorrow.month),
            "completed_on_2": str(tomorrow.year),
        },
    )

    assert response.status_code == 200
    assert "The date completed must be today or in the past" in response.content.decode()
    assert not Milestone.objects.exists()
    with pytest.raises(ValidationError, match="today or in the past"):
        milestone_add(action=action, title="Sweeps", due_on=tomorrow, completed_on=tomorrow)


# Services ----------------------------------------------------------------------------------------


def test_a_new_action_goes_to_the_end_of_its_ambition_with_its_people_and_partners(
    ambition, partnership, member_of
):
    actions_in(ambition, 2)
    owner, delegate = member_of(partnership), member_of(partnership)
    partner = OrganisationFactory(partnership=partnership)

    action = action_create(
        ambition=ambition,
        data={
            "title": "Run weapon sweeps in parks",
            "owner": owner,
            "delegates": [delegate],
            "partner_organisations": [partner],
            "starts_on": datetime.date(2026, 4, 1),
            "due_on": datetime.date(2027, 3, 31),
            "status": Action.Status.NOT_STARTED,
            "completed_on": None,
        },
    )

    assert action.order == 3
    assert action.reference == "2.1.3"
    assert list(action.delegates.all()) == [delegate]
    assert list(action.partner_organisations.all()) == [partner]


def test_the_service_refuses_people_from_outside_the_partnership(ambition, partnership):
    with pytest.raises(ValidationError) as error:
        action_create(
            ambition=ambition,
            data={
                "title": "Anything",
                "owner": MembershipFactory().user,
                "starts_on": datetime.date(2026, 4, 1),
                "due_on": datetime.date(2027, 3, 31),
            },
        )

    assert "owner" in error.value.message_dict
    assert not Action.objects.exists()


@pytest.mark.parametrize(("index", "direction", "titles"), [
    (1, "up", ["Action 2", "Action 1", "Action 3"]),
    (1, "down", ["Action 1", "Action 3", "Action 2"]),
])  # fmt: skip
def test_moving_an_action_swaps_it_with_its_neighbour(ambition, index, direction, titles):
    actions = actions_in(ambition, 3)

    action_move(action=actions[index], direction=direction)

    assert (
        list(Action.objects.filter(ambition=ambition).order_by("order").values_list("title", flat=True))
        == titles
    )
    assert list(
        Action.objects.filter(ambition=ambition).order_by("order").values_list("order", flat=True)
    ) == [1, 2, 3]
    moved = Action.objects.get(pk=actions[index].pk)
    assert moved.history.first().history_change_reason == f"Moved to position {moved.order}"


def test_a_move_numbers_the_actions_1_2_3_without_gaps(ambition):
    first = ActionFactory(ambition=ambition, order=1)
    third = ActionFactory(ambition=ambition, order=3)

    action_move(action=third, direction="up")

    first.refresh_from_db()
    third.refresh_from_db()
    assert (third.order, first.order) == (1, 2)


@pytest.mark.parametrize(("index", "direction"), [(0, "up"), (1, "down"), (0, "sideways")])
def test_the_first_cannot_move_up_nor_the_last_down(ambition, index, direction):
    actions = actions_in(ambition, 2)

    with pytest.raises(ValidationError):
        action_move(action=actions[index], direction=direction)

    assert [a.order for a in Action.objects.order_by("pk")] == [1, 2]


def test_an_edit_opened_before_someone_elses_save_is_refused(ambition):
    [action] = actions_in(ambition, 1)
    version = version_of(action)
    action.title = "Changed elsewhere"
    action.save()

    with pytest.raises(EditConflict):
        action_update(action=action, data={"title": "Mine", "owner": action.owner}, version=version)

    action.refresh_from_db()
    assert action.title == "Changed elsewhere"


# Pages -------------------------------------------------------------------------------------------


def test_adding_an_action_through_the_form(client, ambition, partnership, admin, member_of):
    actions_in(ambition, 1)
    owner, delegate = member_of(partnership), member_of(partnership)
    partner = OrganisationFactory(partnership=partnership, name="London Fire Brigade")
    client.force_login(admin)
    assert (
        "Add an action"
        in client.get(url("action_create", partnership, ambition_pk=ambition.pk)).content.decode()
    )

    response = client.post(
        url("action_create", partnership, ambition_pk=ambition.pk),
        form_data(owner, delegates=[str(delegate.pk)], partner_organisations=[str(partner.pk)]),
    )

    assert response.status_code == 302
    action = Action.objects.get(title="Run weapon sweeps in parks")
    assert (action.ambition, action.order, action.owner) == (ambition, 2, owner)
    assert list(action.delegates.all()) == [delegate]
    page = client.get(response["Location"]).content.decode()
    assert "Action 2.1.2 added." in page
    assert "London Fire Brigade" in page


def test_a_bad_new_action_is_refused_with_an_error_summary_and_saves_nothing(
    client, ambition, partnership, admin
):
    client.force_login(admin)

    response = client.post(
        url("action_create", partnership, ambition_pk=ambition.pk),
        form_data(admin, title="", status="completed", due="45/03/2027"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html and "govuk-error-summary" in html
    assert "Enter the action&#x27;s title" in html
    assert "“45/03/2027” is not a real date: check the day and month" in html
    assert "Enter the date the action was completed" in html
    assert not Action.objects.exists()


def test_editing_an_action_through_the_form(client, ambition, partnership, admin, member_of):
    [action] = actions_in(ambition, 1)
    new_owner = member_of(partnership)
    client.force_login(admin)
    page = client.get(url("action_edit", partnership, pk=action.pk)).content.decode()
    assert f'value="{version_of(action)}"' in page

    response = client.post(
        url("action_edit", partnership, pk=action.pk),
        form_data(
            new_owner,
            title="Sweep every park",
            status="completed",
            completed_on_0="1",
            completed_on_1="10",
            completed_on_2="2026",
            version=version_of(action),
        ),
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.owner, action.status) == ("Sweep every park", new_owner, "completed")
    assert action.completed_on == datetime.date(2026, 10, 1)
    assert "Action 2.1.1 updated." in client.get(response["Location"]).content.decode()


def test_a_stale_edit_is_shown_the_conflict_and_saves_nothing(client, ambition, partnership, admin):
    [action] = actions_in(ambition, 1)
    stale = version_of(action)
    action.title = "Their title"
    action.save()
    client.force_login(admin)

    response = client.post(
        url("action_edit", partnership, pk=action.pk),
        form_data(action.owner, title="My title", version=stale),
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "govuk-error-summary" in html and "after you opened this form. Nothing has been saved" in html
    assert "My title" in html
    action.refresh_from_db()
    assert action.title == "Their title"
    assert f'value="{version_of(action)}"' in html


def test_a_bad_edit_saves_nothing(client, ambition, partnership, admin):
    [action] = actions_in(ambition, 1)
    client.force_login(admin)

    response = client.post(
        url("action_edit", partnership, pk=action.pk),
        form_data(action.owner, title="New", owner="", version=version_of(action)),
    )

    # With no lead officer, someone must answer for the returns: the lead agency's nominated contact.
    assert "Name a lead officer, or first give" in response.content.decode()
    action.refresh_from_db()
    assert action.title == "Action 1"


def test_moving_through_the_edit_page(client, ambition, partnership, admin):
    first, second = actions_in(ambition, 2)
    client.force_login(admin)
    edit_url = url("action_edit", partnership, pk=first.pk)
    page = client.get(edit_url).content.decode()
    assert url("action_move", partnership, pk=second.pk) in page

    move = url("action_move", partnership, pk=second.pk)
    response = client.post(move, {"direction": "up", "order": "2", "next": edit_url})

    assert response["Location"] == edit_url
    assert "Action “Action 2” is now 2.1.1." in client.get(edit_url).content.decode()
    assert list(Action.objects.order_by("order").values_list("title", flat=True)) == ["Action 2", "Action 1"]


def test_a_repeated_move_click_moves_the_action_once(client, ambition, partnership, admin):
    *_, third = actions_in(ambition, 3)
    client.force_login(admin)
    edit_url = url("action_edit", partnership, pk=third.pk)

    for _ in range(2):  # the same form, posted twice
        response = client.post(
            url("action_move", partnership, pk=third.pk), {"direction": "up", "order": "3", "next": edit_url}
        )

    assert "The order of the actions had already changed" in client.get(response["Location"]).content.decode()
    titles = list(Action.objects.order_by("order").values_list("title", flat=True))
    assert titles == ["Action 1", "Action 3", "Action 2"]


def test_moving_the_first_up_is_explained_and_an_outside_next_is_ignored(
    client, ambition, partnership, admin
):
    first, _ = actions_in(ambition, 2)
    client.force_login(admin)

    response = client.post(
        url("action_move", partnership, pk=first.pk),
        {"direction": "up", "order": "1", "next": "https://example.com/"},
    )

    assert response["Location"] == url("action_edit", partnership, pk=first.pk)
    assert "already first" in client.get(response["Location"]).content.decode()


def test_milestones_are_added_changed_and_removed(client, ambition, partnership, admin):
    [action] = actions_in(ambition, 1)
    client.force_login(admin)
    milestones_url = url("action_milestones", partnership, pk=action.pk)

    added = client.post(
        milestones_url,
        {"title": "Sweeps in ten parks", "due_on_0": "30", "due_on_1": "9", "due_on_2": "2026"},
    )
    milestone = Milestone.objects.get(action=action)
    changed = client.post(
        url("milestone_edit", partnership, pk=milestone.pk),
        {
            "title": "Sweeps in twelve parks",
            "due_on_0": "31",
            "due_on_1": "10",
            "due_on_2": "2026",
            "completed_on_0": "1",
            "completed_on_1": "10",
            "completed_on_2": "2026",
            "version": version_of(milestone),
        },
    )
    milestone.refresh_from_db()
    page = client.get(milestones_url).content.decode()
    removed = client.post(url("milestone_remove", partnership, pk=milestone.pk))

    assert added["Location"] == changed["Location"] == removed["Location"] == milestones_url
    assert (milestone.title, milestone.due_on, milestone.completed_on) == (
        "Sweeps in twelve parks",
        datetime.date(2026, 10, 31),
        datetime.date(2026, 10, 1),
    )
    assert "Sweeps in twelve parks" in page
    assert not Milestone.objects.exists()


def test_a_bad_milestone_is_refused_and_saves_nothing(client, ambition, partnership, admin):
    [action] = actions_in(ambition, 1)
    client.force_login(admin)

    response = client.post(
        url("action_milestones", partnership, pk=action.pk),
        {"title": "", "due_on_0": "30", "due_on_1": "", "due_on_2": "2026"},
    )

    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter the milestone" in html
    assert "The due date must include a month" in html
    assert not Milestone.objects.exists()


def test_the_action_page_offers_administrators_the_edit(client, ambition, partnership, admin, member_of):
    [action] = actions_in(ambition, 1)
    edit_url = url("action_edit", partnership, pk=action.pk)

    client.force_login(admin)
    assert edit_url in client.get(action.get_absolute_url()).content.decode()
    client.force_login(action.owner)
    assert edit_url not in client.get(action.get_absolute_url()).content.decode()


# Who may do what ---------------------------------------------------------------------------------


def change_requests(partnership, ambition, action, milestone):
    return [
        ("get", url("action_create", partnership, ambition_pk=ambition.pk), {}),
        ("post", url("action_create", partnership, ambition_pk=ambition.pk), form_data(action.owner)),
        ("get", url("action_edit", partnership, pk=action.pk), {}),
        ("post", url("action_edit", partnership, pk=action.pk), form_data(action.owner, version=version_of(action))),
        ("post", url("action_move", partnership, pk=action.pk), {"direction": "down"}),
        ("get", url("action_milestones", partnership, pk=action.pk), {}),
        ("post", url("action_milestones", partnership, pk=action.pk), {"title": "M", "due_on_0": "1", "due_on_1": "1", "due_on_2": "2027"}),
        ("get", url("milestone_edit", partnership, pk=milestone.pk), {}),
        ("post", url("milestone_remove", partnership, pk=milestone.pk), {}),
    ]  # fmt: skip


@pytest.mark.parametrize("role", [OFFICER, BOARD_MEMBER])
def test_officers_and_board_members_change_no_action(client, ambition, partnership, member_of, role):
    action, _ = actions_in(ambition, 2)
    milestone = MilestoneFactory(action=action)
    people = [member_of(partnership, role), action.owner]

    for person in people:
        client.force_login(person)
        for method, address, data in change_requests(partnership, ambition, action, milestone):
            assert getattr(client, method)(address, data).status_code == 403, (person, address)

    assert Action.objects.count() == 2 and Milestone.objects.count() == 1
    action.refresh_from_db()
    assert (action.title, action.order) == ("Action 1", 1)


def test_another_partnerships_actions_answer_404(client, partnership, admin):
    their_ambition = StrategicAmbitionFactory(title="Their secret ambition")
    [their_action] = actions_in(their_ambition, 1)
    their_milestone = MilestoneFactory(action=their_action)
    client.force_login(admin)

    for method, address, data in change_requests(partnership, their_ambition, their_action, their_milestone):
        response = getattr(client, method)(address, data)
        assert response.status_code == 404, address
        assert b"secret" not in response.content
    theirs = their_ambition.priority.strategy.partnership
    assert client.get(url("action_edit", theirs, pk=their_action.pk)).status_code == 404
    assert Milestone.objects.filter(pk=their_milestone.pk).exists()


def test_the_edit_form_ticks_the_actions_delegates_and_partners(
    client, ambition, partnership, admin, member_of
):
    [action] = actions_in(ambition, 1)
    delegate, other = member_of(partnership), member_of(partnership)
    partner = OrganisationFactory(partnership=partnership)
    action.delegates.add(delegate)
    action.partner_organisations.add(partner)
    client.force_login(admin)

    html = client.get(url("action_edit", partnership, pk=action.pk)).content.decode()

    def ticked(name, pk):
        return re.search(rf'name="{name}"[^>]*value="{pk}"\s*checked', html) is not None

    assert ticked("delegates", delegate.pk)
    assert not ticked("delegates", other.pk)
    assert f'value="{other.pk}"' in html
    assert ticked("partner_organisations", partner.pk)
