from django.urls import path

from apps.operations import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("operations/jobs/", views.jobs, name="operations_jobs"),
    path("operations/jobs/<uuid:token>/", views.job, name="operations_job"),
    path(
        "operations/jobs/<uuid:token>/download", views.job_download, name="operations_job_download"
    ),
]
