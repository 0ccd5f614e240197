"""Importing and exporting the delivery plan as a spreadsheet (administrators)."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.views.generic import FormView, TemplateView, View

from accounts.tenancy import PartnershipMixin
from core.downloads import limited_download
from core.forms import add_service_errors
from delivery.forms.plan_import import PlanImportConfirmForm, PlanImportForm
from delivery.imports.columns import COLUMNS
from delivery.imports.services import (
    plan_import_check,
    plan_import_clear_empty_set,
    plan_import_confirm,
    plan_import_counts,
    plan_import_progress,
)
from delivery.imports.workbook import plan_export_xlsx, plan_template_xlsx
from delivery.models import PlanImport
from priorities.models import Strategy

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PlanImportMixin(PartnershipMixin):
    """The delivery-plan spreadsheet pages: administrators only, for the strategy chosen in ?strategy=."""

    permission_required = "delivery.import_plan"
    nav_section = "manage"

    @cached_property
    def strategies(self) -> list[Strategy]:
        return list(Strategy.objects.for_partnership(self.partnership).order_by("-starts_on"))

    @cached_property
    def chosen_strategy(self) -> Strategy | None:
        """The strategy in ?strategy=, by default the current one; another partnership's answers 404."""
        chosen = self.request.GET.get("strategy")
        if not chosen:
            return Strategy.current_of(self.strategies, today=timezone.localdate())
        for strategy in self.strategies:
            if str(strategy.pk) == chosen:
                return strategy
        raise Http404("No such strategy")


def xlsx_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


class PlanImportTemplateView(PlanImportMixin, View):
    """The empty delivery-plan spreadsheet, with guidance and the chosen strategy's priorities."""

    def get(self, request, *args, **kwargs):
        return xlsx_download(plan_template_xlsx(strategy=self.chosen_strategy), "delivery-plan-template")


class PlanExportView(PlanImportMixin, View):
    """The chosen strategy's delivery plan as a spreadsheet in the template's columns."""

    def get(self, request, *args, **kwargs):
        strategy = self.chosen_strategy
        if strategy is None:
            raise Http404("No strategy to export")
        filename = f"delivery-plan-{slugify(strategy.title)}-{timezone.localdate():%Y-%m-%d}"
        return limited_download(request, lambda: xlsx_download(plan_export_xlsx(strategy=strategy), filename))


class PlanImportView(PlanImportMixin, FormView):
    """Upload a delivery-plan spreadsheet; it is checked, and nothing changes until it is confirmed."""

    template_name = "delivery/plan_import.html"
    form_class = PlanImportForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "strategies": Strategy.objects.for_partnership(self.partnership)}

    def get_initial(self):
        return {"strategy": self.chosen_strategy}

    def form_valid(self, form):
        try:
            plan_import = plan_import_check(
                partnership=self.partnership,
                strategy=form.cleaned_data["strategy"],
                uploaded_by=self.request.user,
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect("delivery:plan_import_preview", slug=self.partnership.slug, import_pk=plan_import.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            strategies=self.strategies,
            columns=COLUMNS,
            recent_imports=PlanImport.objects.filter(partnership=self.partnership).select_related(
                "uploaded_by"
            )[:10],
            **kwargs,
        )


class PlanImportPreviewView(PlanImportMixin, TemplateView):
    """What importing a checked file will do, row by row; confirming it; its progress and result."""

    template_name = "delivery/plan_import_preview.html"

    url_objects = ("plan_import",)

    @cached_property
    def plan_import(self) -> PlanImport:
        return get_object_or_404(
            PlanImport.objects.filter(partnership=self.partnership).select_related("uploaded_by"),
            pk=self.kwargs["import_pk"],
        )

    def post(self, request, *args, **kwargs):
        """Confirm the import, or, when the choice about empty cells changed (or "Update the
        preview" was pressed), check the file again with that choice and show the preview again:
        nothing is imported that the preview did not show."""
        form = PlanImportConfirmForm(request.POST)
        form.is_valid()  # two optional checkboxes: always valid
        clear_empty = form.cleaned_data.get("clear_empty", False)
        plan_import = self.plan_import
        is_preview = plan_import.state == PlanImport.State.PREVIEW
        if is_preview and (form.cleaned_data.get("update_preview") or clear_empty != plan_import.clear_empty):
            try:
                plan_import_clear_empty_set(plan_import=plan_import, clear_empty=clear_empty)
            except ValidationError as error:
                plan_import.refresh_from_db()
                return self.render_to_response(self.get_context_data(confirm_errors=error.messages))
            plan_import.refresh_from_db()
            return self.render_to_response(self.get_context_data(preview_updated=True))
        try:
            plan_import_confirm(plan_import=plan_import, confirmed_by=request.user)
        except ValidationError as error:
            plan_import.refresh_from_db()
            return self.render_to_response(self.get_context_data(confirm_errors=error.messages))
        return redirect(request.path)

    def get_context_data(self, **kwargs):
        plan_import = self.plan_import
        errors_by_row: dict[int, list[dict]] = {}
        for error in plan_import.errors:
            errors_by_row.setdefault(error["row"], []).append(error)
        rows = [{**row, "errors": errors_by_row.get(row["row"], [])} for row in plan_import.rows]
        # Files checked before the preview showed what each change does have no differences or
        # kept fields: they show the changed columns' headings only.
        kept_empty_rows = sum(1 for row in rows if row.get("kept_empty"))
        is_importing = plan_import.state == PlanImport.State.IMPORTING
        return super().get_context_data(
            plan_import=plan_import,
            strategy=plan_import.strategy,
            rows=rows,
            counts=plan_import_counts(plan_import),
            error_count=len(plan_import.errors),
            first_errors=plan_import.errors[:50],
            done_rows=plan_import_progress(plan_import),
            kept_empty_rows=kept_empty_rows,
            offer_clear_empty=kept_empty_rows > 0 or plan_import.clear_empty,
            # Automatic refreshing is the person's choice: a page that reloads itself on a timer
            # fails WCAG 2.2.1 (axe's meta-refresh rule) unless they asked for it.
            refresh=is_importing and self.request.GET.get("refresh") == "auto",
            **kwargs,
        )
