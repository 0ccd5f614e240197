from django.contrib import admin

from meetings.models import AgendaItem, BoardAction, Meeting


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0


class BoardActionInline(admin.TabularInline):
    model = BoardAction
    extra = 0
    autocomplete_fields = ["owner", "action"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "body", "held_on", "partnership"]
    list_filter = ["partnership", "body"]
    list_select_related = ["partnership"]
    search_fields = ["title", "body"]
    date_hierarchy = "held_on"
    inlines = [AgendaItemInline, BoardActionInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "order", "meeting"]
    list_filter = ["meeting__partnership"]
    list_select_related = ["meeting"]
    search_fields = ["title", "minutes", "resolution"]


@admin.register(BoardAction)
class BoardActionAdmin(admin.ModelAdmin):
    list_display = ["description", "meeting", "owner", "due_on", "status"]
    list_filter = ["meeting__partnership", "status"]
    list_select_related = ["meeting", "owner"]
    search_fields = ["description"]
    autocomplete_fields = ["owner", "action"]
