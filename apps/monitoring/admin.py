from django.contrib import admin
from django.utils import timezone

from apps.core import audit
from apps.core.models import AuditEntry
from apps.monitoring.models import RecruitmentAgency
from apps.monitoring.services import search_text_for


@admin.register(RecruitmentAgency)
class RecruitmentAgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "licence_number", "licence_status", "licence_valid_until", "city")
    list_filter = ("licence_status",)
    search_fields = ("name", "other_names", "licence_number", "search_text")
    readonly_fields = ("search_text", "updated_at", "updated_by")

    def save_model(self, request, obj, form, change):
        obj.search_text = search_text_for(obj.name, obj.other_names, obj.licence_number)
        obj.updated_at = timezone.now()
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        audit.record(
            AuditEntry.Action.CHANGE if change else AuditEntry.Action.CREATE,
            user=request.user,
            target=obj,
            detail={"via": "admin"},
            request=request,
        )
