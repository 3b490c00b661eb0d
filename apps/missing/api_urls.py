from rest_framework.routers import DefaultRouter

from apps.missing.api import MissingPersonAppealViewSet

router = DefaultRouter()
router.register(
    "missing-person-appeals", MissingPersonAppealViewSet, basename="missing-person-appeal"
)
urlpatterns = router.urls
