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
    path(
        "<int:event_id>/interventions/<int:intervention_id>/edit/",
        views.intervention_edit,
        name="violations_intervention_edit",
    ),
    path(
        "<int:event_id>/interventions/<int:part_id>/delete/",
        views.event_part_delete,
        {"related": "interventions"},
        name="violations_intervention_delete",
    ),
    path(
        "<int:event_id>/involvements/<int:involvement_id>/edit/",
        views.involvement_edit,
        name="violations_involvement_edit",
    ),
    path(
        "<int:event_id>/involvements/<int:part_id>/delete/",
        views.event_part_delete,
        {"related": "involvements"},
        name="violations_involvement_delete",
    ),
    path("<int:event_id>/acts/<int:act_id>/edit/", views.act_edit, name="violations_act_edit"),
    path(
        "<int:event_id>/acts/<int:part_id>/delete/",
        views.event_part_delete,
        {"related": "acts"},
        name="violations_act_delete",
    ),
    path(
        "<int:event_id>/sources/<int:source_id>/edit/",
        views.source_edit,
        name="violations_source_edit",
    ),
    path(
        "<int:event_id>/sources/<int:part_id>/delete/",
        views.event_part_delete,
        {"related": "sources"},
        name="violations_source_delete",
    ),
    path("<int:event_id>/grants/", views.grant_add, name="violations_grant_add"),
    path(
        "<int:event_id>/grants/<int:grant_id>/revoke/",
        views.grant_revoke,
        name="violations_grant_revoke",
    ),
]
