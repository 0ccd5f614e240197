from django.urls import path

from priorities import views

app_name = "priorities"

# Mounted at /p/<slug>/strategies/. Every object is found through the partnership in the URL, so the
# pages of a priority, strategic ambition or consultation name it by its own id.
urlpatterns = [
    path("", views.StrategyListView.as_view(), name="strategy_list"),
    path("new/", views.StrategyCreateView.as_view(), name="strategy_create"),
    path("<int:pk>/", views.StrategyDetailView.as_view(), name="strategy_detail"),
    path("<int:pk>/edit/", views.StrategyEditView.as_view(), name="strategy_edit"),
    path("<int:pk>/status/", views.StrategyTransitionView.as_view(), name="strategy_transition"),
    path("<int:pk>/sign-off/", views.SignOffEditView.as_view(), name="sign_off_edit"),
    path("<int:pk>/priorities/new/", views.PriorityCreateView.as_view(), name="priority_create"),
    path("<int:pk>/consultations/new/", views.ConsultationCreateView.as_view(), name="consultation_create"),
    path("priorities/<int:pk>/edit/", views.PriorityEditView.as_view(), name="priority_edit"),
    path("priorities/<int:pk>/move/", views.PriorityMoveView.as_view(), name="priority_move"),
    path("priorities/<int:pk>/ambitions/new/", views.AmbitionCreateView.as_view(), name="ambition_create"),
    path("ambitions/<int:pk>/edit/", views.AmbitionEditView.as_view(), name="ambition_edit"),
    path("ambitions/<int:pk>/move/", views.AmbitionMoveView.as_view(), name="ambition_move"),
    path("consultations/<int:pk>/edit/", views.ConsultationEditView.as_view(), name="consultation_edit"),
]
