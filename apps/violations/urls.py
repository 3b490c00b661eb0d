from django.urls import path

from apps.violations import views

urlpatterns = [
    path("", views.event_list, name="violations_list"),
    path("new/", views.incident_new, name="violations_new"),
    path("people/similar/", views.similar_people, name="violations_similar_people"),
    path("<int:event_id>/", views.event_detail, name="violations_event"),
    path("<int:event_id>/edit/", views.event_edit, name="violations_event_edit"),
    path("<int:event_id>/victims/", views.victim_add, name="violations_victim_add"),
    path("<int:event_id>/sources/", views.source_add, name="violations_source_add"),
    path(
        "<int:event_id>/interventions/", views.intervention_add, name="violations_intervention_add"
    ),
    path(
        "<int:event_id>/interventions/<int:intervention_id>/response/",
        views.intervention_response,
        name="violations_intervention_response",
    ),
    path("<int:event_id>/grants/", views.grant_add, name="violations_grant_add"),
    path(
        "<int:event_id>/grants/<int:grant_id>/revoke/",
        views.grant_revoke,
        name="violations_grant_revoke",
    ),
]
