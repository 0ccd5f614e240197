"""Importing and exporting the delivery plan as a spreadsheet (administrators)."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.views.generic import FormView, TemplateView, View
from openpyxl.utils import get_column_letter

from accounts.tenancy import PartnershipMixin
from core.downloads import limited_download
from core.forms import add_service_errors
from delivery.forms.plan_import import PlanImportColumnsForm, PlanImportConfirmForm, PlanImportForm
from delivery.imports.columns import COLUMNS, required_keys
from delivery.imports.matching import columns_remembered, columns_suggested
from delivery.imports.reading import PlanFile
from delivery.imports.row_plan import import_summary
from delivery.imports.services import (
    STALLED_AFTER,
    plan_import_check,
    plan_import_clear_empty_set,
    plan_import_columns,
    plan_import_columns_match,
    plan_import_confirm,
    plan_import_counts,
    plan_import_progress,
    plan_import_stalled,
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
        name = (
            "plan_import_columns" if plan_import.state == PlanImport.State.MATCHING else "plan_import_preview"
        )
        return redirect(f"delivery:{name}", slug=self.partnership.slug, import_pk=plan_import.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            strategies=self.strategies,
            columns=COLUMNS,
            recent_imports=PlanImport.objects.filter(partnership=self.partnership).select_related(
                "uploaded_by"
            )[:10],
            **kwargs,
        )


class PlanImportRecordMixin(PlanImportMixin):
    """A page about one uploaded file, fetched through the partnership."""

    url_objects = ("plan_import",)

    @cached_property
    def plan_import(self) -> PlanImport:
        return get_object_or_404(
            PlanImport.objects.filter(partnership=self.partnership).select_related("uploaded_by", "strategy"),
            pk=self.kwargs["import_pk"],
        )

    def redirect_to(self, name: str):
        return redirect(f"delivery:{name}", slug=self.partnership.slug, import_pk=self.plan_import.pk)


class PlanImportColumnsView(PlanImportRecordMixin, FormView):
    """Match the file's own headings to the plan's fields, then go on to the preview.

    Open while the file waits for matching, and from its preview to change the columns; an import
    under way or done, or one checked before its headings were kept, goes to its preview instead.
    """

    template_name = "delivery/plan_import_columns.html"
    form_class = PlanImportColumnsForm

    def get(self, request, *args, **kwargs):
        return (
            super().get(request, *args, **kwargs)
            if self.can_match
            else self.redirect_to("plan_import_preview")
        )

    def post(self, request, *args, **kwargs):
        return (
            super().post(request, *args, **kwargs)
            if self.can_match
            else self.redirect_to("plan_import_preview")
        )

    @cached_property
    def can_match(self) -> bool:
        plan_import = self.plan_import
        return (
            plan_import.state in (PlanImport.State.MATCHING, PlanImport.State.PREVIEW)
            and bool(plan_import.headings)
            and all("cells" in row for row in plan_import.rows)
        )

    @cached_property
    def plan_file(self) -> PlanFile:
        return PlanFile(headings=self.plan_import.headings, rows=self.plan_import.rows)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "headings": self.plan_import.headings,
            "positions": self.plan_file.positions,
            "strategy": self.plan_import.strategy,
        }

    def get_initial(self):
        plan_import = self.plan_import
        if plan_import.state == PlanImport.State.PREVIEW:
            columns = plan_import_columns(plan_import)
        else:
            columns = columns_suggested(
                headings=plan_import.headings,
                remembered=columns_remembered(partnership=self.partnership, headings=plan_import.headings),
                positions=self.plan_file.positions,
                strategy=plan_import.strategy,
            )
        return {f"column_{position}": key for position, key in columns.items()}

    def form_valid(self, form):
        try:
            plan_import_columns_match(plan_import=self.plan_import, columns=form.columns)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return self.redirect_to("plan_import_preview")

    def get_context_data(self, **kwargs):
        form = kwargs.setdefault("form", self.get_form())
        samples = self.plan_file.samples
        columns = [
            {
                "position": position,
                "letter": get_column_letter(position + 1),
                "heading": self.plan_import.headings[position],
                "sample": samples.get(position, ""),
                "field": form[f"column_{position}"],
            }
            for position in self.plan_file.positions
        ]
        return super().get_context_data(
            plan_import=self.plan_import,
            strategy=self.plan_import.strategy,
            columns=columns,
            required=[c.heading for c in COLUMNS if c.key in required_keys(self.plan_import.strategy)],
            **kwargs,
        )


class PlanImportPreviewView(PlanImportRecordMixin, TemplateView):
    """What importing a checked file will do, row by row; confirming it; its progress and result."""

    template_name = "delivery/plan_import_preview.html"

    def get(self, request, *args, **kwargs):
        if self.plan_import.state == PlanImport.State.MATCHING:
            return self.redirect_to("plan_import_columns")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        """Confirm the import, or, when the choice about empty cells changed (or "Update the
        preview" was pressed), check the file again with that choice and show the preview again:
        nothing is imported that the preview did not show."""
        if self.plan_import.state == PlanImport.State.MATCHING:
            return self.redirect_to("plan_import_columns")
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
            stalled=plan_import_stalled(plan_import),
            stalled_minutes=STALLED_AFTER // 60,
            kept_empty_rows=kept_empty_rows,
            **import_summary(plan_import.rows),
            offer_clear_empty=kept_empty_rows > 0 or plan_import.clear_empty,
            # Automatic refreshing is the person's choice: a page that reloads itself on a timer
            # fails WCAG 2.2.1 (axe's meta-refresh rule) unless they asked for it.
            refresh=is_importing and self.request.GET.get("refresh") == "auto",
            **kwargs,
        )
