from django.urls import path
from django.views.generic import RedirectView

from apps.assistance import views

urlpatterns = [
    # The area's address (README, bookmarks) opens the member's check-ins.
    path("", RedirectView.as_view(pattern_name="assistance_check_ins"), name="assistance_home"),
    path("case/<int:case_id>/", views.case_assistance, name="assistance_case"),
    path("case/<int:case_id>/needs/<str:stage>/", views.needs_save, name="assistance_needs"),
    path("case/<int:case_id>/plan/", views.plan_save, name="assistance_plan"),
    path("case/<int:case_id>/planned/", views.planned_add, name="assistance_planned_add"),
    path(
        "case/<int:case_id>/planned/<int:service_id>/status/",
        views.planned_status,
        name="assistance_planned_status",
    ),
    path(
        "case/<int:case_id>/planned/<int:service_id>/edit/",
        views.planned_edit,
        name="assistance_planned_edit",
    ),
    path(
        "case/<int:case_id>/planned/<int:service_id>/remove/",
        views.planned_remove,
        name="assistance_planned_remove",
    ),
    path("case/<int:case_id>/delivered/", views.delivered_add, name="assistance_delivered_add"),
    path(
        "case/<int:case_id>/delivered/<int:service_id>/edit/",
        views.delivered_edit,
        name="assistance_delivered_edit",
    ),
    path(
        "case/<int:case_id>/delivered/<int:service_id>/remove/",
        views.delivered_remove,
        name="assistance_delivered_remove",
    ),
    path(
        "case/<int:case_id>/check-ins/schedule/",
        views.check_ins_schedule,
        name="assistance_check_ins_schedule",
    ),
    path(
        "case/<int:case_id>/check-ins/<int:check_in_id>/",
        views.check_in_record,
        name="assistance_check_in_record",
    ),
    path("case/<int:case_id>/stays/", views.stay_add, name="assistance_stay_add"),
    path(
        "case/<int:case_id>/stays/<int:stay_id>/discharge/",
        views.stay_discharge,
        name="assistance_stay_discharge",
    ),
    path("check-ins/", views.my_check_ins, name="assistance_check_ins"),
    path("shelter/", views.shelter, name="assistance_shelter"),
]
