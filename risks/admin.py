from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from risks.models import Risk, RiskRegister, RiskRegisterRelease, RiskReview, RiskReviewReminder


@admin.register(RiskRegister)
class RiskRegisterAdmin(SimpleHistoryAdmin):
    list_display = ["partnership", "state", "low_up_to", "medium_up_to", "tolerance"]
    list_filter = ["state"]
    list_select_related = ["partnership"]
    search_fields = ["partnership__name"]


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "register", "owner_organisation", "status", "review_on"]
    list_filter = ["register__partnership", "status", "category"]
    list_select_related = ["register__partnership", "owner_organisation"]
    search_fields = ["reference", "title", "cause", "effect"]
    raw_id_fields = ["register", "owner", "owner_organisation", "priorities", "actions", "treating_actions"]


@admin.register(RiskReview)
class RiskReviewAdmin(SimpleHistoryAdmin):
    list_display = ["risk", "period", "reviewed_by", "created_at"]
    list_filter = ["risk__register__partnership"]
    list_select_related = ["risk", "period", "reviewed_by"]
    search_fields = ["risk__reference", "risk__title", "narrative"]
    raw_id_fields = ["risk", "period", "reviewed_by"]


@admin.register(RiskRegisterRelease)
class RiskRegisterReleaseAdmin(admin.ModelAdmin):
    list_display = ["register", "released_by", "released_at"]
    list_filter = ["register__partnership"]
    list_select_related = ["register__partnership", "released_by"]
    search_fields = ["register__partnership__name", "note"]
    raw_id_fields = ["register", "released_by"]
    readonly_fields = ["content"]


@admin.register(RiskReviewReminder)
class RiskReviewReminderAdmin(admin.ModelAdmin):
    list_display = ["recipient", "period", "sent_on", "sent_at"]
    list_filter = ["period__partnership"]
    list_select_related = ["recipient", "period"]
    search_fields = ["recipient__email", "recipient__last_name"]
    raw_id_fields = ["recipient", "period", "risks"]
