from django.contrib import admin
from django.utils import timezone

from apps.core import audit
from apps.core.models import AuditEntry
from apps.hotline.models import Answer


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    """System administrators keep the network-wide answers (no organisation) here."""

    list_display = ("title_en", "title_ru", "topic", "country", "organization", "updated_at")
    list_filter = ("topic", "country", "organization")
    search_fields = ("title_en", "title_ru", "title_ky", "body_en", "body_ru", "body_ky")
    readonly_fields = ("updated_at", "updated_by")

    def save_model(self, request, obj, form, change):
        obj.updated_at = timezone.now()
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        audit.record(
            AuditEntry.Action.CHANGE if change else AuditEntry.Action.CREATE,
            user=request.user,
            organization=obj.organization,
            target=obj,
            detail={"via": "admin"},
            request=request,
        )
