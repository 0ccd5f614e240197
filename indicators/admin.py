from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import Indicator, IndicatorTarget, IndicatorValue


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "strategy", "priority", "unit", "polarity", "owner_organisation"]
    list_filter = ["strategy__partnership", "kind", "unit", "polarity"]
    list_select_related = ["strategy", "priority", "owner_organisation"]
    search_fields = ["name", "definition"]
    raw_id_fields = ["strategy", "priority", "ambition", "owner", "owner_organisation"]
    inlines = [IndicatorTargetInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "period", "value", "entered_by", "updated_at"]
    list_filter = ["indicator__strategy__partnership"]
    list_select_related = ["indicator", "period", "entered_by"]
    search_fields = ["indicator__name", "note"]
    raw_id_fields = ["indicator", "period", "entered_by"]
