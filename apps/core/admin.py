from django.contrib import admin

from apps.core.models import AuditEntry, ReferenceValue


@admin.register(ReferenceValue)
class ReferenceValueAdmin(admin.ModelAdmin):
    """System administrators extend the taxonomies here (codes, labels, HTCDS names)."""

    list_display = ("kind", "code", "name_en", "name_ru", "name_ky", "htcds_value", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name_en", "name_ru", "name_ky")

    def has_delete_permission(self, request, obj=None):
        # Records refer to codes; retire a value (active = off) instead.
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("id", "at", "actor_label", "organization", "action", "target_type", "target_id")
    list_filter = ("action", "target_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
