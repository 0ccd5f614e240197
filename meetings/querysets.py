"""Queries over the board's action log, shared by its pages and the meeting page."""

from datetime import date

from django.db import models

from accounts.models import Membership


class BoardActionQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        """The partnership's board actions, raised at any of its meetings."""
        return self.filter(meeting__partnership=partnership)

    def open(self):
        return self.filter(status="open")

    def overdue(self, today: date):
        """Open board actions whose due date is before `today`."""
        return self.open().filter(due_on__lt=today)

    def matters_arising_for(self, meeting):
        """Open board actions raised at earlier meetings of the same board or group: carried to this
        meeting as matters arising until they are done or no longer needed."""
        return (
            self.open()
            .filter(
                meeting__partnership_id=meeting.partnership_id,
                meeting__body_id=meeting.body_id,
                meeting__held_on__lt=meeting.held_on,
            )
            .order_by("meeting__held_on", "meeting_id", models.F("due_on").asc(nulls_last=True), "pk")
        )

    def with_owner_organisation_name(self, partnership):
        """Each annotated with `owner_organisation_name`: the organisation its owner represents in the
        partnership."""
        memberships = Membership.objects.for_partnership(partnership)
        return self.annotate(
            owner_organisation_name=memberships.organisation_name_of(models.OuterRef("owner"))
        )

    def with_latest_note(self):
        """Each annotated with `latest_note_text` and `latest_note_at`: its newest progress note, if any."""
        notes = (
            self.model._meta.get_field("notes")
            .related_model.objects.filter(board_action=models.OuterRef("pk"))
            .order_by("-created_at", "-pk")
        )
        return self.annotate(
            latest_note_text=models.Subquery(notes.values("text")[:1]),
            latest_note_at=models.Subquery(notes.values("created_at")[:1]),
        )
