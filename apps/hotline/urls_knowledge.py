from django.urls import path

from apps.hotline import knowledge_views as views

urlpatterns = [
    path("", views.answer_list, name="answer_list"),
    path("search/", views.answer_search, name="answer_search"),
    path("new/", views.answer_new, name="answer_new"),
    path("<int:answer_id>/edit/", views.answer_edit, name="answer_edit"),
]
