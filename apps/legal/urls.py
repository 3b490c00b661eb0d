from django.urls import path

from apps.legal import views

urlpatterns = [
    path("", views.case_list, name="legal_home"),
    path("consultations/", views.consultations, name="legal_consultations"),
    path("proceedings/new/", views.proceeding_new, name="legal_proceeding_new"),
    path("proceedings/<int:pk>/", views.proceeding, name="legal_proceeding"),
    path("proceedings/<int:pk>/stages/", views.stage_add, name="legal_stage_add"),
    path(
        "proceedings/<int:pk>/stages/<int:stage_id>/decision/",
        views.stage_decision,
        name="legal_stage_decision",
    ),
    path(
        "proceedings/<int:pk>/stages/<int:stage_id>/documents/",
        views.document_add,
        name="legal_document_add",
    ),
    path(
        "proceedings/<int:pk>/documents/<int:document_id>/",
        views.document_download,
        name="legal_document",
    ),
    path("proceedings/<int:pk>/defendants/", views.defendant_add, name="legal_defendant_add"),
    path("proceedings/<int:pk>/charges/", views.charge_add, name="legal_charge_add"),
    path("proceedings/<int:pk>/verdicts/", views.verdict_add, name="legal_verdict_add"),
    path("proceedings/<int:pk>/hearings/", views.hearing_add, name="legal_hearing_add"),
    path(
        "proceedings/<int:pk>/hearings/<int:hearing_id>/",
        views.hearing_result,
        name="legal_hearing_result",
    ),
    path("proceedings/<int:pk>/deadlines/", views.deadline_add, name="legal_deadline_add"),
    path(
        "proceedings/<int:pk>/deadlines/<int:deadline_id>/met/",
        views.deadline_met,
        name="legal_deadline_met",
    ),
    path(
        "proceedings/<int:pk>/compensation/", views.compensation_add, name="legal_compensation_add"
    ),
    path("proceedings/<int:pk>/protection/", views.protection_add, name="legal_protection_add"),
    path(
        "proceedings/<int:pk>/protection/<int:item_id>/",
        views.protection_decide,
        name="legal_protection_decide",
    ),
    path("proceedings/<int:pk>/participants/", views.participant_add, name="legal_participant_add"),
    path(
        "proceedings/<int:pk>/participants/<int:participant_id>/contacts/",
        views.contact_add,
        name="legal_contact_add",
    ),
    path(
        "proceedings/<int:pk>/participants/<int:participant_id>/stop/",
        views.participant_stop,
        name="legal_participant_stop",
    ),
    path(
        "proceedings/<int:pk>/defendants/<int:defendant_id>/custody/",
        views.custody_update,
        name="legal_custody",
    ),
    path("proceedings/<int:pk>/timeline/", views.timeline_add, name="legal_timeline_add"),
    path("deadlines/", views.deadlines, name="legal_deadlines"),
    path("calendar/", views.calendar, name="legal_calendar"),
    path("calendar/feed/new/", views.feed_issue, name="legal_feed_issue"),
    path("calendar/feed/revoke/", views.feed_revoke, name="legal_feed_revoke"),
    path("feed/<str:token>.ics", views.feed, name="legal_feed"),
    path("settings/", views.legal_settings, name="legal_settings"),
]
