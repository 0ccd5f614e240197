from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Invitation, Membership, Organisation, Partnership, StatusRating, User
from accounts.services import status_ratings_install_defaults


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["partnership", "organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_superuser"]
    list_filter = ["is_active", "is_staff", "is_superuser", "memberships__partnership"]
    search_fields = ["username", "email", "first_name", "last_name"]
    inlines = [MembershipInline]


class StatusRatingInline(admin.TabularInline):
    model = StatusRating
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "slug", "created_at"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StatusRatingInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        status_ratings_install_defaults(partnership=form.instance)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "partnership", "is_responsible_authority"]
    list_filter = ["partnership", "is_responsible_authority"]
    list_select_related = ["partnership"]
    search_fields = ["name", "short_name"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "partnership", "role", "organisation", "is_active"]
    list_filter = ["partnership", "role", "is_active"]
    list_select_related = ["user", "partnership", "organisation"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "partnership", "organisation"]


@admin.register(StatusRating)
class StatusRatingAdmin(admin.ModelAdmin):
    list_display = ["partnership", "rating", "meaning", "order"]
    list_filter = ["partnership", "rating"]
    list_select_related = ["partnership"]
    search_fields = ["meaning"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "partnership", "role", "sent_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["partnership", "role"]
    list_select_related = ["partnership"]
    search_fields = ["email", "first_name", "last_name"]
    exclude = ["token_hash"]
