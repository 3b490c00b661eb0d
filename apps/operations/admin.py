from django.contrib import admin

from apps.operations.models import Erasure, Job, RetentionPolicy


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ("organization", "closed_case_years", "updated_at")


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin):
    list_display = ("kind", "record_id", "organization", "reason", "rows", "at")
    list_filter = ("kind", "reason")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("kind", "fmt", "organization", "status", "done", "total", "created_at")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):
        return False
