from rest_framework.routers import DefaultRouter

from apps.referrals.api import ConsentViewSet, DirectoryEntryViewSet, ReferralViewSet

router = DefaultRouter()
router.register("consents", ConsentViewSet, basename="consent")
router.register("directory", DirectoryEntryViewSet, basename="directory-entry")
router.register("referrals", ReferralViewSet, basename="referral")
urlpatterns = router.urls
