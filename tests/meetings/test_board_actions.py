"""The board's action log: raising board actions, their owners' progress, the partnership-wide log,
matters arising at the next meeting of the same body, and the delivery-plan action's page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Membership
from core.conflicts import EditConflict, version_of
from core.limits import SHORT_TEXT_MAX_LENGTH
from meetings.models import BoardAction, BoardActionNote
from meetings.services.board_actions import (
    board_action_create,
    board_action_progress_add,
    board_action_update,
)
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.delivery.factories import ActionFactory
from tests.meetings.factories import (
    AgendaItemFactory,
    BoardActionFactory,
    BoardActionNoteFactory,
    BodyFactory,
    MeetingFactory,
)
from tests.priorities.factories import PriorityFactory, StrategyFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> Ⅽirculate the rеgister'  # markup and look-alike letters


def admin_of(partnership):
    return MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user


def officer_of(partnership):
    return MembershipFactory(partnership=partnership, role=Membership.Role.OFFICER).user


def plan_of(partnership):
    """An action of the partnership's delivery plan."""
    return ActionFactory(ambition__priority__strategy__partnership=partnership)


def url(name, slug, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"slug": slug, **kwargs})


@pytest.fixture
def meeting():
    return MeetingFactory(held_on=datetime.date(2026, 3, 10))


# Services: coherence, progress, history.


def test_board_action_create_keeps_everything_of_the_partnership(meeting):
    partnership = meeting.partnership
    owner, admin = officer_of(partnership), admin_of(partnership)
    organisation = OrganisationFactory(partnership=partnership)
    item = AgendaItemFactory(meeting=meeting)
    action = plan_of(partnership)
    priority = action.ambition.priority

    board_action = board_action_create(
        meeting=meeting,
        data={
            "description": "Write domestic abuse of the elderly into the Plan.",
            "owner": owner,
            "owner_organisation": organisation,
            "due_on": datetime.date(2026, 6, 1),
            "agenda_item": item,
            "action": action,
            "priority": priority,
        },
        by=admin,
    )

    assert board_action.status == BoardAction.Status.OPEN
    record = board_action.history.get()
    assert record.history_user == admin
    assert record.history_change_reason == "Raised at the meeting"


@pytest.mark.parametrize("field", ["owner", "owner_organisation", "agenda_item", "action", "priority"])
def test_board_action_create_refuses_another_partnerships_records(meeting, field):
    other = MeetingFactory()
    theirs = {
        "owner": lambda: officer_of(other.partnership),
        "owner_organisation": lambda: OrganisationFactory(partnership=other.partnership),
        "agenda_item": lambda: AgendaItemFactory(meeting=other),
        "action": lambda: plan_of(other.partnership),
        "priority": lambda: PriorityFactory(strategy=StrategyFactory(partnership=other.partnership)),
    }[field]()

    with pytest.raises(ValidationError) as refused:
        board_action_create(
            meeting=meeting,
            data={"description": "Something.", field: theirs},
            by=admin_of(meeting.partnership),
        )

    assert field in refused.value.message_dict
    assert not BoardAction.objects.exists()


def test_board_action_create_refuses_an_agenda_item_of_another_meeting_of_the_partnership(meeting):
    later = MeetingFactory(partnership=meeting.partnership, body=meeting.body)

    with pytest.raises(ValidationError) as refused:
        board_action_create(
            meeting=meeting,
            data={"description": "Something.", "agenda_item": AgendaItemFactory(meeting=later)},
            by=admin_of(meeting.partnership),
        )

    assert "agenda_item" in refused.value.message_dict


def test_board_action_create_refuses_a_former_member_as_owner(meeting):
    membership = MembershipFactory(partnership=meeting.partnership, is_active=False)

    with pytest.raises(ValidationError) as refused:
        board_action_create(
            meeting=meeting, data={"description": "Something.", "owner": membership.user}, by=membership.user
        )

    assert "owner" in refused.value.message_dict


