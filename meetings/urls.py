from django.urls import path

from meetings.views import agenda, attendance, board_actions, board_asks, downloads, meetings

app_name = "meetings"

urlpatterns = [
    # Meetings, bodies, agendas, minutes and documents (meetings/views/meetings.py, agenda.py).
    path("meetings/", meetings.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/new/", meetings.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/edit/", meetings.MeetingEditView.as_view(), name="meeting_edit"),
    path("meetings/bodies/", meetings.BodyListView.as_view(), name="body_list"),
    path("meetings/bodies/new/", meetings.BodyCreateView.as_view(), name="body_create"),
    path("meetings/bodies/<int:pk>/edit/", meetings.BodyEditView.as_view(), name="body_edit"),
    path("meetings/<int:pk>/agenda/new/", agenda.AgendaItemCreateView.as_view(), name="agenda_item_create"),
    path("meetings/agenda/<int:pk>/edit/", agenda.AgendaItemEditView.as_view(), name="agenda_item_edit"),
    path("meetings/agenda/<int:pk>/move/", agenda.AgendaItemMoveView.as_view(), name="agenda_item_move"),
    path(
        "meetings/agenda/<int:pk>/documents/new/",
        agenda.DocumentAddView.as_view(),
        name="agenda_item_document_add",
    ),
    path("meetings/documents/<int:pk>/", agenda.DocumentDownloadView.as_view(), name="document_download"),
    path("meetings/documents/<int:pk>/remove/", agenda.DocumentRemoveView.as_view(), name="document_remove"),
    # Last of these: the access matrix walks URLs in order, and an administrator's POST removes the item.
    path(
        "meetings/agenda/<int:pk>/remove/", agenda.AgendaItemRemoveView.as_view(), name="agenda_item_remove"
    ),
    # Attendance (meetings/views/attendance.py).
    path(
        "meetings/<int:pk>/attendance/", attendance.AttendanceRecordView.as_view(), name="meeting_attendance"
    ),
    path("meetings/attendance/", attendance.AttendanceReportView.as_view(), name="attendance_report"),
    # The board's action log (meetings/views/board_actions.py).
    path("meetings/actions/", board_actions.BoardActionListView.as_view(), name="board_action_list"),
    path(
        "meetings/<int:pk>/actions/new/",
        board_actions.BoardActionCreateView.as_view(),
        name="meeting_board_action_create",
    ),
    path(
        "meetings/actions/<int:pk>/",
        board_actions.BoardActionDetailView.as_view(),
        name="board_action_detail",
    ),
    path(
        "meetings/actions/<int:pk>/edit/",
        board_actions.BoardActionEditView.as_view(),
        name="board_action_edit",
    ),
    path(
        "meetings/actions/<int:pk>/progress/",
        board_actions.BoardActionProgressView.as_view(),
        name="board_action_progress",
    ),
    # From report to agenda (meetings/views/board_asks.py).
    path(
        "meetings/<int:pk>/board-asks/<int:update_pk>/agenda-item/",
        board_asks.BoardAskAgendaItemView.as_view(),
        name="meeting_board_ask_agenda_item",
    ),
    path(
        "meetings/<int:pk>/board-asks/<int:update_pk>/board-action/",
        board_asks.BoardAskBoardActionView.as_view(),
        name="meeting_board_ask_board_action",
    ),
    # Agenda and minutes downloads (meetings/views/downloads.py).
    path("meetings/<int:pk>/agenda/", downloads.MeetingAgendaView.as_view(), name="meeting_agenda"),
    path(
        "meetings/<int:pk>/agenda.docx", downloads.MeetingAgendaDocxView.as_view(), name="meeting_agenda_docx"
    ),
    path("meetings/<int:pk>/minutes/", downloads.MeetingMinutesView.as_view(), name="meeting_minutes"),
    path(
        "meetings/<int:pk>/minutes.docx",
        downloads.MeetingMinutesDocxView.as_view(),
        name="meeting_minutes_docx",
    ),
]
