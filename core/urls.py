from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("accessibility/", views.AccessibilityStatementView.as_view(), name="accessibility"),
    path("favicon.ico", views.favicon, name="favicon"),
]
