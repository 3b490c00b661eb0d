from django.urls import path

from apps.monitoring import views

urlpatterns = [
    path("", views.agency_list, name="agency_list"),
    path("lookup/", views.agency_lookup, name="agency_lookup"),
    path("new/", views.agency_new, name="agency_new"),
    path("<int:agency_id>/", views.agency_detail, name="agency_detail"),
    path("<int:agency_id>/edit/", views.agency_edit, name="agency_edit"),
    path("<int:agency_id>/reports/", views.agency_report_add, name="agency_report_add"),
]
