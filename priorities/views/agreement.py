"""How a strategy is agreed: its public consultations and each responsible authority's sign-off (administrators)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views.generic import FormView

from accounts.models import Organisation
from core.conflicts import EditConflict, EditConflictMixin
from core.forms import add_service_errors
from core.limits import whole_number
from priorities.forms import (
    ConsultationForm,
    SignOffForm,
)
from priorities.models import Consultation, SignOff
from priorities.services import (
    SIGN_OFF_STATUSES,
    SignOffRow,
    consultation_create,
    sign_off_record,
)
from priorities.views.strategies import FormPageMixin, RecordEditView, StrategyMixin


class ConsultationCreateView(StrategyMixin, FormPageMixin, FormView):
    """Record a public consultation on a strategy."""

    form_class = ConsultationForm
    page_title = "Add a consultation"
    submit_label = "Add consultation"

    @property
    def caption(self):
        return self.strategy.title

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Consultation(strategy=self.strategy)}

    def form_valid(self, form):
        try:
            consultation = consultation_create(strategy=self.strategy, **form.record_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Consultation {consultation.title} added.")
        return redirect(f"{self.strategy.get_absolute_url()}#consultation-{consultation.pk}")


class ConsultationEditView(RecordEditView):
    """Change a consultation's dates, method, responses and what people said."""

    form_class = ConsultationForm
    page_title = "Change a consultation"
    success_message = "Consultation saved."
    url_objects = ("consultation",)

    @cached_property
    def consultation(self) -> Consultation:
        return get_object_or_404(
            Consultation.objects.filter(strategy__partnership=self.partnership).select_related(
                "strategy__partnership"
            ),
            pk=self.kwargs["pk"],
        )

    @property
    def strategy(self):
        return self.consultation.strategy

    @property
    def caption(self):
        return self.strategy.title

    def get_object(self, queryset=None):
        return self.consultation

    def get_success_url(self):
        return f"{self.strategy.get_absolute_url()}#consultation-{self.consultation.pk}"


class SignOffEditView(EditConflictMixin, StrategyMixin, FormView):
    """Record one responsible authority's decision on a strategy: /sign-off/?organisation=<id>."""

    form_class = SignOffForm
    template_name = "priorities/sign_off_form.html"

    @cached_property
    def row(self) -> SignOffRow:
        """The responsible authority chosen in the address, with its sign-off if one is recorded."""
        wanted = whole_number(self.request.GET.get("organisation", ""))
        if wanted is None:
            raise Http404("Choose a responsible authority")
        rows = {row.organisation.pk: row for row in self.sign_off_rows}
        if wanted not in rows:
            raise Http404("No such responsible authority")
        return rows[wanted]

    @property
    def organisation(self) -> Organisation:
        return self.row.organisation

    @property
    def sign_off(self) -> SignOff | None:
        return self.row.sign_off

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.organisation}

    def edited_record(self) -> SignOff | None:
        return self.sign_off

    def get_initial(self):
        if self.sign_off is None:
            return {**super().get_initial(), "decision": SignOff.Decision.PENDING}
        return {
            **super().get_initial(),
            "decision": self.sign_off.decision,
            "decided_on": self.sign_off.decided_on,
            "decided_by": self.sign_off.decided_by,
            "notes": self.sign_off.notes,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            sign_off = sign_off_record(
                strategy=self.strategy,
                organisation=self.organisation,
                decision=data["decision"],
                decided_on=data["decided_on"],
                decided_by=data["decided_by"].strip(),
                notes=data["notes"],
                version=data["version"],
                by=self.request.user,
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Sign-off recorded: {self.organisation.name}, {sign_off.get_decision_display().lower()}.",
        )
        return redirect(f"{self.strategy.get_absolute_url()}#sign-off")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            strategy=self.strategy,
            organisation=self.organisation,
            sign_off=self.sign_off,
            can_record=self.strategy.status in SIGN_OFF_STATUSES,
            **kwargs,
        )
