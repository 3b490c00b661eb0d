from django.contrib import admin

from apps.institutions.models import ChecklistQuestion


@admin.register(ChecklistQuestion)
class ChecklistQuestionAdmin(admin.ModelAdmin):
    """Questions only: visits and answers (about people) are not in the admin."""

    list_display = ("text", "organization", "visit_kind", "answer_type", "active", "sort_order")
    list_filter = ("organization", "visit_kind", "answer_type", "active")
