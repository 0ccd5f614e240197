from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from delivery.models import Action, Milestone, PlanImport, ProgressUpdate, ReportingPeriod, UpdateReminder


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["name", "partnership", "starts_on", "ends_on", "update_deadline", "state"]
    list_filter = ["partnership", "state"]
    list_select_related = ["partnership"]
    search_fields = ["name"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "owner", "status", "due_on"]
    list_filter = [
        "ambition__priority__strategy__partnership",
        "status",
        "ambition__priority__strategy",
    ]
    list_select_related = ["ambition__priority__strategy", "owner"]
    search_fields = ["title", "description", "owner__username", "owner__last_name"]
    autocomplete_fields = ["owner", "delegates", "partner_organisations"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "action", "due_on", "completed_on"]
    list_filter = ["action__ambition__priority__strategy__partnership"]
    list_select_related = ["action__ambition__priority__strategy"]
    search_fields = ["title", "action__title"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["action", "period", "rating", "percent_complete", "author", "submitted_at"]
    list_filter = ["period__partnership", "rating", "period"]
    list_select_related = ["action__ambition__priority__strategy", "period", "author"]
    search_fields = ["action__title", "narrative", "board_ask"]
    autocomplete_fields = ["action", "author"]


@admin.register(UpdateReminder)
class UpdateReminderAdmin(admin.ModelAdmin):
    list_display = ["recipient", "period", "sent_on", "sent_at"]
    list_filter = ["period__partnership", "period", "sent_on"]
    list_select_related = ["recipient", "period"]
    search_fields = ["recipient__username", "recipient__email", "recipient__last_name"]
    date_hierarchy = "sent_on"


@admin.register(PlanImport)
class PlanImportAdmin(admin.ModelAdmin):
    list_display = [
        "file_name",
        "partnership",
        "uploaded_by",
        "uploaded_at",
        "state",
        "total_rows",
        "done_rows",
    ]
    list_filter = ["partnership", "state"]
    list_select_related = ["partnership", "uploaded_by"]
    search_fields = ["file_name"]
