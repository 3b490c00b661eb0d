from rest_framework.routers import DefaultRouter

from apps.assistance.api import (
    DeliveredServiceViewSet,
    NeedsAssessmentViewSet,
    PlannedServiceViewSet,
    ServicePlanViewSet,
)

router = DefaultRouter()
router.register("needs-assessments", NeedsAssessmentViewSet, basename="needs-assessment")
router.register("service-plans", ServicePlanViewSet, basename="service-plan")
router.register("planned-services", PlannedServiceViewSet, basename="planned-service")
router.register("delivered-services", DeliveredServiceViewSet, basename="delivered-service")
urlpatterns = router.urls
