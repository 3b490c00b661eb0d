from django.urls import path

from apps.statistics.api import StatisticsView

urlpatterns = [path("statistics/", StatisticsView.as_view(), name="api_statistics")]
