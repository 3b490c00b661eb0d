from django.urls import path

from apps.prevention import views

urlpatterns = [
    path("", views.home, name="prevention_home"),
    path("events/new/", views.event_new, name="prevention_event_new"),
    path("events/<int:event_id>/", views.event_detail, name="prevention_event"),
    path("events/<int:event_id>/edit/", views.event_edit, name="prevention_event_edit"),
    path(
        "events/<int:event_id>/participants/",
        views.participant_add,
        name="prevention_participant_add",
    ),
    path("events/<int:event_id>/scores/", views.score_add, name="prevention_score_add"),
    path("events/<int:event_id>/follow-ups/", views.follow_up_add, name="prevention_follow_up_add"),
    path("campaigns/new/", views.campaign_new, name="prevention_campaign_new"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="prevention_campaign"),
    path("campaigns/<int:campaign_id>/edit/", views.campaign_edit, name="prevention_campaign_edit"),
    path(
        "campaigns/<int:campaign_id>/delete/",
        views.campaign_delete,
        name="prevention_campaign_delete",
    ),
    path("capacity/", views.capacity, name="prevention_capacity"),
]
