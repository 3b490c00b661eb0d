from django.contrib import admin

from apps.violations.models import ActType, PerpetratorType


class VocabularyAdmin(admin.ModelAdmin):
    """Admins extend the vocabularies; codes stay stable once statistics count them."""

    list_display = ("code", "name_en", "name_ru", "name_ky", "parent", "active", "sort_order")
    list_filter = ("active", "parent")
    search_fields = ("code", "name_en", "name_ru", "name_ky")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()


admin.register(ActType)(VocabularyAdmin)
admin.register(PerpetratorType)(VocabularyAdmin)
