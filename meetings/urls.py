from django.urls import path

from meetings.views import meetings

app_name = "meetings"

urlpatterns = [
    # Meetings, bodies, agendas, minutes and documents (meetings/views/meetings.py, agenda.py).
    path("meetings/", meetings.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting_detail"),
    # Attendance (meetings/views/attendance.py).
    # The board's action log (meetings/views/board_actions.py).
    # From report to agenda (meetings/views/board_asks.py).
    # Agenda and minutes downloads (meetings/views/downloads.py).
]
