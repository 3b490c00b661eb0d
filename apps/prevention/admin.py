from django.contrib import admin

from apps.prevention.models import AgeBand


@admin.register(AgeBand)
class AgeBandAdmin(admin.ModelAdmin):
    """Each organisation's age bands (reference data; no personal data). Renaming a default
    band replaces its translated label with the name given here."""

    list_display = ("organization", "code", "label", "min_age", "max_age", "sort_order")
    list_filter = ("organization",)
    ordering = ("organization", "sort_order")
