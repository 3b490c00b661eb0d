from django.urls import path

from apps.institutions import views

urlpatterns = [
    path("", views.institution_list, name="institutions_list"),
    path("<int:institution_id>/", views.institution_detail, name="institutions_detail"),
    path("<int:institution_id>/edit/", views.institution_edit, name="institutions_edit"),
    path("<int:institution_id>/visits/", views.visit_add, name="institutions_visit_add"),
    path("visits/<int:visit_id>/", views.visit_detail, name="institutions_visit"),
    path(
        "visits/<int:visit_id>/observations/",
        views.observation_add,
        name="institutions_observation_add",
    ),
    path(
        "visits/<int:visit_id>/interviews/", views.interview_add, name="institutions_interview_add"
    ),
    path(
        "visits/<int:visit_id>/checklist/", views.checklist_save, name="institutions_checklist_save"
    ),
    path(
        "visits/<int:visit_id>/recommendations/",
        views.visit_recommendation_add,
        name="institutions_visit_recommendation_add",
    ),
    path("recommendations/", views.recommendation_list, name="institutions_recommendations"),
    path(
        "recommendations/<int:recommendation_id>/",
        views.recommendation_detail,
        name="institutions_recommendation",
    ),
    path("checklist/", views.checklist_questions, name="institutions_checklist"),
]
