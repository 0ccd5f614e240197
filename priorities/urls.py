from django.urls import path

from priorities.views import agreement, strategies, structure

app_name = "priorities"

# Mounted at /p/<slug>/strategies/. Every object is found through the partnership in the URL, so the
# pages of a priority, strategic ambition or consultation name it by its own id.
urlpatterns = [
    path("", strategies.StrategyListView.as_view(), name="strategy_list"),
    path("new/", strategies.StrategyCreateView.as_view(), name="strategy_create"),
    path("<int:pk>/", strategies.StrategyDetailView.as_view(), name="strategy_detail"),
    path("<int:pk>/edit/", strategies.StrategyEditView.as_view(), name="strategy_edit"),
    path("<int:pk>/status/", strategies.StrategyTransitionView.as_view(), name="strategy_transition"),
    path("<int:pk>/sign-off/", agreement.SignOffEditView.as_view(), name="sign_off_edit"),
    path("<int:pk>/priorities/new/", structure.PriorityCreateView.as_view(), name="priority_create"),
    path(
        "<int:pk>/consultations/new/", agreement.ConsultationCreateView.as_view(), name="consultation_create"
    ),
    path("priorities/<int:pk>/edit/", structure.PriorityEditView.as_view(), name="priority_edit"),
    path("priorities/<int:pk>/move/", structure.PriorityMoveView.as_view(), name="priority_move"),
    path(
        "priorities/<int:pk>/ambitions/new/", structure.AmbitionCreateView.as_view(), name="ambition_create"
    ),
    path("ambitions/<int:pk>/edit/", structure.AmbitionEditView.as_view(), name="ambition_edit"),
    path("ambitions/<int:pk>/move/", structure.AmbitionMoveView.as_view(), name="ambition_move"),
    path("consultations/<int:pk>/edit/", agreement.ConsultationEditView.as_view(), name="consultation_edit"),
]
