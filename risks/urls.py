from django.urls import path

from risks.views import register, risks

app_name = "risks"

urlpatterns = [
    # The register, its heat map, its releases to the board and its settings (risks/views/register.py).
    path("", register.RegisterView.as_view(), name="register"),
    path("release/", register.RegisterReleaseView.as_view(), name="register_release"),
    path("releases/", register.ReleaseListView.as_view(), name="release_list"),
    path("releases/<int:pk>/", register.ReleaseDetailView.as_view(), name="release_detail"),
    path("settings/", register.RegisterSettingsView.as_view(), name="register_settings"),
    # Risks and their reviews (risks/views/risks.py).
    path("new/", risks.RiskCreateView.as_view(), name="risk_create"),
    path("reminders/", risks.ReviewRemindersSendView.as_view(), name="review_reminders_send"),
    path("<int:pk>/", risks.RiskDetailView.as_view(), name="risk_detail"),
    path("<int:pk>/edit/", risks.RiskEditView.as_view(), name="risk_edit"),
    path("<int:pk>/review/", risks.RiskReviewView.as_view(), name="risk_review"),
]
