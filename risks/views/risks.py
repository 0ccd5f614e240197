"""A risk's own pages: its page with its reviews and history, adding and changing it, its review for the
open reporting period, and sending the review reminders now."""

import calendar
import copy
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, View

from accounts.tenancy import PartnershipMixin
from core.conflicts import VERSION_FIELD, EditConflict, EditConflictMixin, differences
from core.forms import add_service_errors
from core.history import Names, revisions
from delivery.context_processors import latest_open_period
from delivery.history import partnership_lookups
from delivery.models import Action, ReportingPeriod
from delivery.services.reminders import reminders_send_now_and_say
from priorities.models import Priority
from risks.forms.risks import RiskForm, RiskReviewForm
from risks.models import Risk, RiskRegister, RiskReview
from risks.register import register_set_up
from risks.reminders import REVIEW_REMINDERS
from risks.services import REVIEW_FIELDS, register_of, risk_review_save, risk_save

REVIEW_DEFAULT_MONTHS = 3


def risk_changes(risk: Risk) -> list:
    """Who changed what on the risk and when, newest first, with names only from its partnership."""
    partnership = risk.register.partnership
    names = Names(
        {
            **partnership_lookups(partnership),
            RiskRegister: lambda: RiskRegister.objects.filter(partnership=partnership),
        }
    )
    found = revisions(risk.history.order_by("-history_date", "-history_id"), names)
    return [revision for revision in found if revision.is_earliest or revision.changes or revision.reason]


