from django.urls import path

from apps.monitoring import views

urlpatterns = [
    path("", views.agency_list, name="agency_list"),
    path("lookup/", views.agency_lookup, name="agency_lookup"),
    path("new/", views.agency_new, name="agency_new"),
    path("<int:agency_id>/", views.agency_detail, name="agency_detail"),
    path("<int:agency_id>/edit/", views.agency_edit, name="agency_edit"),
    path("<int:agency_id>/reports/", views.agency_report_add, name="agency_report_add"),
    path("<int:agency_id>/contacts/", views.agency_contact_add, name="agency_contact_add"),
    path(
        "<int:agency_id>/contacts/<int:contact_id>/edit/",
        views.agency_contact_edit,
        name="agency_contact_edit",
    ),
    path(
        "<int:agency_id>/contacts/<int:contact_id>/delete/",
        views.agency_contact_delete,
        name="agency_contact_delete",
    ),
    path("<int:agency_id>/links/", views.agency_link_add, name="agency_link_add"),
    path("job-ads/", views.job_ad_list, name="job_ad_list"),
    path("job-ads/new/", views.job_ad_new, name="job_ad_new"),
    path("job-ads/<int:job_ad_id>/", views.job_ad_detail, name="job_ad_detail"),
    path("job-ads/<int:job_ad_id>/edit/", views.job_ad_edit, name="job_ad_edit"),
    path("job-ads/<int:job_ad_id>/status/", views.job_ad_status, name="job_ad_status"),
    path("job-ads/<int:job_ad_id>/archive/", views.job_ad_archive, name="job_ad_archive"),
]
