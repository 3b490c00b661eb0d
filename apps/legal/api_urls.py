from rest_framework.routers import DefaultRouter

from apps.legal.api import ConsultationViewSet, DeadlineViewSet, HearingViewSet, ProceedingViewSet

router = DefaultRouter()
router.register("consultations", ConsultationViewSet, basename="consultation")
router.register("proceedings", ProceedingViewSet, basename="proceeding")
router.register("hearings", HearingViewSet, basename="hearing")
router.register("deadlines", DeadlineViewSet, basename="deadline")
urlpatterns = router.urls
