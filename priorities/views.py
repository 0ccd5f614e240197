import datetime

from crispy_forms_gds.choices import Choice
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, TemplateView, UpdateView, View

from accounts.models import Organisation
from accounts.views import PartnershipAdministrationMixin, PartnershipMixin
from core.limits import whole_number
from priorities.forms import (
    AmbitionForm,
    ConsultationForm,
    PriorityForm,
    SignOffForm,
    StrategyForm,
    StrategyTransitionForm,
)
from priorities.models import Consultation, Priority, SignOff, StrategicAmbition, Strategy
from priorities.services import (
    SIGN_OFF_STATUSES,
    TRANSITIONS,
    AdoptionRefused,
    EditConflict,
    ambition_create,
    ambition_move,
    consultation_create,
    priority_create,
    priority_move,
    record_save,
    sign_off_record,
    sign_off_rows,
    strategy_create,
    strategy_not_agreed_by,
    strategy_transition,
    version_of,
)


def priorities_with_leads_and_ambitions(strategy):
    """The strategy's priorities in order, with their leads and ambitions loaded."""
    return strategy.priorities.select_related("lead", "lead_organisation").prefetch_related(
        Prefetch("ambitions", queryset=StrategicAmbition.objects.order_by("order"))
    )


def shown(value):
    """A value as the conflict table shows it: dates in words, the rest as they are."""
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%B %Y}"
    return value


def show_errors(form, error: ValidationError) -> None:
    """Put a model's validation errors on the form: on their field if the form has it, else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def next_statuses(strategy) -> str:
    """Where the strategy can move, in words: "awaiting sign-off, or back to draft"."""
    order = list(Strategy.Status.values)
    return ", or ".join(
        f"{'back to ' if order.index(to) < order.index(strategy.status) else ''}{Strategy.Status(to).label.lower()}"
        for to in TRANSITIONS[strategy.status]
    )


class StrategyListView(PartnershipMixin, TemplateView):
    """The partnership's strategies, with the current strategy's priorities and leads."""

    template_name = "priorities/strategy_list.html"
    nav_section = "strategy"

    def get_context_data(self, **kwargs):
        strategies = list(Strategy.objects.for_partnership(self.partnership).select_related("partnership"))
        current = Strategy.current_of(strategies, today=timezone.localdate())
        return super().get_context_data(
            strategies=strategies,
            current_strategy=current,
            priorities=priorities_with_leads_and_ambitions(current) if current else [],
            **kwargs,
        )


class StrategyDetailView(PartnershipMixin, DetailView):
    """One strategy: its timeline, priorities, leads, ambitions, consultation and sign-off."""

    context_object_name = "strategy"
    nav_section = "strategy"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Strategy.objects.for_partnership(self.partnership).prefetch_related(
                "consultations", "sign_offs__organisation"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            priorities=priorities_with_leads_and_ambitions(self.object),
            sign_off_rows=sign_off_rows(self.object),
            can_record_sign_off=self.object.status in SIGN_OFF_STATUSES,
            next_statuses=next_statuses(self.object),
            **kwargs,
        )


# Administrators' pages: every one fetches the objects in the URL through the partnership in the URL,
# then checks the permission on that partnership, so another partnership's object answers 404.


class AdministratorMixin(PartnershipAdministrationMixin):
    """A strategy page for the partnership's administrators, on the one administrators' base."""

    permission_required = "priorities.change_strategy"
    nav_section = "strategy"


class FormPageMixin:
    """A form page in priorities/form.html: a heading, the form, a save button and a way back."""

    template_name = "priorities/form.html"
    submit_label = "Save"
    page_title = ""
    caption = ""

    @property
    def strategy(self) -> Strategy | None:
        return None

    def back_url(self) -> str:
        return self.strategy.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=self.page_title,
            caption=self.caption,
            submit_label=self.submit_label,
            back_url=self.back_url(),
            strategy=self.strategy,
            **kwargs,
        )


class RecordEditView(AdministratorMixin, FormPageMixin, UpdateView):
    """Change a record, refusing to save over someone else's later change (the user is shown both)."""

    submit_label = "Save changes"
    success_message = "Changes saved."

    def get_initial(self):
        return {"seen": version_of(self.object)}

    def form_valid(self, form):
        try:
            self.object = record_save(instance=form.instance, seen=form.cleaned_data["seen"])
        except EditConflict as conflict:
            return self.conflict(form, conflict.saved)
        except ValidationError as error:
            show_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def conflict(self, form, saved):
        """Show what the other person saved beside the user's answers, ready to save over it."""
        if saved is None:
            raise Http404("The record no longer exists")
        data = self.request.POST.copy()
        data["seen"] = version_of(saved)
        fresh = self.get_form_class()(**{**self.get_form_kwargs(), "data": data, "instance": saved})
        fresh.is_valid()
        original = type(saved)._default_manager.get(pk=saved.pk)
        differences = [
            {"label": form.fields[name].label, "saved": shown(getattr(original, name)), "yours": shown(value)}
            for name, value in form.record_data.items()
            if getattr(original, name) != value
        ]
        latest = original.history.select_related("history_user").first()
        context = self.get_context_data(
            form=fresh,
            has_conflict=True,
            conflict=original,
            conflict_by=latest.history_user if latest else None,
            differences=differences,
        )
        return self.render_to_response(context, status=409)


