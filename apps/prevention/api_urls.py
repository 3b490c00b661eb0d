from rest_framework.routers import DefaultRouter

from apps.prevention.api import CampaignViewSet, CapacityAssessmentViewSet, EventViewSet

router = DefaultRouter()
router.register("prevention-events", EventViewSet, basename="prevention-event")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("capacity-assessments", CapacityAssessmentViewSet, basename="capacity-assessment")
urlpatterns = router.urls
