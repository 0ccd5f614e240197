from django.contrib import admin

from reports.models import ExceptionReport, ExceptionRuleSetting


@admin.register(ExceptionRuleSetting)
class ExceptionRuleSettingAdmin(admin.ModelAdmin):
    list_display = ["partnership", "rule", "is_enabled"]
    list_filter = ["partnership", "rule", "is_enabled"]
    list_select_related = ["partnership"]
    search_fields = ["partnership__name"]


@admin.register(ExceptionReport)
class ExceptionReportAdmin(admin.ModelAdmin):
    list_display = ["period", "meeting", "version", "published_at", "published_by"]
    list_filter = ["partnership", "period"]
    list_select_related = ["period", "meeting", "published_by"]
    search_fields = ["meeting__title", "period__name"]
    readonly_fields = ["content"]
