from rest_framework.routers import DefaultRouter

from apps.violations.api import EventViewSet

router = DefaultRouter()
router.register("events", EventViewSet, basename="violation-event")
urlpatterns = router.urls