# Strategies


class StrategyCreateView(AdministratorMixin, FormPageMixin, FormView):
    """Start a new strategy as a draft."""

    form_class = StrategyForm
    page_title = "Create a strategy"
    submit_label = "Create strategy"

    def back_url(self):
        return reverse("priorities:strategy_list", kwargs={"slug": self.partnership.slug})

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Strategy(partnership=self.partnership)}

    def form_valid(self, form):
        try:
            strategy = strategy_create(partnership=self.partnership, **form.record_data)
        except ValidationError as error:
            show_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{strategy.title} created as a draft.")
        return redirect(strategy)


class StrategyMixin:
    """The strategy in the URL, fetched through the partnership."""

    url_objects = ("strategy",)

    @cached_property
    def strategy(self) -> Strategy:
        return get_object_or_404(
            Strategy.objects.for_partnership(self.partnership).select_related("partnership"),
            pk=self.kwargs["pk"],
        )


class StrategyEditView(StrategyMixin, RecordEditView):
    """Change a strategy's title, dates and texts."""

    form_class = StrategyForm
    page_title = "Change the strategy's details"
    success_message = "Strategy details saved."

    def get_object(self, queryset=None):
        return self.strategy

    def get_success_url(self):
        return self.strategy.get_absolute_url()


class StrategyTransitionView(StrategyMixin, AdministratorMixin, FormView):
    """Move a strategy on (or back a step) through draft, consultation, awaiting sign-off, adopted, closed."""

    form_class = StrategyTransitionForm
    template_name = "priorities/strategy_transition.html"

    @cached_property
    def not_agreed(self):
        return strategy_not_agreed_by(self.strategy)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "choices": self.choices()}

    def choices(self) -> list[Choice]:
        hints = {
            Strategy.Status.DRAFT: "Back to draft, to change it before consulting again.",
            Strategy.Status.CONSULTATION: "The public consultation on its priorities is open or about to open.",
            Strategy.Status.AWAITING_SIGN_OFF: "Each responsible authority is asked to agree it: their "
            "decisions are recorded on the strategy page.",
            Strategy.Status.CLOSED: "The strategy's period is over. A closed strategy cannot change status again.",
        }
        if self.not_agreed:
            names = ", ".join(row.organisation.name for row in self.not_agreed)
            hints[Strategy.Status.ADOPTED] = (
                f"Not agreed yet by: {names}. To adopt it without their agreement, give the reason below."
            )
        else:
            hints[Strategy.Status.ADOPTED] = "Every responsible authority has agreed it."
        return [
            Choice(to, Strategy.Status(to).label, hint=hints[to]) for to in TRANSITIONS[self.strategy.status]
        ]

    def form_valid(self, form):
        to = form.cleaned_data["to"]
        try:
            strategy = strategy_transition(
                strategy=self.strategy, to=to, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except AdoptionRefused as refusal:
            form.add_error("reason", refusal)
            return self.form_invalid(form)
        except ValidationError as error:
            show_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{strategy.title} is now {strategy.get_status_display().lower()}.")
        return redirect(strategy)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            strategy=self.strategy,
            sign_off_rows=sign_off_rows(self.strategy),
            **kwargs,
        )


