"""The board's action log: the partnership-wide list, raising a board action at a meeting, its page,
changing it, and its owner's progress notes."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView

from accounts.tenancy import PartnershipMixin
from core.conflicts import EditConflict, EditConflictMixin
from core.forms import add_service_errors
from core.history import Names, revisions
from delivery.history import partnership_lookups
from delivery.models import ProgressUpdate
from meetings.filters import BoardActionFilter
from meetings.forms.board_actions import BoardActionForm, BoardActionProgressForm
from meetings.models import AgendaItem, BoardAction, Meeting
from meetings.services.board_actions import (
    board_action_create,
    board_action_progress_add,
    board_action_update,
)
from meetings.views import MeetingInUrlMixin

LIST_RELATED = (
    "meeting__body",
    "meeting__partnership",
    "owner",
    "owner_organisation",
    "action__ambition__priority__strategy",
    "priority__strategy",
)


def board_action_changes(board_action: BoardAction, partnership) -> list:
    """Who changed what on the board action and when, newest first, names only from the partnership."""
    names = Names(
        {
            **partnership_lookups(partnership),
            Meeting: lambda: Meeting.objects.filter(partnership=partnership),
            AgendaItem: lambda: AgendaItem.objects.filter(meeting__partnership=partnership),
            ProgressUpdate: lambda: ProgressUpdate.objects.filter(
                action__ambition__priority__strategy__partnership=partnership
            ),
        }
    )
    found = revisions(board_action.history.order_by("-history_date", "-history_id"), names)
    return [revision for revision in found if revision.is_earliest or revision.changes or revision.reason]


class BoardActionListView(PartnershipMixin, FilterView):
    """Every board action of the partnership, open ones by default, filterable and paginated."""

    filterset_class = BoardActionFilter
    template_name = "meetings/board_action_list.html"
    context_object_name = "board_actions"
    paginate_by = 50
    nav_section = "meetings"

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "partnership": self.partnership}

    def get_queryset(self):
        return (
            BoardAction.objects.for_partnership(self.partnership)
            .select_related(*LIST_RELATED)
            .with_latest_note()
            .with_owner_organisation_name(self.partnership)
            .order_by(F("due_on").asc(nulls_last=True), "-meeting__held_on", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for board_action in context["board_actions"]:
            board_action.overdue = board_action.is_overdue(today)
        return context


class BoardActionCreateView(MeetingInUrlMixin, PartnershipMixin, FormView):
    """Raise a board action at the meeting in the URL."""

    permission_required = "meetings.manage_meetings"
    template_name = "meetings/board_action_form.html"
    nav_section = "meetings"

    def get_form(self, form_class=None):
        return BoardActionForm(**self.get_form_kwargs(), meeting=self.meeting, button="Add board action")

    def form_valid(self, form):
        try:
            board_action = board_action_create(
                meeting=self.meeting, data=form.board_action_data, by=self.request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Board action added.")
        return redirect("meetings:board_action_detail", slug=self.partnership.slug, pk=board_action.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)


class BoardActionMixin(PartnershipMixin):
    """The board action in the URL, fetched through the partnership, with what its pages show."""

    url_objects = ("board_action",)
    permission_object = "board_action"

    @cached_property
    def board_action(self) -> BoardAction:
        return get_object_or_404(
            BoardAction.objects.for_partnership(self.partnership)
            .select_related(*LIST_RELATED, "agenda_item", "board_ask__period", "board_ask__action")
            .with_owner_organisation_name(self.partnership),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            board_action=self.board_action, meeting=self.board_action.meeting, **kwargs
        )


class BoardActionDetailView(BoardActionMixin, DetailView):
    """A board action: what, who, by when, what it relates to, its progress notes and its history."""

    template_name = "meetings/board_action_detail.html"
    nav_section = "meetings"
    permission_object = "partnership"  # every member reads it

    def get_object(self, queryset=None):
        return self.board_action

    def get_context_data(self, **kwargs):
        board_action = self.board_action
        return super().get_context_data(
            notes=board_action.notes.select_related("author").order_by("-created_at", "-pk"),
            changes=board_action_changes(board_action, self.partnership),
            is_overdue=board_action.is_overdue(timezone.localdate()),
            **kwargs,
        )


class BoardActionEditView(EditConflictMixin, BoardActionMixin, FormView):
    """Change a board action's details, unless someone saved it since the form was opened."""

    permission_required = "meetings.manage_meetings"
    permission_object = "partnership"
    template_name = "meetings/board_action_form.html"
    nav_section = "meetings"
    conflict_message = (
        "{who} changed this board action at {when}, after you opened this form. Nothing has been saved: "
        "check their change on the board action's page, then save again to replace it with your answers."
    )

    def edited_record(self) -> BoardAction:
        return self.board_action

    def get_form(self, form_class=None):
        return BoardActionForm(
            **self.get_form_kwargs(),
            instance=copy.copy(self.board_action),
            meeting=self.board_action.meeting,
            button="Save changes",
        )

    def form_valid(self, form):
        try:
            board_action = board_action_update(
                board_action=self.board_action,
                data=form.board_action_data,
                version=form.cleaned_data["version"],
                by=self.request.user,
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Board action updated.")
        return redirect("meetings:board_action_detail", slug=self.partnership.slug, pk=board_action.pk)


class BoardActionProgressView(BoardActionMixin, FormView):
    """The owner's (or an administrator's) progress note, and whether the action is now done."""

    permission_required = "meetings.update_board_action"
    form_class = BoardActionProgressForm
    template_name = "meetings/board_action_progress_form.html"
    nav_section = "meetings"

    def get_initial(self):
        return {"status": self.board_action.status}

    def form_valid(self, form):
        try:
            board_action_progress_add(
                board_action=self.board_action,
                text=form.cleaned_data["text"],
                status=form.cleaned_data["status"],
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Progress added.")
        return redirect("meetings:board_action_detail", slug=self.partnership.slug, pk=self.board_action.pk)