def test_an_edit_keeps_an_owner_whose_membership_has_ended(meeting):
    membership = MembershipFactory(partnership=meeting.partnership)
    board_action = BoardActionFactory(meeting=meeting, owner=membership.user)
    membership.is_active = False
    membership.save()

    saved = board_action_update(
        board_action=board_action,
        data={"description": "Changed.", "owner": membership.user},
        version=version_of(board_action),
        by=admin_of(meeting.partnership),
    )

    assert saved.description == "Changed."


def test_board_action_update_refuses_a_form_opened_before_another_save(meeting):
    board_action = BoardActionFactory(meeting=meeting)
    opened = version_of(board_action)
    board_action.description = "Someone else's change."
    board_action.save()

    with pytest.raises(EditConflict):
        board_action_update(
            board_action=board_action,
            data={"description": "Mine."},
            version=opened,
            by=admin_of(meeting.partnership),
        )

    board_action.refresh_from_db()
    assert board_action.description == "Someone else's change."


def test_the_owner_adds_progress_and_closes_it_and_the_history_says_so(meeting):
    owner = officer_of(meeting.partnership)
    board_action = BoardActionFactory(meeting=meeting, owner=owner)

    note = board_action_progress_add(
        board_action=board_action, text="  Sent to the chair.  ", status=BoardAction.Status.DONE, by=owner
    )

    assert note.text == "Sent to the chair."
    assert note.author == owner
    board_action.refresh_from_db()
    assert board_action.status == BoardAction.Status.DONE
    latest = board_action.history.order_by("-history_id").first()
    assert latest.history_user == owner
    assert latest.history_change_reason == "Marked done"
    assert latest.status == BoardAction.Status.DONE


def test_progress_without_a_change_of_status_leaves_the_history_alone(meeting):
    owner = officer_of(meeting.partnership)
    board_action = BoardActionFactory(meeting=meeting, owner=owner)
    records = board_action.history.count()

    board_action_progress_add(board_action=board_action, text="Under way.", status="open", by=owner)

    assert board_action.history.count() == records
    assert board_action.notes.count() == 1


@pytest.mark.parametrize("text", ["", "   ", "x" * (SHORT_TEXT_MAX_LENGTH + 1)])
def test_progress_refuses_empty_or_over_long_notes(meeting, text):
    owner = officer_of(meeting.partnership)
    board_action = BoardActionFactory(meeting=meeting, owner=owner)

    with pytest.raises(ValidationError) as refused:
        board_action_progress_add(board_action=board_action, text=text, status="done", by=owner)

    assert "text" in refused.value.message_dict
    board_action.refresh_from_db()
    assert board_action.status == BoardAction.Status.OPEN
    assert not BoardActionNote.objects.exists()


# Permissions and pages.