def months_on(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or that month's last day when it is shorter (30 November -> 28 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class RiskMixin(PartnershipMixin):
    """The risk in the URL, fetched through the partnership, with what its pages show."""

    url_objects = ("risk",)
    nav_section = "risks"

    @cached_property
    def risk(self) -> Risk:
        return get_object_or_404(
            Risk.objects.for_partnership(self.partnership).select_related(
                "register__partnership", "owner", "owner_organisation__nominated_contact"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(risk=self.risk, register=self.risk.register, **kwargs)


class RiskDetailView(RiskMixin, DetailView):
    """A risk: its cause, effect, controls and scores, what it is linked to, every review newest first,
    and its change history."""

    permission_required = "risks.view_risk"
    permission_object = "risk"
    template_name = "risks/risk_detail.html"

    def get_object(self, queryset=None):
        return self.risk

    def get_context_data(self, **kwargs):
        risk = self.risk
        actions = Action.objects.select_related("ambition__priority__strategy").order_by(
            "-ambition__priority__strategy__starts_on",
            "ambition__priority__order",
            "ambition__order",
            "order",
        )
        prefetch_related_objects(
            [risk],
            Prefetch(
                "priorities",
                queryset=Priority.objects.select_related("strategy").order_by(
                    "-strategy__starts_on", "order"
                ),
            ),
            Prefetch("actions", queryset=actions),
            Prefetch("treating_actions", queryset=actions),
        )
        return super().get_context_data(
            priorities=risk.priorities.all(),
            affected_actions=risk.actions.all(),
            treating_actions=risk.treating_actions.all(),
            reviews=risk.reviews.select_related("period", "reviewed_by").order_by("-period__starts_on"),
            changes=risk_changes(risk),
            target_band=risk.register.band(risk.target_score),
            period=latest_open_period(self.request),
            is_review_overdue=risk.status == Risk.Status.OPEN and risk.review_on < timezone.localdate(),
            **kwargs,
        )


class RiskCreateView(PartnershipMixin, FormView):
    """Add a risk to the partnership's register."""

    permission_required = "risks.manage_risks"
    template_name = "risks/risk_form.html"
    nav_section = "risks"
    partnership_joins = ("risk_register",)

    @cached_property
    def register(self) -> RiskRegister:
        """The partnership's register; one not yet made is made only when a risk is saved to it."""
        return register_set_up(self.partnership) or RiskRegister(partnership=self.partnership)

    def get_form(self, form_class=None):
        return RiskForm(**self.get_form_kwargs(), register=self.register, button="Add risk")

    def form_valid(self, form):
        risk = form.instance
        try:
            with transaction.atomic():  # the register is made with its first risk, or not at all
                if risk.register.pk is None:
                    risk.register = register_of(self.partnership)
                risk = risk_save(risk=risk, version="", **form.related)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Risk {risk.reference} added.")
        return redirect(risk.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(register=self.register, **kwargs)


class RiskEditView(EditConflictMixin, RiskMixin, FormView):
    """Change a risk, its status included, unless someone saved it since the form was opened."""

    permission_required = "risks.manage_risks"
    permission_object = "partnership"
    template_name = "risks/risk_form.html"
    conflict_message = (
        "{who} changed this risk at {when}, after you opened this form. Nothing has been saved: check "
        "what is different, then save again to replace it with your answers."
    )

    def edited_record(self) -> Risk:
        return self.risk

    def get_form(self, form_class=None):
        return RiskForm(
            **self.get_form_kwargs(),
            instance=copy.copy(self.risk),
            register=self.risk.register,
            button="Save changes",
        )

    def form_valid(self, form):
        if not form.has_changed():  # nothing to release again: the register stays as it is
            messages.success(self.request, f"Nothing was changed in risk {self.risk.reference}.")
            return redirect(self.risk.get_absolute_url())
        try:
            risk = risk_save(risk=form.instance, version=form.cleaned_data[VERSION_FIELD], **form.related)
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Risk {risk.reference} updated.")
        return redirect(risk.get_absolute_url())


class RiskReviewView(EditConflictMixin, RiskMixin, FormView):
    """The risk owner's review for the partnership's latest open reporting period, like a progress update.

    With no period open there is no form. The form carries the risk's version and the period it was
    opened for: a review or change of the risk saved since, or a different period open now, is answered
    409 with the user's answers kept (`core.conflicts`).
    """

    permission_required = "risks.review_risk"
    permission_object = "risk"
    template_name = "risks/risk_review_form.html"
    conflict_message = (
        "{who} saved this risk at {when}, after you opened this form. Nothing has been saved: check "
        "what is different, then save again to replace it with your review."
    )

    @cached_property
    def period(self) -> ReportingPeriod | None:
        return latest_open_period(self.request)

    def saved_review(self) -> RiskReview | None:
        return RiskReview.objects.filter(risk=self.risk, period=self.period).first()

    @cached_property
    def review(self) -> RiskReview:
        """This period's review if there is one, else a new one starting from the risk's scores now."""
        return self.saved_review() or RiskReview(
            risk=self.risk,
            period=self.period,
            **{name: getattr(self.risk, name) for name in REVIEW_FIELDS[:4]},
        )

    def edited_record(self) -> Risk:
        return self.risk

    def get(self, request, *args, **kwargs):
        if self.period is None:
            return self.render_to_response(self.get_context_data(form=None))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.period is None:
            return self.render_to_response(self.get_context_data(form=None), status=409)
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        return {**super().get_initial(), "review_on": self.default_review_on(), "period": str(self.period.pk)}

    def default_review_on(self) -> datetime.date:
        """The risk's own date once reviewed this period; else the next period's update deadline, or
        three months on."""
        if self.review.pk is not None:
            return self.risk.review_on
        following = (
            ReportingPeriod.objects.for_partnership(self.partnership)
            .filter(starts_on__gt=self.period.starts_on)
            .order_by("starts_on")
            .first()
        )
        if following is not None and following.update_deadline > timezone.localdate():
            return following.update_deadline
        return months_on(timezone.localdate(), REVIEW_DEFAULT_MONTHS)

    def get_form(self, form_class=None):
        return RiskReviewForm(**self.get_form_kwargs(), instance=copy.copy(self.review))

    def form_valid(self, form):
        if form.cleaned_data["period"] != str(self.period.pk):
            form.add_error(
                None,
                f"The reporting period open for reviews is now {self.period}, not the one this form was "
                f"opened for. Check your answers, then save them as the review for {self.period}.",
            )
            form.data = form.data.copy()
            form.data["period"] = str(self.period.pk)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        try:
            risk_review_save(
                risk=self.risk,
                period=self.period,
                reviewer=self.request.user,
                data=form.review_data,
                review_on=form.cleaned_data["review_on"],
                version=form.cleaned_data[VERSION_FIELD],
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Review of {self.risk.reference} for {self.period} saved.")
        return redirect(self.risk.get_absolute_url())

    def conflict_differences(self, form, saved) -> list:
        """The answers that differ from this period's review as saved now (the scores, narrative and
        control changes) and from the risk (its next review date; its scores when it has no review)."""
        if saved is None:
            return []
        review = self.saved_review()
        answers = {n: form.cleaned_data[n] for n in (*REVIEW_FIELDS, "review_on") if n in form.cleaned_data}
        labels = {n: form[n].label for n in answers}
        on_review = [n for n in REVIEW_FIELDS if n in answers] if review is not None else []
        on_risk = [n for n in answers if n not in on_review and n in {*REVIEW_FIELDS[:4], "review_on"}]
        found = differences(review, {n: answers[n] for n in on_review}, labels) if on_review else []
        return found + differences(saved, {n: answers[n] for n in on_risk}, labels)

    def get_context_data(self, **kwargs):
        risk, period = self.risk, self.period
        reviews = risk.reviews.select_related("period", "reviewed_by").order_by("-period__starts_on")
        previous_review = (reviews.exclude(period=period) if period else reviews).first()
        return super().get_context_data(
            period=period,
            previous_review=previous_review,
            review=self.review if period else None,
            **kwargs,
        )


class ReviewRemindersSendView(PartnershipMixin, View):
    """Send the risk review reminders for the latest open period now, by the daily command's rules."""

    permission_required = "risks.manage_risks"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        back = redirect("risks:register", slug=self.partnership.slug)
        period = ReportingPeriod.objects.for_partnership(self.partnership).latest_open()
        if period is None:
            messages.warning(request, "Review reminders are sent only while a reporting period is open.")
            return back
        reminders_send_now_and_say(request, REVIEW_REMINDERS, period=period)
        return back