# Priorities


class PriorityMixin:
    """The priority in the URL, fetched through the partnership."""

    url_objects = ("priority",)

    @cached_property
    def priority(self) -> Priority:
        return get_object_or_404(
            Priority.objects.filter(strategy__partnership=self.partnership).select_related(
                "strategy__partnership"
            ),
            pk=self.kwargs["pk"],
        )

    @property
    def strategy(self) -> Strategy:
        return self.priority.strategy


class PriorityCreateView(StrategyMixin, AdministratorMixin, FormPageMixin, FormView):
    """Add a priority at the end of a strategy."""

    form_class = PriorityForm
    page_title = "Add a priority"
    submit_label = "Add priority"

    @property
    def caption(self):
        return self.strategy.title

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Priority(strategy=self.strategy),
            "partnership": self.partnership,
        }

    def form_valid(self, form):
        try:
            priority = priority_create(strategy=self.strategy, **form.record_data)
        except ValidationError as error:
            show_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Priority {priority} added.")
        return redirect(f"{self.strategy.get_absolute_url()}#priority-{priority.pk}")


class PriorityEditView(PriorityMixin, RecordEditView):
    """Change a priority's title, description, lead and lead organisation."""

    form_class = PriorityForm
    page_title = "Change a priority"
    success_message = "Priority saved."

    @property
    def caption(self):
        return f"{self.priority.reference}. {self.priority.title}"

    def get_object(self, queryset=None):
        return self.priority

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def get_success_url(self):
        return f"{self.strategy.get_absolute_url()}#priority-{self.priority.pk}"


