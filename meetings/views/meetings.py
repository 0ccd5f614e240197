"""The partnership's meetings and bodies: the list, a meeting's page, and administrators adding and
changing bodies and meetings."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, ListView, UpdateView

from accounts.tenancy import PartnershipMixin
from core.conflicts import EditConflict, EditConflictMixin
from core.forms import add_service_errors
from meetings.forms.meetings import BodyForm, MeetingForm
from meetings.models import AgendaItem, Attendance, BoardAction, Body, Meeting
from meetings.services.board_asks import reports_with_board_asks
from meetings.services.meetings import body_create, body_update, meeting_create, meeting_update
from meetings.views import MeetingInUrlMixin

MANAGE = "meetings.manage_meetings"


class MeetingListView(PartnershipMixin, ListView):
    """The partnership's meetings: those to come (soonest first), then those held (newest first)."""

    context_object_name = "meetings"
    nav_section = "meetings"

    def get_queryset(self):
        return (
            Meeting.objects.filter(partnership=self.partnership)
            .select_related("partnership", "body")
            .annotate(
                agenda_item_count=Count("agenda_items", distinct=True),
                open_board_action_count=Count(
                    "board_actions",
                    filter=Q(board_actions__status=BoardAction.Status.OPEN),
                    distinct=True,
                ),
            )
            # Explicitly: a query that counts (GROUP BY) does not take the model's Meta.ordering.
            .order_by("-held_on", "-pk")
        )

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        meetings = list(self.object_list)
        upcoming = [meeting for meeting in reversed(meetings) if meeting.held_on >= today]
        past = [meeting for meeting in meetings if meeting.held_on < today]
        return super().get_context_data(
            object_list=upcoming + past, upcoming_meetings=upcoming, past_meetings=past, **kwargs
        )


class MeetingDetailView(PartnershipMixin, DetailView):
    """A meeting's agenda, minutes and resolutions, and its action log."""

    context_object_name = "meeting"
    nav_section = "meetings"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Meeting.objects.filter(partnership=self.partnership)
            .select_related("body__chair", "body__vice_chair", "minutes_approved_at")
            .prefetch_related(
                Prefetch(
                    "agenda_items",
                    queryset=AgendaItem.objects.select_related(
                        "action__ambition__priority__strategy"
                    ).prefetch_related("documents"),
                ),
                Prefetch(
                    "board_actions",
                    queryset=BoardAction.objects.select_related(
                        "owner", "owner_organisation", "action__ambition__priority__strategy"
                    ),
                ),
                # The reports app holds the exception reports, and comes after this one: named by the relation.
                Prefetch(
                    "exception_reports",
                    queryset=Meeting._meta.get_field(
                        "exception_reports"
                    ).related_model.objects.select_related("period"),
                ),
                # Attendance, grouped by organisation (_meeting_attendance.html).
                Prefetch("attendances", queryset=Attendance.objects.select_related("organisation")),
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        # From report to agenda: each published report's board asks and what the meeting made of them.
        kwargs["reports_with_asks"] = reports_with_board_asks(self.object)
        # Open board actions from earlier meetings of the same body.
        kwargs["matters_arising"] = self.object.matters_arising(timezone.localdate())
        return super().get_context_data(**kwargs)


class MeetingFormPageMixin:
    """A form page in meetings/meeting_form.html: a caption, a heading, the form, a button and Cancel."""

    template_name = "meetings/meeting_form.html"
    nav_section = "meetings"
    permission_required = MANAGE
    submit_label = "Save"
    page_title = ""
    caption = ""
    success_message = "Changes saved."

    def back_url(self) -> str:
        return reverse("meetings:meeting_list", kwargs={"slug": self.partnership.slug})

    def breadcrumbs(self) -> list[tuple[str, str]]:
        """(text, address) for the pages above this one, after Meetings."""
        return []

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=self.page_title,
            caption=self.caption,
            submit_label=self.submit_label,
            back_url=self.back_url(),
            breadcrumbs=self.breadcrumbs(),
            **kwargs,
        )


class ServiceEditView(EditConflictMixin, MeetingFormPageMixin, PartnershipMixin, UpdateView):
    """Change a record through its service, refusing to save over someone else's later change."""

    submit_label = "Save changes"

    def edited_record(self):
        return self.object

    def save(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.save(form)
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


class BodyListView(PartnershipMixin, ListView):
    """The partnership's board and sub-groups with their chairs, for administrators."""

    template_name = "meetings/body_list.html"
    context_object_name = "bodies"
    nav_section = "meetings"
    permission_required = MANAGE

    def get_queryset(self):
        return (
            Body.objects.filter(partnership=self.partnership)
            .select_related("chair", "vice_chair")
            .annotate(meeting_count=Count("meetings"))
            .order_by("name")
        )


class BodyPageMixin:
    def back_url(self):
        return reverse("meetings:body_list", kwargs={"slug": self.partnership.slug})

    def breadcrumbs(self):
        return [("Boards and groups", self.back_url())]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def get_success_url(self):
        return self.back_url()


class BodyCreateView(BodyPageMixin, MeetingFormPageMixin, PartnershipMixin, FormView):
    """Add the board or a sub-group."""

    form_class = BodyForm
    page_title = "Add a board or group"
    submit_label = "Add board or group"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Body(partnership=self.partnership)}

    def form_valid(self, form):
        try:
            body = body_create(partnership=self.partnership, data=form.record_data, by=self.request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{body.name} added.")
        return redirect(self.get_success_url())


class BodyEditView(BodyPageMixin, ServiceEditView):
    """Change a body's name, chair and vice-chair."""

    form_class = BodyForm
    page_title = "Change a board or group"
    url_objects = ("body",)

    @cached_property
    def body(self) -> Body:
        return get_object_or_404(Body.objects.filter(partnership=self.partnership), pk=self.kwargs["pk"])

    @property
    def caption(self):
        return self.body.name

    @property
    def success_message(self):
        return f"{self.object.name} saved."

    def get_object(self, queryset=None):
        return copy.copy(self.body)  # the page's own stays as saved if the change is refused

    def save(self, form):
        return body_update(body=form.instance, version=form.cleaned_data["version"], by=self.request.user)


class MeetingCreateView(MeetingFormPageMixin, PartnershipMixin, FormView):
    """Add a meeting of the board or one of its sub-groups."""

    form_class = MeetingForm
    page_title = "Add a meeting"
    submit_label = "Add meeting"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Meeting(partnership=self.partnership),
            "partnership": self.partnership,
        }

    def get_context_data(self, **kwargs):
        has_bodies = Body.objects.filter(partnership=self.partnership).exists()
        return super().get_context_data(no_bodies=not has_bodies, **kwargs)

    def form_valid(self, form):
        try:
            meeting = meeting_create(
                partnership=self.partnership, data=form.record_data, by=self.request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{meeting} added.")
        return redirect(meeting)


class MeetingEditView(MeetingInUrlMixin, ServiceEditView):
    """Change a meeting's body, title, date, time, place, status and where its minutes were approved."""

    form_class = MeetingForm
    page_title = "Change the meeting"
    success_message = "Meeting saved."

    @property
    def caption(self):
        return str(self.meeting)

    def back_url(self):
        return self.meeting.get_absolute_url()

    def breadcrumbs(self):
        return [(str(self.meeting), self.back_url())]

    def get_object(self, queryset=None):
        return copy.copy(self.meeting)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def get_success_url(self):
        return self.meeting.get_absolute_url()

    def save(self, form):
        return meeting_update(
            meeting=form.instance, version=form.cleaned_data["version"], by=self.request.user
        )
