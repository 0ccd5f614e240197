from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.MeetingListView.as_view(), name="meeting_list"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
]
