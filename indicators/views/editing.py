"""Adding and changing an indicator with its targets (administrators), and entering its value for an open
reporting period (its owner or an administrator)."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView

from accounts.tenancy import PartnershipMixin
from core.conflicts import Difference, EditConflict, EditConflictMixin
from core.dates import financial_year_label, financial_year_of
from core.forms import add_service_errors
from core.history import Shown
from delivery.models import ReportingPeriod
from indicators.forms import IndicatorForm, IndicatorValueForm
from indicators.models import Indicator, IndicatorValue
from indicators.numbers import number_as_text
from indicators.services import indicator_save, indicator_value_save
from indicators.standing import target_of, value_in_words
from indicators.views.pages import IndicatorMixin
from priorities.models import Strategy


class IndicatorFormMixin:
    """The indicator form page: its fields, and its targets for each year of the strategy."""

    template_name = "indicators/indicator_form.html"
    permission_required = "indicators.manage_indicators"
    nav_section = "indicators"

    @cached_property
    def strategies(self) -> list[Strategy]:
        return list(Strategy.objects.for_partnership(self.partnership))

    def get_form(self, form_class=None):
        return IndicatorForm(
            **self.get_form_kwargs(), partnership=self.partnership, strategies=self.strategies
        )


class IndicatorCreateView(IndicatorFormMixin, PartnershipMixin, FormView):
    """Add an indicator to a strategy (by default the one chosen on the list, else the current one)."""

    def opened_strategy(self) -> Strategy | None:
        chosen = self.request.GET.get("strategy", "")
        named = next((s for s in self.strategies if str(s.pk) == chosen), None)
        return named or Strategy.current_of(self.strategies, today=timezone.localdate())

    def get_form_kwargs(self):
        strategy = self.opened_strategy()
        return {**super().get_form_kwargs(), "instance": Indicator(strategy=strategy)}

    def form_valid(self, form):
        try:
            indicator = indicator_save(
                indicator=form.instance, targets=form.targets, version="", saved_by=self.request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Indicator “{indicator.name}” added.")
        return redirect(indicator.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title="Add an indicator", submit_label="Add indicator", **kwargs)


class IndicatorEditView(IndicatorFormMixin, EditConflictMixin, IndicatorMixin, FormView):
    """Change an indicator and its targets, refusing to save over someone else's later change."""

    def edited_record(self) -> Indicator:
        return self.indicator

    def get_form_kwargs(self):
        # A copy, so that the page's own indicator stays as saved if the change is refused.
        return {**super().get_form_kwargs(), "instance": copy.copy(self.indicator)}

    def form_valid(self, form):
        try:
            indicator = indicator_save(
                indicator=form.instance,
                targets=form.targets,
                version=form.cleaned_data["version"],
                saved_by=self.request.user,
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Indicator “{indicator.name}” saved.")
        return redirect(indicator.get_absolute_url())

    def conflict_differences(self, form, saved) -> list[Difference]:
        """The answers that differ from the indicator as saved now, its targets included."""
        found = super().conflict_differences(form, saved)
        if saved is None:
            return found
        unit = form.cleaned_data.get("unit") or saved.unit
        saved_targets = {t.financial_year: t.value for t in saved.targets.all()}
        for year, yours in form.targets.items():
            old = saved_targets.get(year)
            if old != yours:
                found.append(
                    Difference(
                        f"Target for {financial_year_label(year)}",
                        Shown(value_in_words(old, unit) or "Not set"),
                        Shown(value_in_words(yours, unit) or "Not set"),
                    )
                )
        return found

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title="Change the indicator", submit_label="Save changes", **kwargs
        )


class ValueEnterView(EditConflictMixin, IndicatorMixin, FormView):
    """The indicator's value for one open reporting period of the partnership, entered by its owner or an
    administrator; rated against the year's target by the service's rules, never typed. A form opened
    before someone else saved the value is answered 409 with what differs, the answers kept."""

    permission_required = "indicators.enter_value"
    permission_object = "indicator"
    url_objects = ("indicator", "period")
    template_name = "indicators/value_form.html"

    @cached_property
    def period(self) -> ReportingPeriod:
        return get_object_or_404(
            ReportingPeriod.objects.for_partnership(self.partnership), pk=self.kwargs["period_pk"]
        )

    @cached_property
    def values_to_here(self) -> list[IndicatorValue]:
        """The value entered for the period, if any, and the latest before it: one query for both."""
        return list(
            self.indicator.values.filter(period__starts_on__lte=self.period.starts_on)
            .select_related("period", "entered_by")
            .order_by("-period__starts_on")[:2]
        )

    @cached_property
    def entry(self) -> IndicatorValue | None:
        return next((v for v in self.values_to_here if v.period_id == self.period.pk), None)

    def edited_record(self) -> IndicatorValue | None:
        return self.entry

    def get(self, request, *args, **kwargs):
        if not self.period.is_open:
            return self.render_to_response(self.get_context_data(form=None))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.period.is_open:
            return self.render_to_response(self.get_context_data(form=None), status=409)
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        if self.entry is not None:
            value = self.entry.value
            initial["value"] = str(int(value)) if self.indicator.is_yes_no else number_as_text(value)
            initial["note"] = self.entry.note
        return initial

    def get_form(self, form_class=None):
        return IndicatorValueForm(**self.get_form_kwargs(), indicator=self.indicator, period=self.period)

    def form_valid(self, form):
        try:
            entry = indicator_value_save(
                indicator=self.indicator,
                period=self.period,
                entered_by=self.request.user,
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        indicator = self.indicator
        rating = indicator.rating_of(entry.value, target_of(indicator, self.period))
        shown = value_in_words(entry.value, indicator.unit)
        messages.success(self.request, f"Value for {self.period} saved: {shown} ({rating.label.lower()}).")
        return redirect(indicator.get_absolute_url())

    def conflict_differences(self, form, saved) -> list[Difference]:
        """The value and note as saved now against the answers, the value in the indicator's unit."""
        if saved is None:
            return []
        unit = self.indicator.unit
        found = []
        yours = form.cleaned_data.get("value")
        if yours != saved.value:
            found.append(
                Difference(
                    "Value", Shown(value_in_words(saved.value, unit)), Shown(value_in_words(yours, unit))
                )
            )
        if form.cleaned_data.get("note", "") != saved.note:
            found.append(
                Difference(
                    "Note", Shown(saved.note or "Not set"), Shown(form.cleaned_data.get("note") or "Not set")
                )
            )
        return found

    def get_context_data(self, **kwargs):
        indicator, period = self.indicator, self.period
        previous = next((v for v in self.values_to_here if v.period_id != period.pk), None)
        target = target_of(indicator, period)
        return super().get_context_data(
            period=period,
            entry=self.entry,
            previous=previous,
            previous_value=value_in_words(previous.value, indicator.unit) if previous else "",
            target=value_in_words(target, indicator.unit),
            target_year=financial_year_label(financial_year_of(period.ends_on)),
            baseline=value_in_words(indicator.baseline_value, indicator.unit),
            **kwargs,
        )
