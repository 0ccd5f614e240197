"""Importing indicator values from a spreadsheet (administrators): upload, preview, confirm."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts.tenancy import PartnershipMixin
from core.forms import add_service_errors
from delivery.models import ReportingPeriod
from indicators.forms import ValueImportForm
from indicators.imports import COLUMNS, PREVIEW_SECONDS, value_import_check, value_import_confirm
from indicators.models import Indicator
from indicators.views.pages import IN_ORDER


class ValueImportView(PartnershipMixin, TemplateView):
    """Upload a spreadsheet of indicator values; see what importing it will do, row by row; confirm it.

    Nothing is saved until the preview is confirmed, and then all the rows or none: a file with a
    problem in any row cannot be confirmed, and a value saved by anyone since the preview refuses it."""

    permission_required = "indicators.manage_indicators"
    nav_section = "indicators"
    template_name = "indicators/value_import.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ValueImportForm())
        indicators = (
            Indicator.objects.for_partnership(self.partnership)
            .select_related("strategy")
            .order_by("strategy__starts_on", "strategy__pk", *IN_ORDER)
        )
        return super().get_context_data(
            columns=COLUMNS,
            indicators=indicators,
            periods=ReportingPeriod.objects.for_partnership(self.partnership).order_by("starts_on"),
            preview_minutes=PREVIEW_SECONDS // 60,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.confirm(request)
        form = ValueImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            preview = value_import_check(
                partnership=self.partnership, file=form.cleaned_data["file"], checked_by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form))
        self.template_name = "indicators/value_import_preview.html"
        return self.render_to_response(self.get_context_data(preview=preview))

    def confirm(self, request):
        try:
            result = value_import_confirm(
                partnership=self.partnership, token=request.POST.get("token", ""), confirmed_by=request.user
            )
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(confirm_errors=error.messages), status=409)
        messages.success(
            request,
            f"Values imported: {result.new} new, {result.changed} changed, {result.unchanged} unchanged.",
        )
        return redirect("indicators:indicator_list", slug=self.partnership.slug)
