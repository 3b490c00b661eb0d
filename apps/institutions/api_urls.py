from rest_framework.routers import DefaultRouter

from apps.institutions.api import InstitutionViewSet, RecommendationViewSet, VisitViewSet

router = DefaultRouter()
router.register("institutions", InstitutionViewSet, basename="institution")
router.register("visits", VisitViewSet, basename="visit")
router.register("recommendations", RecommendationViewSet, basename="recommendation")
urlpatterns = router.urls
