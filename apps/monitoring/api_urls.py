from rest_framework.routers import DefaultRouter

from apps.monitoring.api import JobAdViewSet

router = DefaultRouter()
router.register("job-ads", JobAdViewSet, basename="job-ad")
urlpatterns = router.urls
