# Pages and API without sign-in (the public agency check).
from django.urls import path

from apps.monitoring import public

urlpatterns = [
    path("check-agency/", public.check_agency_page, name="public_check_agency"),
    path("api/public/agencies/", public.public_agency_api, name="public_agency_api"),
]
