from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.IndicatorListView.as_view(), name="indicator_list"),
    path("new/", views.IndicatorCreateView.as_view(), name="indicator_create"),
    path("import/", views.ValueImportView.as_view(), name="value_import"),
    path("<int:pk>/", views.IndicatorDetailView.as_view(), name="indicator_detail"),
    path("<int:pk>/edit/", views.IndicatorEditView.as_view(), name="indicator_edit"),
    path("<int:pk>/values/<int:period_pk>/", views.ValueEnterView.as_view(), name="value_enter"),
]
