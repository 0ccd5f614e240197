from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from priorities.models import Consultation, Priority, SignOff, StrategicAmbition, Strategy


class SignOffInline(admin.TabularInline):
    model = SignOff
    extra = 0
    autocomplete_fields = ["organisation"]


class ConsultationInline(admin.StackedInline):
    model = Consultation
    extra = 0


@admin.register(Strategy)
class StrategyAdmin(SimpleHistoryAdmin):
    list_display = ["title", "partnership", "status", "starts_on", "ends_on"]
    list_filter = ["partnership", "status"]
    list_select_related = ["partnership"]
    search_fields = ["title", "summary"]
    date_hierarchy = "starts_on"
    inlines = [SignOffInline, ConsultationInline]


@admin.register(SignOff)
class SignOffAdmin(admin.ModelAdmin):
    list_display = ["strategy", "organisation", "decision", "decided_on", "decided_by"]
    list_filter = ["decision", "strategy__partnership"]
    list_select_related = ["strategy", "organisation"]
    search_fields = ["strategy__title", "organisation__name", "decided_by"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "strategy", "opens_on", "closes_on", "responses_received"]
    list_filter = ["strategy__partnership"]
    list_select_related = ["strategy"]
    search_fields = ["title", "findings"]


class StrategicAmbitionInline(admin.TabularInline):
    model = StrategicAmbition
    extra = 0
    fields = ["order", "title"]


@admin.register(Priority)
class PriorityAdmin(SimpleHistoryAdmin):
    list_display = ["title", "order", "strategy", "lead", "lead_organisation"]
    list_filter = ["strategy__partnership", "strategy"]
    list_select_related = ["strategy", "lead", "lead_organisation"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["lead", "lead_organisation"]
    inlines = [StrategicAmbitionInline]


@admin.register(StrategicAmbition)
class StrategicAmbitionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "reference", "priority"]
    list_filter = ["priority__strategy__partnership", "priority__strategy"]
    list_select_related = ["priority", "priority__strategy"]
    search_fields = ["title", "strategic_plan"]
