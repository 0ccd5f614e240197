"""The project's URLs without the apps whose administration pages may not exist yet."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("accounts.urls")),
    path("p/<slug:slug>/", include("reports.urls")),
]
