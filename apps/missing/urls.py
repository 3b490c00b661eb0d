from django.urls import path

from apps.missing import views

urlpatterns = [
    path("", views.appeal_list, name="appeal_list"),
    path("new/", views.appeal_new, name="appeal_new"),
    path("<int:appeal_id>/", views.appeal_detail, name="appeal_detail"),
    path("<int:appeal_id>/edit/", views.appeal_edit, name="appeal_edit"),
    path("<int:appeal_id>/notes/", views.appeal_note_add, name="appeal_note_add"),
    path("<int:appeal_id>/close/", views.appeal_close, name="appeal_close"),
    path("<int:appeal_id>/case/", views.appeal_case_link, name="appeal_case_link"),
    path("<int:appeal_id>/matches/<int:match_id>/", views.match_decide, name="appeal_match_decide"),
]
