from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import SignInForm
from accounts.two_factor import TwoFactorAdminSite

# The Django admin opens only to a session verified by two-factor sign-in (django-otp's documented way).
admin.site.__class__ = TwoFactorAdminSite
admin.site.site_header = "Partnership tracker administration"
admin.site.site_title = "Partnership tracker administration"

urlpatterns = [
    path("", include("core.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("p/<slug:slug>/", include("reports.urls")),
    path("p/<slug:slug>/strategies/", include("priorities.urls")),
    path("p/<slug:slug>/", include("delivery.urls")),
    path("p/<slug:slug>/indicators/", include("indicators.urls")),
    path("p/<slug:slug>/risks/", include("risks.urls")),
    path("p/<slug:slug>/", include("meetings.urls")),
]
