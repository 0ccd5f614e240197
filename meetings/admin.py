from django.contrib import admin

from meetings.models import (
    AgendaItem,
    Attendance,
    BoardAction,
    BoardActionNote,
    Body,
    Meeting,
    SupportingDocument,
)


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership", "chair", "vice_chair"]
    list_filter = ["partnership"]
    list_select_related = ["partnership", "chair", "vice_chair"]
    search_fields = ["name"]
    autocomplete_fields = ["chair", "vice_chair"]


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0
    autocomplete_fields = ["action"]
    raw_id_fields = ["board_ask"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["person"]


class BoardActionInline(admin.TabularInline):
    model = BoardAction
    extra = 0
    autocomplete_fields = ["owner", "action"]
    raw_id_fields = ["agenda_item", "board_ask", "priority", "owner_organisation"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "body", "held_on", "status", "partnership"]
    list_filter = ["partnership", "status"]
    list_select_related = ["partnership", "body"]
    search_fields = ["title", "body__name"]
    date_hierarchy = "held_on"
    raw_id_fields = ["body", "minutes_approved_at"]
    inlines = [AgendaItemInline, AttendanceInline, BoardActionInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "order", "meeting"]
    list_filter = ["meeting__partnership"]
    list_select_related = ["meeting"]
    search_fields = ["title", "minutes", "resolution"]
    raw_id_fields = ["meeting", "action", "board_ask"]


@admin.register(SupportingDocument)
class SupportingDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "agenda_item", "file", "url"]
    list_filter = ["agenda_item__meeting__partnership"]
    list_select_related = ["agenda_item"]
    search_fields = ["title"]
    raw_id_fields = ["agenda_item"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "status", "meeting"]
    list_filter = ["meeting__partnership", "status"]
    list_select_related = ["organisation", "meeting"]
    search_fields = ["name", "substitute"]
    raw_id_fields = ["meeting", "person", "organisation"]


@admin.register(BoardAction)
class BoardActionAdmin(admin.ModelAdmin):
    list_display = ["description", "meeting", "owner", "owner_organisation", "due_on", "status"]
    list_filter = ["meeting__partnership", "status"]
    list_select_related = ["meeting", "owner", "owner_organisation"]
    search_fields = ["description"]
    autocomplete_fields = ["owner", "action"]
    raw_id_fields = ["meeting", "agenda_item", "board_ask", "priority", "owner_organisation"]


@admin.register(BoardActionNote)
class BoardActionNoteAdmin(admin.ModelAdmin):
    list_display = ["text", "board_action", "author", "created_at"]
    list_filter = ["board_action__meeting__partnership"]
    list_select_related = ["board_action", "author"]
    search_fields = ["text"]
    raw_id_fields = ["board_action", "author"]
