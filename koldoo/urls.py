from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from apps.core import views as core_views
from apps.home import views as home_views

# The admin signs in through the same allauth sign-in as everyone (rate limits, second
# factor); MembershipMiddleware requires a session that proved the second factor.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", home_views.dashboard, name="dashboard"),
    path("language/", core_views.set_language, name="set_language"),
    path("organisation/switch/", core_views.switch_membership, name="switch_membership"),
    path("audit/", core_views.audit_trail, name="audit_trail"),
    path("accounts/", include("allauth.urls")),
    path("organisation/", include("apps.accounts.urls")),
    path("people/", include("apps.people.urls")),
    path("cases/", include("apps.cases.urls")),
    path("hotline/", include("apps.hotline.urls")),
    path("screenings/", include("apps.screening.urls")),
    path("agencies/", include("apps.monitoring.urls")),
    path("assistance/", include("apps.assistance.urls")),
    path("referrals/", include("apps.referrals.urls")),
    path("statistics/", include("apps.statistics.urls")),
    path("exchange/", include("apps.exchange.urls")),
    path("legal/", include("apps.legal.urls")),
    path("violations/", include("apps.violations.urls")),
    path("institutions/", include("apps.institutions.urls")),
    path("missing/", include("apps.missing.urls")),
    path("prevention/", include("apps.prevention.urls")),
    path("grants/", include("apps.grants.urls")),
    path("duplicates/", include("apps.linkage.urls")),
    path("", include("apps.operations.urls")),
    path("", include("apps.monitoring.public_urls")),
    path("api-tokens/", include("apps.api.token_urls")),
    path("api/v1/", include("apps.api.urls")),
    path("api/v1/", include("apps.assistance.api_urls")),
    path("api/v1/", include("apps.referrals.api_urls")),
    path("api/v1/", include("apps.statistics.api_urls")),
    path("api/v1/", include("apps.monitoring.api_urls")),
    path("api/v1/", include("apps.legal.api_urls")),
    path("api/v1/", include("apps.violations.api_urls")),
    path("api/v1/", include("apps.institutions.api_urls")),
    path("api/v1/", include("apps.missing.api_urls")),
    path("api/v1/", include("apps.prevention.api_urls")),
    path("api/v1/", include("apps.grants.api_urls")),
    path("api/v1/", include("apps.linkage.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("admin/", admin.site.urls),
]

# Error pages in the product's layout and the reader's language (apps.core.views).
handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"
