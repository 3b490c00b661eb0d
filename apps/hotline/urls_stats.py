from django.urls import path, re_path

from apps.hotline import statistics_views

urlpatterns = [
    path("", statistics_views.hotline_statistics, name="hotline_statistics"),
    re_path(
        r"^export\.(?P<fmt>csv|xlsx)$",
        statistics_views.hotline_statistics_export,
        name="hotline_statistics_export",
    ),
    path(
        "export/",
        statistics_views.hotline_statistics_export,
        name="hotline_statistics_export_query",
    ),
]