class MoveView(AdministratorMixin, View):
    """Move an item up or down; the page's form says where it was, so a repeated click moves it once."""

    http_method_names = ["post"]
    noun = ""
    plural = ""
    anchor = ""

    def item(self):
        raise NotImplementedError

    def move(self, item, direction):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        item = self.item()
        back = f"{self.strategy.get_absolute_url()}#{self.anchor}-{item.pk}"
        if request.POST.get("order") != str(item.order):
            messages.error(
                request, f"The order of the {self.plural} had already changed: check it and try again."
            )
            return redirect(back)
        try:
            moved = self.move(item, request.POST.get("direction", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(back)
        messages.success(request, f"{self.noun.capitalize()} “{moved.title}” is now {moved.reference}.")
        return redirect(back)


class PriorityMoveView(PriorityMixin, MoveView):
    """Move a priority up or down its strategy."""

    noun = "priority"
    plural = "priorities"
    anchor = "priority"

    def item(self):
        return self.priority

    def move(self, item, direction):
        return priority_move(priority=item, direction=direction)


# Strategic ambitions


class AmbitionMixin:
    """The strategic ambition in the URL, fetched through the partnership."""

    url_objects = ("ambition",)

    @cached_property
    def ambition(self) -> StrategicAmbition:
        return get_object_or_404(
            StrategicAmbition.objects.filter(priority__strategy__partnership=self.partnership).select_related(
                "priority__strategy__partnership"
            ),
            pk=self.kwargs["pk"],
        )

    @property
    def strategy(self) -> Strategy:
        return self.ambition.priority.strategy


class AmbitionCreateView(PriorityMixin, AdministratorMixin, FormPageMixin, FormView):
    """Add a strategic ambition at the end of a priority."""

    form_class = AmbitionForm
    page_title = "Add a strategic ambition"
    submit_label = "Add strategic ambition"

    @property
    def caption(self):
        return f"{self.priority.reference}. {self.priority.title}"

    def form_valid(self, form):
        try:
            ambition = ambition_create(priority=self.priority, **form.record_data)
        except ValidationError as error:
            show_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Strategic ambition {ambition.reference} {ambition.title} added.")
        return redirect(f"{self.strategy.get_absolute_url()}#ambition-{ambition.pk}")


class AmbitionEditView(AmbitionMixin, RecordEditView):
    """Change a strategic ambition's title and strategic plan."""

    form_class = AmbitionForm
    page_title = "Change a strategic ambition"
    success_message = "Strategic ambition saved."

    @property
    def caption(self):
        return f"{self.ambition.reference} {self.ambition.title}"

    def get_object(self, queryset=None):
        return self.ambition

    def get_success_url(self):
        return f"{self.strategy.get_absolute_url()}#ambition-{self.ambition.pk}"


class AmbitionMoveView(AmbitionMixin, MoveView):
    """Move a strategic ambition up or down its priority."""

    noun = "strategic ambition"
    plural = "strategic ambitions"
    anchor = "ambition"

    def item(self):
        return self.ambition

    def move(self, item, direction):
        return ambition_move(ambition=item, direction=direction)


# Consultations


class ConsultationCreateView(StrategyMixin, AdministratorMixin, FormPageMixin, FormView):
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
            show_errors(form, error)
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


# Sign-off


class SignOffEditView(StrategyMixin, AdministratorMixin, FormView):
    """Record one responsible authority's decision on a strategy: /sign-off/?organisation=<id>."""

    form_class = SignOffForm
    template_name = "priorities/sign_off_form.html"

    @cached_property
    def organisation(self) -> Organisation:
        wanted = whole_number(self.request.GET.get("organisation", ""))
        if wanted is None:
            raise Http404("Choose a responsible authority")
        rows = {row.organisation.pk: row for row in sign_off_rows(self.strategy)}
        if wanted not in rows:
            raise Http404("No such responsible authority")
        return rows[wanted].organisation

    @cached_property
    def sign_off(self) -> SignOff | None:
        return SignOff.objects.filter(strategy=self.strategy, organisation=self.organisation).first()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.organisation}

    def get_initial(self):
        if self.sign_off is None:
            return {"decision": SignOff.Decision.PENDING, "seen": ""}
        return {
            "decision": self.sign_off.decision,
            "decided_on": self.sign_off.decided_on,
            "decided_by": self.sign_off.decided_by,
            "notes": self.sign_off.notes,
            "seen": version_of(self.sign_off),
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
                seen=data["seen"],
                by=self.request.user,
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict.saved)
        except ValidationError as error:
            show_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Sign-off recorded: {self.organisation.name}, {sign_off.get_decision_display().lower()}.",
        )
        return redirect(f"{self.strategy.get_absolute_url()}#sign-off")

    def conflict(self, form, saved):
        """Show the decision someone else recorded after the form was opened; the user's answers stay."""
        data = self.request.POST.copy()
        data["seen"] = version_of(saved)
        fresh = self.get_form_class()(data=data, organisation=self.organisation)
        fresh.is_valid()
        latest = saved.history.select_related("history_user").first() if saved else None
        context = self.get_context_data(
            form=fresh, has_conflict=True, conflict=saved, conflict_by=latest.history_user if latest else None
        )
        return self.render_to_response(context, status=409)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            strategy=self.strategy,
            organisation=self.organisation,
            sign_off=self.sign_off,
            can_record=self.strategy.status in SIGN_OFF_STATUSES,
            **kwargs,
        )