def test_the_owner_adds_progress_on_the_page(client, meeting):
    owner = officer_of(meeting.partnership)
    board_action = BoardActionFactory(meeting=meeting, owner=owner)
    client.force_login(owner)
    address = url("board_action_progress", meeting.partnership.slug, pk=board_action.pk)

    response = client.post(address, {"text": HOSTILE, "status": "dropped"}, follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(HOSTILE) in html
    assert HOSTILE not in html
    assert "Progress added." in html
    board_action.refresh_from_db()
    assert board_action.status == BoardAction.Status.DROPPED


def test_another_officer_may_not_add_progress(client, meeting):
    board_action = BoardActionFactory(meeting=meeting, owner=officer_of(meeting.partnership))
    client.force_login(officer_of(meeting.partnership))
    address = url("board_action_progress", meeting.partnership.slug, pk=board_action.pk)

    assert client.get(address).status_code == 403
    assert client.post(address, {"text": "Mine.", "status": "done"}).status_code == 403
    assert not BoardActionNote.objects.exists()


def test_a_board_member_reads_the_log_and_the_board_action_but_sees_no_buttons(client, meeting):
    board_action = BoardActionFactory(meeting=meeting, owner=officer_of(meeting.partnership))
    BoardActionNoteFactory(board_action=board_action, text="Sent to the chair.", author=board_action.owner)
    client.force_login(
        MembershipFactory(partnership=meeting.partnership, role=Membership.Role.BOARD_MEMBER).user
    )
    slug = meeting.partnership.slug

    assert client.get(url("board_action_list", slug)).status_code == 200
    html = client.get(url("board_action_detail", slug, pk=board_action.pk)).content.decode()

    assert "Sent to the chair." in html
    assert "Add progress" not in html
    assert "Change board action" not in html


@pytest.mark.parametrize("text", ["", "   ", "x" * (SHORT_TEXT_MAX_LENGTH + 1)])
def test_the_progress_page_refuses_empty_or_over_long_notes_with_a_message(client, meeting, text):
    owner = officer_of(meeting.partnership)
    board_action = BoardActionFactory(meeting=meeting, owner=owner)
    client.force_login(owner)

    response = client.post(
        url("board_action_progress", meeting.partnership.slug, pk=board_action.pk),
        {"text": text, "status": "done"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter the progress" in html or "Progress must be 2,000 characters or fewer" in html
    assert not BoardActionNote.objects.exists()


def test_an_administrator_raises_a_board_action_at_a_meeting(client, meeting):
    partnership = meeting.partnership
    owner = officer_of(partnership)
    action = plan_of(partnership)
    item = AgendaItemFactory(meeting=meeting)
    client.force_login(admin_of(partnership))

    response = client.post(
        url("meeting_board_action_create", partnership.slug, pk=meeting.pk),
        {
            "description": HOSTILE,
            "owner": owner.pk,
            "due_on_0": "1",
            "due_on_1": "6",
            "due_on_2": "2026",
            "agenda_item": item.pk,
            "action": action.pk,
        },
    )

    board_action = BoardAction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == board_action.get_absolute_url()
    assert (board_action.owner, board_action.action, board_action.agenda_item) == (owner, action, item)
    assert board_action.due_on == datetime.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"description": "", "owner": "me"}, "Enter what the board asked to be done"),
        ({"description": "Something."}, "Choose the person or the organisation who owns the action"),
        ({"description": "Something.", "owner": str(2**63)}, "Choose an active member of this partnership"),
        ({"description": "Something.", "owner": "9" * 5000}, "Choose an active member of this partnership"),
        ({"description": "x" * 10_001, "owner": "me"}, "10,000 characters or fewer"),
        (
            {
                "description": "Something.",
                "owner": "me",
                "due_on_0": "31",
                "due_on_1": "2",
                "due_on_2": "2026",
            },
            "real date",
        ),
    ],
)
def test_the_new_board_action_form_refuses_bad_answers_with_a_message(client, meeting, data, message):
    partnership = meeting.partnership
    admin = admin_of(partnership)
    data = {k: (str(admin.pk) if v == "me" else v) for k, v in data.items()}
    client.force_login(admin)

    response = client.post(url("meeting_board_action_create", partnership.slug, pk=meeting.pk), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BoardAction.objects.exists()


def test_the_form_refuses_another_partnerships_action(client, meeting):
    partnership = meeting.partnership
    admin = admin_of(partnership)
    client.force_login(admin)

    response = client.post(
        url("meeting_board_action_create", partnership.slug, pk=meeting.pk),
        {"description": "Something.", "owner": admin.pk, "action": plan_of(MeetingFactory().partnership).pk},
    )

    assert response.status_code == 200
    assert "Choose a delivery-plan action of this partnership" in response.content.decode()
    assert not BoardAction.objects.exists()


def test_an_administrator_changes_a_board_action_and_a_stale_form_answers_409(client, meeting):
    partnership = meeting.partnership
    admin = admin_of(partnership)
    board_action = BoardActionFactory(meeting=meeting, owner=admin)
    client.force_login(admin)
    address = url("board_action_edit", partnership.slug, pk=board_action.pk)
    opened = client.get(address).context["form"].initial["version"]

    saved = client.post(address, {"description": "Changed.", "owner": admin.pk, "version": opened})
    stale = client.post(address, {"description": "Stale.", "owner": admin.pk, "version": opened})

    assert saved.status_code == 302
    assert stale.status_code == 409
    board_action.refresh_from_db()
    assert board_action.description == "Changed."


def test_the_board_action_page_shows_its_history(client, meeting):
    owner = officer_of(meeting.partnership)
    board_action = board_action_create(
        meeting=meeting,
        data={"description": "Circulate it.", "owner": owner},
        by=admin_of(meeting.partnership),
    )
    board_action_progress_add(board_action=board_action, text="Done it.", status="done", by=owner)
    client.force_login(owner)

    html = client.get(board_action.get_absolute_url()).content.decode()

    assert "raised the board action" in html
    assert "Marked done" in html
    assert "Done it." in html


def test_another_partnerships_board_action_answers_404(client, meeting):
    theirs = BoardActionFactory()
    client.force_login(admin_of(meeting.partnership))

    for name in ("board_action_detail", "board_action_edit", "board_action_progress"):
        assert client.get(url(name, meeting.partnership.slug, pk=theirs.pk)).status_code == 404


# Matters arising.


def test_matters_arising_are_open_actions_of_earlier_meetings_of_the_same_body_only(meeting):
    partnership, board = meeting.partnership, meeting.body
    group = BodyFactory(partnership=partnership, name="Reducing Reoffending Strategic Group")
    earlier = MeetingFactory(partnership=partnership, body=board, held_on=datetime.date(2026, 1, 5))
    later = MeetingFactory(partnership=partnership, body=board, held_on=datetime.date(2026, 5, 5))
    groups = MeetingFactory(partnership=partnership, body=group, held_on=datetime.date(2026, 1, 5))
    carried = BoardActionFactory(meeting=earlier, description="Carried.")
    BoardActionFactory(meeting=earlier, description="Done.", status=BoardAction.Status.DONE)
    BoardActionFactory(meeting=earlier, description="Dropped.", status=BoardAction.Status.DROPPED)
    BoardActionFactory(meeting=groups, description="Another body's.")
    BoardActionFactory(meeting=later, description="Later.")
    BoardActionFactory(meeting=meeting, description="Its own.")
    BoardActionFactory(meeting=MeetingFactory(held_on=datetime.date(2026, 1, 5)), description="Elsewhere.")

    assert list(BoardAction.objects.matters_arising_for(meeting)) == [carried]


def test_matters_arising_show_on_the_next_meeting_until_closed(client, meeting):
    owner = officer_of(meeting.partnership)
    board_action = BoardActionFactory(
        meeting=meeting, owner=owner, description="Circulate the risk register."
    )
    following = MeetingFactory(
        partnership=meeting.partnership, body=meeting.body, held_on=datetime.date(2026, 6, 1)
    )
    client.force_login(owner)

    before = client.get(following.get_absolute_url()).content.decode()
    board_action_progress_add(board_action=board_action, text="Circulated.", status="done", by=owner)
    after = client.get(following.get_absolute_url()).content.decode()

    assert "Matters arising" in before and "Circulate the risk register." in before
    assert "Circulate the risk register." not in after


def test_the_meeting_page_offers_add_a_board_action_to_administrators_only(client, meeting):
    client.force_login(officer_of(meeting.partnership))
    assert "Add a board action" not in client.get(meeting.get_absolute_url()).content.decode()

    client.force_login(admin_of(meeting.partnership))
    assert "Add a board action" in client.get(meeting.get_absolute_url()).content.decode()


def test_the_meeting_page_makes_the_same_queries_for_1_and_20_matters_arising(client, assert_same_queries):
    def make_rows(count):
        meeting = MeetingFactory(held_on=datetime.date(2026, 6, 1))
        earlier = MeetingFactory(
            partnership=meeting.partnership, body=meeting.body, held_on=datetime.date(2026, 1, 1)
        )
        for _ in range(count):
            board_action = BoardActionFactory(
                meeting=earlier,
                owner=officer_of(meeting.partnership),
                owner_organisation=OrganisationFactory(partnership=meeting.partnership),
                action=plan_of(meeting.partnership),
            )
            BoardActionNoteFactory(board_action=board_action, author=board_action.owner)
            BoardActionFactory(meeting=meeting, owner=board_action.owner, action=board_action.action)
        client.force_login(admin_of(meeting.partnership))
        return meeting.get_absolute_url()

    responses = assert_same_queries(make_rows, client.get, many=20)

    assert [len(response.context["matters_arising"]) for response in responses] == [1, 20]


# The partnership-wide log and its filters.


def log_of(client, partnership, **query):
    client.force_login(officer_of(partnership))
    response = client.get(url("board_action_list", partnership.slug), query)
    assert response.status_code == 200
    return {board_action.description for board_action in response.context["board_actions"]}


def test_the_log_shows_open_board_actions_by_default_and_all_when_asked(client, meeting):
    BoardActionFactory(meeting=meeting, description="Open.")
    BoardActionFactory(meeting=meeting, description="Done.", status=BoardAction.Status.DONE)
    BoardActionFactory(description="Another partnership's.")

    assert log_of(client, meeting.partnership) == {"Open."}
    assert log_of(client, meeting.partnership, status="") == {"Open.", "Done."}
    assert log_of(client, meeting.partnership, status="done") == {"Done."}


def test_the_log_filters_by_owner_organisation_meeting_and_body(client, meeting):
    partnership = meeting.partnership
    membership = MembershipFactory(partnership=partnership)
    agency = OrganisationFactory(partnership=partnership)
    group = BodyFactory(partnership=partnership, name="Reducing Reoffending Strategic Group")
    groups = MeetingFactory(partnership=partnership, body=group)
    BoardActionFactory(meeting=meeting, owner=membership.user, description="Theirs.")
    BoardActionFactory(meeting=meeting, owner_organisation=agency, description="The agency's.")
    BoardActionFactory(meeting=groups, description="The group's.")

    assert log_of(client, partnership, owner=membership.user.pk) == {"Theirs."}
    assert log_of(client, partnership, organisation=agency.pk) == {"The agency's."}
    assert log_of(client, partnership, organisation=membership.organisation_id) == {"Theirs."}
    assert log_of(client, partnership, meeting=groups.pk) == {"The group's."}
    assert log_of(client, partnership, body=meeting.body_id) == {"Theirs.", "The agency's."}


@pytest.mark.parametrize("bad", ["abc", "-1", str(2**63), "9" * 5000])
def test_the_log_answers_nonsense_filters_without_an_error(client, meeting, bad):
    BoardActionFactory(meeting=meeting)
    client.force_login(officer_of(meeting.partnership))

    for name in ("owner", "organisation", "meeting", "body", "status", "page"):
        assert client.get(url("board_action_list", meeting.partnership.slug), {name: bad}).status_code in (
            200,
            404,
        )


def test_the_log_marks_overdue_open_actions_and_shows_the_latest_note_and_the_link(client, meeting):
    action = plan_of(meeting.partnership)
    overdue = BoardActionFactory(meeting=meeting, due_on=datetime.date(2020, 1, 1), action=action)
    BoardActionNoteFactory(board_action=overdue, text="Older note.", author=officer_of(meeting.partnership))
    BoardActionNoteFactory(board_action=overdue, text="Newest note.", author=officer_of(meeting.partnership))
    client.force_login(officer_of(meeting.partnership))

    response = client.get(url("board_action_list", meeting.partnership.slug))

    html = response.content.decode()
    assert "Overdue" in html
    assert "Newest note." in html and "Older note." not in html
    assert (
        reverse("delivery:action_detail", kwargs={"slug": meeting.partnership.slug, "pk": action.pk}) in html
    )


def test_the_log_makes_the_same_queries_for_1_and_20_board_actions(client, assert_same_queries):
    def make_rows(count):
        meeting = MeetingFactory()
        partnership = meeting.partnership
        for _ in range(count):
            board_action = BoardActionFactory(
                meeting=MeetingFactory(partnership=partnership, body=meeting.body),
                owner=officer_of(partnership),
                owner_organisation=OrganisationFactory(partnership=partnership),
                action=plan_of(partnership),
                due_on=datetime.date(2020, 1, 1),
            )
            BoardActionNoteFactory(board_action=board_action, author=board_action.owner)
        priority_only = BoardActionFactory(meeting=meeting, priority=plan_of(partnership).ambition.priority)
        client.force_login(officer_of(partnership))
        return url("board_action_list", partnership.slug) + f"?status=open&x={priority_only.pk}"

    responses = assert_same_queries(make_rows, client.get, many=20)

    assert [len(response.context["board_actions"]) for response in responses] == [2, 21]


# The delivery-plan action's page.


def test_the_action_page_shows_the_board_decisions_and_actions_about_it(client, meeting):
    action = plan_of(meeting.partnership)
    AgendaItemFactory(
        meeting=meeting, action=action, title="Domestic abuse", resolution="RESOLVED that it be added."
    )
    BoardActionFactory(meeting=meeting, action=action, owner=action.owner, description=HOSTILE)
    client.force_login(action.owner)

    html = client.get(
        reverse("delivery:action_detail", kwargs={"slug": meeting.partnership.slug, "pk": action.pk})
    ).content.decode()

    assert "Board decisions and actions" in html
    assert "RESOLVED that it be added." in html
    assert escape(HOSTILE) in html and HOSTILE not in html


def test_the_action_page_makes_the_same_queries_for_1_and_20_board_items(client, assert_same_queries):
    def make_rows(count):
        action = ActionFactory()
        partnership = action.partnership
        for _ in range(count):
            meeting = MeetingFactory(partnership=partnership)
            AgendaItemFactory(meeting=meeting, action=action, resolution="RESOLVED that …")
            BoardActionFactory(
                meeting=meeting,
                action=action,
                owner=action.owner,
                owner_organisation=OrganisationFactory(partnership=partnership),
            )
        client.force_login(action.owner)
        return reverse("delivery:action_detail", kwargs={"slug": partnership.slug, "pk": action.pk})

    responses = assert_same_queries(make_rows, client.get, many=20)

    assert [response.status_code for response in responses] == [200, 200]


def test_the_board_action_page_makes_the_same_queries_for_1_and_20_notes_and_changes(
    client, assert_same_queries
):
    def make_rows(count):
        meeting = MeetingFactory()
        owner = officer_of(meeting.partnership)
        board_action = board_action_create(
            meeting=meeting,
            data={"description": "Circulate it.", "owner": owner, "action": plan_of(meeting.partnership)},
            by=owner,
        )
        for i in range(count):
            board_action_progress_add(
                board_action=board_action, text=f"Note {i}", status="open" if i % 2 else "done", by=owner
            )
        client.force_login(owner)
        return board_action.get_absolute_url()

    responses = assert_same_queries(make_rows, client.get, many=20)

    assert [response.status_code for response in responses] == [200, 200]


@pytest.mark.parametrize(
    ("status", "due_on", "overdue"),
    [
        (BoardAction.Status.OPEN, datetime.date(2026, 7, 24), True),
        (BoardAction.Status.OPEN, datetime.date(2026, 7, 25), False),
        (BoardAction.Status.OPEN, None, False),
        (BoardAction.Status.DONE, datetime.date(2020, 1, 1), False),
        (BoardAction.Status.DROPPED, datetime.date(2020, 1, 1), False),
    ],
)
def test_a_board_action_is_overdue_when_open_after_its_due_date(status, due_on, overdue):
    today = datetime.date(2026, 7, 25)
    board_action = BoardAction(status=status, due_on=due_on)

    assert board_action.is_overdue(today) is overdue
