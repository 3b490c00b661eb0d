from django.urls import path
from rest_framework.routers import DefaultRouter

from apps.api.api import CurrentMembershipView
from apps.cases.api import CaseViewSet
from apps.hotline.api import CallViewSet
from apps.monitoring.api import AgencyViewSet
from apps.people.api import PersonViewSet
from apps.screening.api import ScreeningViewSet

router = DefaultRouter()
router.register("people", PersonViewSet, basename="person")
router.register("cases", CaseViewSet, basename="case")
router.register("screenings", ScreeningViewSet, basename="screening")
router.register("calls", CallViewSet, basename="call")
router.register("agencies", AgencyViewSet, basename="agency")
urlpatterns = [
    path("me/", CurrentMembershipView.as_view(), name="api_me"),
    *router.urls,
]
