"""A meeting's agenda: administrators add, change, order and remove items and their supporting
documents; members download the documents."""

import copy
import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.tenancy import PartnershipMixin
from core.forms import add_service_errors
from core.ordering import MoveView
from meetings.forms.agenda import AgendaItemForm, DocumentForm
from meetings.models import AgendaItem, Meeting, SupportingDocument
from meetings.services.agenda import (
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    agenda_item_update,
    document_add,
    document_remove,
)
from meetings.views import MeetingInUrlMixin
from meetings.views.meetings import MANAGE, MeetingFormPageMixin, ServiceEditView


class MeetingPageMixin:
    """A page about the meeting `self.meeting`, under it in the breadcrumbs."""

    def back_url(self):
        return self.meeting.get_absolute_url()

    def breadcrumbs(self):
        return [(str(self.meeting), self.back_url())]


class AgendaItemMixin(MeetingPageMixin, PartnershipMixin):
    """The agenda item in the URL, fetched through the partnership, for its administrators."""

    permission_required = MANAGE
    nav_section = "meetings"
    url_objects = ("agenda_item",)

    @cached_property
    def agenda_item(self) -> AgendaItem:
        return get_object_or_404(
            AgendaItem.objects.filter(meeting__partnership=self.partnership).select_related(
                "meeting__partnership", "meeting__body"
            ),
            pk=self.kwargs["pk"],
        )

    @property
    def meeting(self) -> Meeting:
        return self.agenda_item.meeting

    def back_url(self):
        return f"{self.meeting.get_absolute_url()}#agenda-item-{self.agenda_item.pk}"


class AgendaItemCreateView(
    MeetingInUrlMixin, MeetingPageMixin, MeetingFormPageMixin, PartnershipMixin, FormView
):
    """Add an item at the end of a meeting's agenda."""

    form_class = AgendaItemForm
    page_title = "Add an agenda item"
    submit_label = "Add agenda item"

    @property
    def caption(self):
        return str(self.meeting)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": AgendaItem(meeting=self.meeting, order=1),
            "partnership": self.partnership,
        }

    def form_valid(self, form):
        try:
            item = agenda_item_add(meeting=self.meeting, data=form.record_data, by=self.request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Agenda item {item.order}, {item.title}, added.")
        return redirect(f"{self.meeting.get_absolute_url()}#agenda-item-{item.pk}")


class AgendaItemEditView(AgendaItemMixin, ServiceEditView):
    """Change an item's title, presenter, minutes, resolution and delivery-plan action."""

    form_class = AgendaItemForm
    page_title = "Change an agenda item"
    success_message = "Agenda item saved."

    @property
    def caption(self):
        return f"{self.meeting}: item {self.agenda_item.order}"

    def get_object(self, queryset=None):
        return copy.copy(self.agenda_item)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def get_success_url(self):
        return self.back_url()

    def save(self, form):
        return agenda_item_update(
            item=form.instance, version=form.cleaned_data["version"], by=self.request.user
        )


class ConfirmRemoveView(TemplateView):
    """GET asks whether to remove the thing; POST removes it and goes back to the meeting."""

    template_name = "meetings/meeting_confirm_remove.html"
    nav_section = "meetings"

    def what(self) -> str:
        raise NotImplementedError

    def remove(self) -> None:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            what=self.what(),
            page_title=f"Remove {self.what()}?",
            back_url=self.back_url(),
            breadcrumbs=self.breadcrumbs(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        what = self.what()
        self.remove()
        messages.success(request, f"Removed {what}.")
        return redirect(self.meeting.get_absolute_url())


class AgendaItemRemoveView(AgendaItemMixin, ConfirmRemoveView):
    """Remove an item and its documents; the items after it move up."""

    def what(self):
        return f"agenda item {self.agenda_item.order}, {self.agenda_item.title}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            warning="Its minutes, resolution and supporting documents are removed with it, and the "
            "items after it move up.",
            **kwargs,
        )

    def remove(self):
        agenda_item_remove(item=self.agenda_item, by=self.request.user)


class AgendaItemMoveView(AgendaItemMixin, MoveView):
    """Move an item up or down its meeting's agenda."""

    noun = "agenda item"
    plural = "agenda items"

    def item(self):
        return self.agenda_item

    def back_url(self, item=None) -> str:
        return f"{self.meeting.get_absolute_url()}#agenda-item-{self.agenda_item.pk}"

    def move(self, item, direction):
        moved = agenda_item_move(item=item, direction=direction)
        moved.reference = f"item {moved.order}"  # what MoveView's message calls its new place
        return moved


class DocumentAddView(AgendaItemMixin, MeetingFormPageMixin, FormView):
    """Add a supporting document to an agenda item: an uploaded file or a link."""

    form_class = DocumentForm
    page_title = "Add a document"
    submit_label = "Add document"

    @property
    def caption(self):
        return f"{self.agenda_item.order}. {self.agenda_item.title}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": SupportingDocument(agenda_item=self.agenda_item)}

    def form_valid(self, form):
        try:
            document = document_add(agenda_item=self.agenda_item, data=form.record_data, by=self.request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{document.title} added.")
        return redirect(self.back_url())


class DocumentMixin(MeetingPageMixin, PartnershipMixin):
    """The supporting document in the URL, fetched through the partnership."""

    nav_section = "meetings"
    url_objects = ("document",)

    @cached_property
    def document(self) -> SupportingDocument:
        return get_object_or_404(
            SupportingDocument.objects.filter(
                agenda_item__meeting__partnership=self.partnership
            ).select_related("agenda_item__meeting__partnership"),
            pk=self.kwargs["pk"],
        )

    @property
    def meeting(self) -> Meeting:
        return self.document.agenda_item.meeting


class DocumentDownloadView(DocumentMixin, View):
    """A supporting document for any member: an uploaded file as a download, a link followed."""

    def get(self, request, *args, **kwargs):
        document = self.document
        if document.url:
            return HttpResponseRedirect(document.url)
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            raise Http404("The file is missing") from None
        response = FileResponse(handle, as_attachment=True, filename=os.path.basename(document.file.name))
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class DocumentRemoveView(DocumentMixin, ConfirmRemoveView):
    """Remove a supporting document (and its file), for administrators."""

    permission_required = MANAGE

    def what(self):
        return f"the document {self.document.title}"

    def remove(self):
        document_remove(document=self.document, by=self.request.user)
