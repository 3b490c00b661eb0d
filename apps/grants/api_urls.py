from rest_framework.routers import DefaultRouter

from apps.grants.api import GrantViewSet, IndicatorResultViewSet, IndicatorViewSet

router = DefaultRouter()
router.register("grants", GrantViewSet, basename="grant")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("indicator-results", IndicatorResultViewSet, basename="indicator-result")
urlpatterns = router.urls
