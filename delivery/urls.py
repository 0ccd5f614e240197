from django.urls import path

from delivery import views

app_name = "delivery"

urlpatterns = [
    path("my-actions/", views.MyActionsView.as_view(), name="my_actions"),
    path("actions/", views.ActionListView.as_view(), name="action_list"),
    path("actions/<int:pk>/", views.ActionDetailView.as_view(), name="action_detail"),
    path("actions/<int:pk>/update/", views.ProgressUpdateView.as_view(), name="progress_update"),
    path("actions/<int:pk>/reopen/", views.ActionReopenView.as_view(), name="action_reopen"),
    path("actions/<int:pk>/delegates/", views.ActionDelegatesView.as_view(), name="action_delegates"),
]

# Partnership administration: reporting periods, actions and milestones, the next strategy.
urlpatterns += [
    path("periods/", views.ReportingPeriodListView.as_view(), name="period_list"),
    path("periods/new-year/", views.ReportingPeriodYearCreateView.as_view(), name="period_year_create"),
    path("periods/<int:pk>/", views.ReportingPeriodDetailView.as_view(), name="period_detail"),
    path(
        "periods/<int:pk>/open/",
        views.ReportingPeriodTransitionView.as_view(change="open"),
        name="period_open",
    ),
    path(
        "periods/<int:pk>/lock/",
        views.ReportingPeriodTransitionView.as_view(change="lock"),
        name="period_lock",
    ),
    path(
        "periods/<int:pk>/unlock/",
        views.ReportingPeriodTransitionView.as_view(change="unlock"),
        name="period_unlock",
    ),
    path("periods/<int:pk>/deadline/", views.ReportingPeriodDeadlineView.as_view(), name="period_deadline"),
    path("periods/<int:pk>/remind/", views.ReportingPeriodRemindView.as_view(), name="period_remind"),
    path("ambitions/<int:ambition_pk>/actions/new/", views.ActionCreateView.as_view(), name="action_create"),
    path("actions/<int:pk>/edit/", views.ActionEditView.as_view(), name="action_edit"),
    path("actions/<int:pk>/move/", views.ActionMoveView.as_view(), name="action_move"),
    path("actions/<int:pk>/milestones/", views.ActionMilestonesView.as_view(), name="action_milestones"),
    path("milestones/<int:pk>/edit/", views.MilestoneEditView.as_view(), name="milestone_edit"),
    path("milestones/<int:pk>/remove/", views.MilestoneRemoveView.as_view(), name="milestone_remove"),
    path(
        "strategies/<int:pk>/start-next/", views.StrategyStartNextView.as_view(), name="strategy_start_next"
    ),
]

# Importing and exporting the delivery plan as a spreadsheet (administrators).
urlpatterns += [
    path("actions/import/", views.PlanImportView.as_view(), name="plan_import"),
    path("actions/import/template/", views.PlanImportTemplateView.as_view(), name="plan_import_template"),
    path(
        "actions/import/<int:import_pk>/", views.PlanImportPreviewView.as_view(), name="plan_import_preview"
    ),
    path("actions/export/", views.PlanExportView.as_view(), name="plan_export"),
]
