"""Administrators run meetings in the app: bodies, meetings, agenda items, minutes and documents.

The services keep every record coherent with its partnership; the pages refuse everyone else; bad
input (hostile text, wrong files, huge uploads) gets a message and saves nothing."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Membership
from core.conflicts import EditConflict, version_of
from meetings.models import DOCUMENT_MAX_BYTES, AgendaItem, Body, Meeting, SupportingDocument
from meetings.services.agenda import (
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    agenda_item_update,
    document_add,
    document_remove,
)
from meetings.services.meetings import body_create, body_update, meeting_create, meeting_update
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory
from tests.meetings.factories import AgendaItemFactory, BodyFactory, MeetingFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><b onmouseover="x()">Bold</b> &amp; Ｒesolved'


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a temporary folder, removed after the test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def admin_of(partnership):
    return MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user


def url(name, partnership, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"slug": partnership.slug, **kwargs})


def action_of(partnership):
    return ActionFactory(ambition__priority__strategy__partnership=partnership)


# Services: bodies.


def test_a_body_is_chaired_by_active_members_of_its_partnership():
    meeting = MeetingFactory()
    partnership = meeting.partnership
    chair = MembershipFactory(partnership=partnership).user
    outsider = MembershipFactory().user
    admin = admin_of(partnership)

    body = body_create(
        partnership=partnership,
        data={"name": "Reducing Reoffending Strategic Group", "chair": chair},
        by=admin,
    )
    assert body.chair == chair

    with pytest.raises(ValidationError) as refused:
        body_create(partnership=partnership, data={"name": "Another group", "vice_chair": outsider}, by=admin)
    assert "vice_chair" in refused.value.error_dict
    assert not Body.objects.filter(name="Another group").exists()

    gone = MembershipFactory(partnership=partnership, is_active=False).user
    body.chair = gone
    with pytest.raises(ValidationError) as refused:
        body_update(body=body, version=version_of(Body.objects.get(pk=body.pk)), by=admin)
    assert "chair" in refused.value.error_dict


def test_a_body_name_is_unique_in_its_partnership():
    body = BodyFactory(name="Partnership board")
    with pytest.raises(ValidationError):
        body_create(partnership=body.partnership, data={"name": "Partnership board"}, by=None)


# Services: meetings.


def meeting_data(body, **changes):
    return {
        "body": body,
        "title": "Safer Bromley Partnership Board",
        "held_on": date(2026, 3, 10),
        "starts_at": time(14, 30),
        "location": "Bromley Civic Centre",
        "is_virtual": False,
        "status": Meeting.Status.SCHEDULED,
        "minutes_approved_at": None,
        **changes,
    }


def test_a_meeting_is_of_a_body_of_its_own_partnership():
    body = BodyFactory()
    other = BodyFactory()

    meeting = meeting_create(partnership=body.partnership, data=meeting_data(body), by=None)
    assert meeting.body == body

    with pytest.raises(ValidationError) as refused:
        meeting_create(partnership=body.partnership, data=meeting_data(other), by=None)
    assert "body" in refused.value.error_dict
    assert Meeting.objects.count() == 1


def test_minutes_are_approved_at_a_later_meeting_of_the_same_body():
    first = MeetingFactory(held_on=date(2026, 1, 20))
    partnership, body = first.partnership, first.body
    later = MeetingFactory(partnership=partnership, body=body, held_on=date(2026, 4, 14))
    earlier = MeetingFactory(partnership=partnership, body=body, held_on=date(2025, 10, 1))
    sub_group = MeetingFactory(
        partnership=partnership,
        body=BodyFactory(partnership=partnership, name="Sub-group"),
        held_on=date(2026, 5, 1),
    )
    elsewhere = MeetingFactory(held_on=date(2026, 6, 1))

    def approve(at):
        meeting = Meeting.objects.get(pk=first.pk)
        meeting.status, meeting.minutes_approved_at = Meeting.Status.MINUTES_APPROVED, at
        return meeting_update(meeting=meeting, version=version_of(meeting), by=None)

    for wrong in (None, earlier, sub_group, elsewhere):
        with pytest.raises(ValidationError) as refused:
            approve(wrong)
        assert "minutes_approved_at" in refused.value.error_dict, wrong

    assert approve(later).minutes_approved_at == later

    # The approving meeting cannot then move before the meeting it approved.
    later.held_on = date(2026, 1, 1)
    with pytest.raises(ValidationError) as refused:
        meeting_update(meeting=later, version=version_of(Meeting.objects.get(pk=later.pk)), by=None)
    assert "held_on" in refused.value.error_dict


def test_minutes_not_approved_name_no_approving_meeting():
    first = MeetingFactory(held_on=date(2026, 1, 20))
    later = MeetingFactory(partnership=first.partnership, body=first.body, held_on=date(2026, 4, 14))
    meeting = meeting_create(
        partnership=first.partnership,
        data=meeting_data(
            first.body, held_on=date(2026, 2, 1), status=Meeting.Status.HELD, minutes_approved_at=later
        ),
        by=None,
    )
    assert meeting.minutes_approved_at is None


def test_a_meeting_edit_never_saves_over_a_later_change():
    meeting = MeetingFactory()
    opened = version_of(meeting)
    Meeting.objects.get(pk=meeting.pk).save()  # someone else saves it
    meeting.title = "Changed"
    with pytest.raises(EditConflict):
        meeting_update(meeting=meeting, version=opened, by=None)
    assert Meeting.objects.get(pk=meeting.pk).title != "Changed"


# Services: agenda items.


def test_agenda_items_take_only_the_partnerships_own_actions():
    meeting = MeetingFactory()
    own, foreign = action_of(meeting.partnership), action_of(MeetingFactory().partnership)

    item = agenda_item_add(meeting=meeting, data={"title": "Delivery plan", "action": own}, by=None)
    assert item.action == own

    with pytest.raises(ValidationError) as refused:
        agenda_item_add(meeting=meeting, data={"title": "Elsewhere", "action": foreign}, by=None)
    assert "action" in refused.value.error_dict

    item.action = foreign
    with pytest.raises(ValidationError):
        agenda_item_update(item=item, version=version_of(AgendaItem.objects.get(pk=item.pk)), by=None)
    assert AgendaItem.objects.get(pk=item.pk).action == own


def test_agenda_items_are_added_in_order_moved_and_renumbered_when_one_is_removed():
    meeting = MeetingFactory()
    first, second, third, fourth = (
        agenda_item_add(meeting=meeting, data={"title": title}, by=None) for title in "ABCD"
    )
    assert [first.order, second.order, third.order, fourth.order] == [1, 2, 3, 4]

    agenda_item_move(item=fourth, direction="up")
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["A", "B", "D", "C"]
    with pytest.raises(ValidationError):
        agenda_item_move(item=AgendaItem.objects.get(pk=first.pk), direction="up")

    agenda_item_remove(item=AgendaItem.objects.get(pk=second.pk), by=None)
    assert list(meeting.agenda_items.values_list("order", "title")) == [(1, "A"), (2, "D"), (3, "C")]
    assert agenda_item_add(meeting=meeting, data={"title": "E"}, by=None).order == 4


def test_an_agenda_item_edit_never_saves_over_a_later_change():
    item = AgendaItemFactory()
    opened = version_of(item)
    AgendaItem.objects.get(pk=item.pk).save()
    item.minutes = "Mine"
    with pytest.raises(EditConflict):
        agenda_item_update(item=item, version=opened, by=None)


# Services: documents.


def test_a_document_is_a_file_or_a_link_never_both_or_neither(media):
    item = AgendaItemFactory()
    pdf = SimpleUploadedFile("paper.pdf", b"%PDF-1.4 paper", content_type="application/pdf")

    with pytest.raises(ValidationError):
        document_add(
            agenda_item=item, data={"title": "Both", "file": pdf, "url": "https://example.org/a"}, by=None
        )
    with pytest.raises(ValidationError):
        document_add(agenda_item=item, data={"title": "Neither"}, by=None)
    assert not SupportingDocument.objects.exists()

    link = document_add(agenda_item=item, data={"title": "Link", "url": "https://example.org/a.pdf"}, by=None)
    upload = document_add(agenda_item=item, data={"title": "Upload", "file": pdf}, by=None)
    stored = media / upload.file.name
    assert stored.exists()
    assert link.url

    document_remove(document=upload, by=None)
    assert not SupportingDocument.objects.filter(pk=upload.pk).exists()


def test_a_documents_file_is_deleted_with_it(media, django_capture_on_commit_callbacks):
    item = AgendaItemFactory()
    with django_capture_on_commit_callbacks(execute=True):
        upload = document_add(
            agenda_item=item, data={"title": "Upload", "file": SimpleUploadedFile("a.txt", b"text")}, by=None
        )
    stored = media / upload.file.name
    with django_capture_on_commit_callbacks(execute=True):
        agenda_item_remove(item=item, by=None)
    assert not stored.exists()
    assert not SupportingDocument.objects.exists()


# Pages: permissions.


@pytest.mark.parametrize("role", [Membership.Role.OFFICER, Membership.Role.BOARD_MEMBER])
def test_only_administrators_manage_meetings(client, role):
    item = AgendaItemFactory()
    meeting, partnership = item.meeting, item.meeting.partnership
    client.force_login(MembershipFactory(partnership=partnership, role=role).user)
    pages = [
        url("body_list", partnership),
        url("body_create", partnership),
        url("body_edit", partnership, pk=meeting.body_id),
        url("meeting_create", partnership),
        url("meeting_edit", partnership, pk=meeting.pk),
        url("agenda_item_create", partnership, pk=meeting.pk),
        url("agenda_item_edit", partnership, pk=item.pk),
        url("agenda_item_remove", partnership, pk=item.pk),
        url("agenda_item_document_add", partnership, pk=item.pk),
    ]
    for page in pages:
        assert client.get(page).status_code == 403, page
        assert client.post(page, {"title": "x", "name": "x"}).status_code == 403, page
    assert (
        client.post(url("agenda_item_move", partnership, pk=item.pk), {"direction": "up"}).status_code == 403
    )
    assert AgendaItem.objects.filter(pk=item.pk).exists()

    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Edit meeting" not in html and "Add agenda item" not in html


def test_another_partnerships_meeting_is_not_found(client):
    meeting = MeetingFactory()
    other = MeetingFactory()
    client.force_login(admin_of(meeting.partnership))
    assert client.get(url("meeting_edit", meeting.partnership, pk=other.pk)).status_code == 404
    assert client.get(url("body_edit", meeting.partnership, pk=other.body_id)).status_code == 404


# Pages: an administrator runs a meeting.


def test_an_administrator_adds_a_body_a_meeting_and_an_agenda_item(client):
    meeting = MeetingFactory()
    partnership = meeting.partnership
    admin = admin_of(partnership)
    chair = MembershipFactory(partnership=partnership).user
    client.force_login(admin)

    response = client.post(
        url("body_create", partnership),
        {"name": "  Reducing   Reoffending Strategic Group ", "chair": chair.pk, "vice_chair": ""},
    )
    assert response.status_code == 302
    body = Body.objects.get(name="Reducing Reoffending Strategic Group")
    assert body.chair == chair

    response = client.post(
        url("meeting_create", partnership),
        {
            "body": body.pk,
            "title": "RRSG",
            "held_on_0": "12",
            "held_on_1": "5",
            "held_on_2": "2027",
            "starts_at": "10:00",
            "location": "",
            "is_virtual": "on",
            "status": "scheduled",
            "minutes_approved_at": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    created = Meeting.objects.get(title="RRSG")
    assert created.is_virtual and created.starts_at == time(10, 0)

    response = client.post(
        url("agenda_item_create", partnership, pk=created.pk),
        {
            "title": "Reoffending data",
            "presenter": "Probation",
            "minutes": "",
            "resolution": "",
            "action": "",
        },
    )
    assert response.status_code == 302
    assert created.agenda_items.get().order == 1

    html = client.get(created.get_absolute_url()).content.decode()
    assert "Virtual" in html and "Scheduled" in html and escape(str(chair)) in html
    assert "Edit meeting" in html and "Add agenda item" in html and "Move up" not in html

    listing = client.get(url("meeting_list", partnership)).content.decode()
    assert "Add a meeting" in listing and url("body_list", partnership) in listing


def test_the_meeting_form_says_what_is_wrong_and_saves_nothing(client):
    meeting = MeetingFactory()
    partnership = meeting.partnership
    client.force_login(admin_of(partnership))
    response = client.post(
        url("meeting_edit", partnership, pk=meeting.pk),
        {
            "version": version_of(meeting),
            "body": meeting.body_id,
            "title": "x" * 201,
            "held_on_0": "31",
            "held_on_1": "2",
            "held_on_2": "2026",
            "starts_at": "25:99",
            "status": "minutes_approved",
            "minutes_approved_at": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"title", "held_on", "starts_at", "minutes_approved_at"} <= set(errors)
    assert "govuk-error-summary" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).title == meeting.title


def test_an_edit_conflict_answers_409_with_both_versions(client):
    item = AgendaItemFactory(minutes="Theirs")
    partnership = item.meeting.partnership
    client.force_login(admin_of(partnership))
    opened = version_of(item)
    AgendaItem.objects.filter(pk=item.pk).update(minutes="Saved since")
    saved = AgendaItem.objects.get(pk=item.pk)
    saved.save()

    response = client.post(
        url("agenda_item_edit", partnership, pk=item.pk),
        {
            "version": opened,
            "title": item.title,
            "minutes": "Mine",
            "presenter": "",
            "resolution": "",
            "action": "",
        },
    )
    assert response.status_code == 409
    assert "What is different" in response.content.decode()
    assert AgendaItem.objects.get(pk=item.pk).minutes == "Saved since"


def test_hostile_text_in_titles_and_minutes_is_shown_as_text(client):
    item = AgendaItemFactory(
        title=HOSTILE,
        presenter=HOSTILE,
        minutes=HOSTILE + "\n\nSecond paragraph",
        resolution="RESOLVED that " + HOSTILE,
    )
    item.meeting.title = HOSTILE
    item.meeting.location = HOSTILE
    item.meeting.save()
    item.meeting.body.name = HOSTILE
    item.meeting.body.save()
    partnership = item.meeting.partnership
    client.force_login(admin_of(partnership))

    for page in (
        item.meeting.get_absolute_url(),
        url("meeting_list", partnership),
        url("body_list", partnership),
        url("agenda_item_edit", partnership, pk=item.pk),
        url("agenda_item_remove", partnership, pk=item.pk),
    ):
        html = client.get(page).content.decode()
        assert "<script>alert" not in html, page
        assert "<b onmouseover" not in html, page
        assert escape("<script>") in html, page
    html = client.get(item.meeting.get_absolute_url()).content.decode()
    assert "RESOLVED that " + escape(HOSTILE) in html


def test_very_long_minutes_are_refused_with_a_message(client):
    item = AgendaItemFactory()
    partnership = item.meeting.partnership
    client.force_login(admin_of(partnership))
    response = client.post(
        url("agenda_item_edit", partnership, pk=item.pk),
        {
            "version": version_of(item),
            "title": "t",
            "minutes": "x" * 50_001,
            "presenter": "",
            "resolution": "",
            "action": "",
        },
    )
    assert response.status_code == 200
    assert "The minutes must be 50,000 characters or fewer" in response.content.decode()


def test_another_partnerships_action_cannot_be_chosen(client):
    item = AgendaItemFactory()
    partnership = item.meeting.partnership
    foreign = action_of(MeetingFactory().partnership)
    client.force_login(admin_of(partnership))
    response = client.post(
        url("agenda_item_edit", partnership, pk=item.pk),
        {
            "version": version_of(item),
            "title": "t",
            "action": foreign.pk,
            "presenter": "",
            "minutes": "",
            "resolution": "",
        },
    )
    assert response.status_code == 200
    assert "Choose a delivery-plan action of this partnership" in response.content.decode()
    assert AgendaItem.objects.get(pk=item.pk).action is None


def test_moving_and_removing_agenda_items_from_the_page(client):
    meeting = MeetingFactory()
    first, _second, third = (agenda_item_add(meeting=meeting, data={"title": t}, by=None) for t in "ABC")
    partnership = meeting.partnership
    client.force_login(admin_of(partnership))

    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Move up" in html and "Move down" in html

    response = client.post(
        url("agenda_item_move", partnership, pk=third.pk), {"direction": "up", "order": "3"}
    )
    assert response.status_code == 302
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["A", "C", "B"]
    # A second click from the same page moves nothing.
    client.post(url("agenda_item_move", partnership, pk=third.pk), {"direction": "up", "order": "3"})
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["A", "C", "B"]

    confirm = client.get(url("agenda_item_remove", partnership, pk=first.pk))
    assert confirm.status_code == 200 and "Remove agenda item 1, A?" in confirm.content.decode()
    assert client.post(url("agenda_item_remove", partnership, pk=first.pk)).status_code == 302
    assert list(meeting.agenda_items.values_list("order", "title")) == [(1, "C"), (2, "B")]


# Pages: documents.


def post_document(client, item, **data):
    return client.post(
        url("agenda_item_document_add", item.meeting.partnership, pk=item.pk),
        {"title": "Paper", "url": "", **data},
    )


def test_a_document_is_uploaded_downloaded_and_removed(client, media):
    item = AgendaItemFactory()
    partnership = item.meeting.partnership
    client.force_login(admin_of(partnership))

    response = post_document(client, item, file=SimpleUploadedFile("risk register.pdf", b"%PDF-1.4 risks"))
    assert response.status_code == 302
    document = SupportingDocument.objects.get()

    reader = MembershipFactory(partnership=partnership, role=Membership.Role.BOARD_MEMBER).user
    client.force_login(reader)
    download = client.get(url("document_download", partnership, pk=document.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == b"%PDF-1.4 risks"

    client.force_login(admin_of(partnership))
    assert client.get(url("document_remove", partnership, pk=document.pk)).status_code == 200
    assert client.post(url("document_remove", partnership, pk=document.pk)).status_code == 302
    assert not SupportingDocument.objects.exists()


def test_a_linked_document_redirects_to_its_link(client):
    item = AgendaItemFactory()
    document = SupportingDocument.objects.create(
        agenda_item=item, title="Plan", url="https://example.org/plan.pdf"
    )
    client.force_login(MembershipFactory(partnership=item.meeting.partnership).user)
    response = client.get(url("document_download", item.meeting.partnership, pk=document.pk))
    assert response.status_code == 302 and response["Location"] == "https://example.org/plan.pdf"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: SimpleUploadedFile("page.html", b"<script>x()</script>"), "The file must be a PDF"),
        (lambda: SimpleUploadedFile("tool.exe", b"MZ"), "The file must be a PDF"),
        (lambda: SimpleUploadedFile("big.pdf", b"x" * (DOCUMENT_MAX_BYTES + 1)), "smaller than 10 MB"),
    ],
)
def test_wrong_or_oversized_files_are_refused_with_a_message(client, media, upload, message):
    item = AgendaItemFactory()
    client.force_login(admin_of(item.meeting.partnership))
    response = post_document(client, item, file=upload())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SupportingDocument.objects.exists()
    assert not any(media.rglob("*.*")) if media.exists() else True


def test_a_document_needs_a_file_or_a_link_not_both(client, media):
    item = AgendaItemFactory()
    client.force_login(admin_of(item.meeting.partnership))

    neither = post_document(client, item)
    assert "Upload a file or give a link to the document" in neither.content.decode()
    both = post_document(
        client, item, url="https://example.org/a.pdf", file=SimpleUploadedFile("a.pdf", b"%PDF")
    )
    assert "Upload a file or give a link, not both" in both.content.decode()
    bad_link = post_document(client, item, url="javascript:alert(1)")
    assert "Enter a link starting https://" in bad_link.content.decode()
    assert not SupportingDocument.objects.exists()


@pytest.mark.parametrize("bad", ["9" * 5000, "-1", str(2**63)])
def test_huge_and_negative_numbers_are_field_errors(client, bad):
    item = AgendaItemFactory()
    partnership = item.meeting.partnership
    client.force_login(admin_of(partnership))
    response = client.post(
        url("meeting_create", partnership),
        {
            "body": bad,
            "title": "t",
            "held_on_0": bad,
            "held_on_1": "1",
            "held_on_2": "2027",
            "starts_at": bad,
            "status": "minutes_approved",
            "minutes_approved_at": bad,
        },
    )
    assert response.status_code == 200
    assert {"body", "held_on", "minutes_approved_at"} <= set(response.context["form"].errors)
    response = client.post(
        url("agenda_item_edit", partnership, pk=item.pk),
        {"version": version_of(item), "title": "t", "action": bad},
    )
    assert response.status_code == 200 and "action" in response.context["form"].errors
    response = client.post(
        url("agenda_item_move", partnership, pk=item.pk), {"direction": "up", "order": bad}
    )
    assert response.status_code == 302
    assert Meeting.objects.count() == 1 and AgendaItem.objects.get(pk=item.pk).title == item.title
