from django.urls import path

from delivery.views import actions, officer, periods, plan_import

app_name = "delivery"

urlpatterns = [
    path("my-actions/", officer.MyActionsView.as_view(), name="my_actions"),
    path("actions/", officer.ActionListView.as_view(), name="action_list"),
    path("actions/<int:pk>/", officer.ActionDetailView.as_view(), name="action_detail"),
    path("actions/<int:pk>/update/", officer.ProgressUpdateView.as_view(), name="progress_update"),
    path(
        "actions/<int:pk>/update/<int:period_pk>/",
        officer.ProgressUpdateView.as_view(),
        name="progress_update_for",
    ),
    path("actions/<int:pk>/reopen/", officer.ActionReopenView.as_view(), name="action_reopen"),
    path("actions/<int:pk>/delegates/", officer.ActionDelegatesView.as_view(), name="action_delegates"),
]

# Partnership administration: reporting periods, actions and milestones, the next strategy.
urlpatterns += [
    path("periods/", periods.ReportingPeriodListView.as_view(), name="period_list"),
    path("periods/new-year/", periods.ReportingPeriodYearCreateView.as_view(), name="period_year_create"),
    path("periods/<int:pk>/", periods.ReportingPeriodDetailView.as_view(), name="period_detail"),
    path(
        "periods/<int:pk>/open/",
        periods.ReportingPeriodTransitionView.as_view(change="open"),
        name="period_open",
    ),
    path(
        "periods/<int:pk>/lock/",
        periods.ReportingPeriodTransitionView.as_view(change="lock"),
        name="period_lock",
    ),
    path(
        "periods/<int:pk>/unlock/",
        periods.ReportingPeriodTransitionView.as_view(change="unlock"),
        name="period_unlock",
    ),
    path("periods/<int:pk>/deadline/", periods.ReportingPeriodDeadlineView.as_view(), name="period_deadline"),
    path("periods/<int:pk>/remind/", periods.ReportingPeriodRemindView.as_view(), name="period_remind"),
    path(
        "ambitions/<int:ambition_pk>/actions/new/", actions.ActionCreateView.as_view(), name="action_create"
    ),
    path(
        "strategies/<int:pk>/actions/new/", actions.ActionCreateView.as_view(), name="strategy_action_create"
    ),
    path("actions/<int:pk>/edit/", actions.ActionEditView.as_view(), name="action_edit"),
    path("actions/<int:pk>/move/", actions.ActionMoveView.as_view(), name="action_move"),
    path("actions/<int:pk>/milestones/", actions.ActionMilestonesView.as_view(), name="action_milestones"),
    path("milestones/<int:pk>/edit/", actions.MilestoneEditView.as_view(), name="milestone_edit"),
    path("milestones/<int:pk>/remove/", actions.MilestoneRemoveView.as_view(), name="milestone_remove"),
    path(
        "strategies/<int:pk>/start-next/", actions.StrategyStartNextView.as_view(), name="strategy_start_next"
    ),
]

# Importing and exporting the delivery plan as a spreadsheet (administrators).
urlpatterns += [
    path("actions/import/", plan_import.PlanImportView.as_view(), name="plan_import"),
    path(
        "actions/import/template/", plan_import.PlanImportTemplateView.as_view(), name="plan_import_template"
    ),
    path(
        "actions/import/<int:import_pk>/",
        plan_import.PlanImportPreviewView.as_view(),
        name="plan_import_preview",
    ),
    path(
        "actions/import/<int:import_pk>/columns/",
        plan_import.PlanImportColumnsView.as_view(),
        name="plan_import_columns",
    ),
    path("actions/export/", plan_import.PlanExportView.as_view(), name="plan_export"),
]
