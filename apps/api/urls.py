from rest_framework.routers import DefaultRouter

from apps.cases.api import CaseViewSet
from apps.hotline.api import CallViewSet
from apps.people.api import PersonViewSet

router = DefaultRouter()
router.register("people", PersonViewSet, basename="person")
router.register("cases", CaseViewSet, basename="case")
router.register("calls", CallViewSet, basename="call")
urlpatterns = router.urls
