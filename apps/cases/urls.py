from django.urls import path

from apps.cases import views

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("open/<int:person_id>/", views.case_open, name="case_open"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("<int:case_id>/", views.case_detail, name="case_detail"),
    path("<int:case_id>/edit/", views.case_edit, name="case_edit"),
    path("<int:case_id>/status/", views.case_status, name="case_status"),
    path("<int:case_id>/notes/", views.note_add, name="note_add"),
    path("<int:case_id>/tasks/", views.task_add, name="task_add"),
    path("<int:case_id>/tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path("<int:case_id>/tasks/<int:task_id>/undo/", views.task_undo, name="task_undo"),
    path("<int:case_id>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "<int:case_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
