from django.contrib import admin

from apps.referrals.models import DirectoryEntry, DirectoryService


class DirectoryServiceInline(admin.TabularInline):
    model = DirectoryService
    extra = 1


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(admin.ModelAdmin):
    """The service directory is public information; referrals (personal data) are not here."""

    list_display = ("name", "organization", "org_type", "city", "is_public")
    list_filter = ("is_public", "org_type")
    search_fields = ("name", "city", "description_en", "description_ru", "description_ky")
    inlines = [DirectoryServiceInline]
    exclude = ("version",)  # raised by saves in the product, for their stale-edit check
