from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.PlanView.as_view(), name="plan"),
    path("reports/exceptions/", views.ExceptionReportView.as_view(), name="exception_report"),
    path(
        "reports/exceptions.<str:extension>",
        views.ExceptionReportView.as_view(),
        name="exception_report_download",
    ),
    path(
        "reports/exceptions/publish/",
        views.ExceptionReportPublishView.as_view(),
        name="exception_report_publish",
    ),
    path("reports/exceptions/rules/", views.ExceptionRulesView.as_view(), name="exception_rules"),
    path("reports/published/<int:pk>/", views.PublishedReportView.as_view(), name="published_report"),
    path(
        "reports/published/<int:pk>.<str:extension>",
        views.PublishedReportView.as_view(),
        name="published_report_download",
    ),
    path("reports/board-asks/", views.BoardAsksView.as_view(), name="board_asks"),
    path("activity/", views.ActivityView.as_view(), name="activity"),
]
