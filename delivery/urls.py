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
