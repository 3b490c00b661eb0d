from django.urls import path

from apps.grants import views

urlpatterns = [
    path("", views.home, name="grants_home"),
    path("indicators/", views.indicators, name="grants_indicators"),
    path("<int:grant_id>/", views.grant_detail, name="grants_grant"),
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
