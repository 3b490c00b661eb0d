from django.urls import path

from apps.grants import views

urlpatterns = [
    path("", views.home, name="grants_home"),
    path("indicators/", views.indicators, name="grants_indicators"),
    path(
        "indicators/<int:indicator_id>/edit/",
        views.indicator_edit,
        name="grants_indicator_edit",
    ),
    path(
        "indicators/<int:indicator_id>/delete/",
        views.indicator_delete,
        name="grants_indicator_delete",
    ),
    path("<int:grant_id>/", views.grant_detail, name="grants_grant"),
    path("<int:grant_id>/edit/", views.grant_edit, name="grants_grant_edit"),
    path("<int:grant_id>/delete/", views.grant_delete, name="grants_grant_delete"),
    path("<int:grant_id>/report.<str:fmt>", views.report_download, name="grants_report"),
    path("<int:grant_id>/sent/", views.report_sent, name="grants_report_sent"),
    path(
        "<int:grant_id>/events/<int:event_id>/unlink/",
        views.unlink_event,
        name="grants_unlink_event",
    ),
    path("<int:grant_id>/<str:action>/", views.grant_action, name="grants_action"),
    path("evidence/<int:result_id>/", views.evidence_download, name="grants_evidence"),
]
