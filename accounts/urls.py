from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("partnerships/new/", views.PartnershipSetUpView.as_view(), name="partnership_set_up"),
    path("accounts/invitation/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("p/<slug:slug>/manage/", views.ManageView.as_view(), name="manage"),
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
