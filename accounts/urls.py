from django.urls import path

from accounts import handover_views, joining, password_views, sessions, sign_in_log, two_factor, views

app_name = "accounts"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("partnerships/new/", joining.PartnershipSetUpView.as_view(), name="partnership_set_up"),
    path(
        "accounts/invitation/<str:token>/", joining.InvitationAcceptView.as_view(), name="invitation_accept"
    ),
    path("accounts/account/", password_views.AccountView.as_view(), name="account"),
    path("accounts/password/change/", password_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/reset/", password_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        password_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/complete/",
        password_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        password_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/two-factor/", two_factor.TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    path("accounts/two-factor/set-up/", two_factor.TwoFactorSetUpView.as_view(), name="two_factor_set_up"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor.RecoveryCodesView.as_view(),
        name="two_factor_recovery_codes",
    ),
    path("accounts/two-factor/remove/", two_factor.TwoFactorRemoveView.as_view(), name="two_factor_remove"),
    path("accounts/session/", sessions.session_status, name="session_status"),
    path("accounts/session/extend/", sessions.session_extend, name="session_extend"),
    path("accounts/sign-out-everywhere/", sessions.sign_out_everywhere, name="sign_out_everywhere"),
    path("p/<slug:slug>/manage/", views.ManageView.as_view(), name="manage"),
    path(
        "p/<slug:slug>/manage/settings/", views.PartnershipSettingsView.as_view(), name="partnership_settings"
    ),
    path("p/<slug:slug>/organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path(
        "p/<slug:slug>/organisations/add/",
        views.OrganisationCreateView.as_view(),
        name="organisation_create",
    ),
    path(
        "p/<slug:slug>/organisations/<int:pk>/edit/",
        views.OrganisationUpdateView.as_view(),
        name="organisation_edit",
    ),
    path("p/<slug:slug>/people/", views.PeopleView.as_view(), name="people"),
    path("p/<slug:slug>/people/invite/", views.PersonInviteView.as_view(), name="person_invite"),
    path("p/<slug:slug>/people/<int:pk>/edit/", views.PersonEditView.as_view(), name="person_edit"),
    path(
        "p/<slug:slug>/people/<int:pk>/hand-over/",
        handover_views.PersonHandOverView.as_view(),
        name="person_hand_over",
    ),
    path(
        "p/<slug:slug>/people/<int:pk>/password-reset/",
        password_views.PersonPasswordResetView.as_view(),
        name="person_password_reset",
    ),
    path("p/<slug:slug>/manage/sign-ins/", sign_in_log.SignInLogView.as_view(), name="sign_in_log"),
    path(
        "p/<slug:slug>/people/<int:pk>/deactivate/",
        views.PersonDeactivateView.as_view(),
        name="person_deactivate",
    ),
    path(
        "p/<slug:slug>/people/<int:pk>/reactivate/",
        views.PersonReactivateView.as_view(),
        name="person_reactivate",
    ),
    path(
        "p/<slug:slug>/people/invitations/<int:pk>/resend/",
        views.InvitationResendView.as_view(),
        name="invitation_resend",
    ),
    path(
        "p/<slug:slug>/people/invitations/<int:pk>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
]
