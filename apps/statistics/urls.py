from django.urls import path, re_path

from apps.statistics import views

urlpatterns = [
    path("", views.statistics_report, name="statistics_report"),
    re_path(
        r"^download\.(?P<fmt>xlsx|csv|pdf|json)$",
        views.statistics_download,
        name="statistics_download",
    ),
]
