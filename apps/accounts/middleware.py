from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from apps.accounts.second_factor import has_second_factor, session_needs_second_factor
from apps.accounts.selectors import chosen_membership, memberships_of

# Paths a user whose organisation requires two-factor sign-in may still reach
# before setting it up.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/language/")

# Paths that work before a user with several organisations has chosen one. The API
# answers 403 without a membership instead of redirecting.
_CHOOSER_EXEMPT_PREFIXES = (
    "/accounts/",
    "/static/",
    "/i18n/",
    "/language/",
    "/organisation/choose/",
    "/organisation/switch/",
    "/organisation/join/",
    "/api/",
    "/admin/",
)


class MembershipMiddleware:
    """Attach the membership the user is acting under, and their language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._handle(request)
        user = request.user
        if user.is_authenticated and _offered(user.language):
            # The account's language follows the user to any browser; the cookie keeps
            # it on this one after sign-out, so the sign-in page speaks it too.
            if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != user.language:
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    user.language,
                    max_age=365 * 24 * 3600,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
        return response

    def _handle(self, request):
        request.membership = None
        request.memberships = []
        user = request.user
        if user.is_authenticated:
            # One query serves both the membership in use and the organisation switcher.
            request.memberships = list(memberships_of(user))
            request.membership = chosen_membership(user, request.memberships)
            if _offered(user.language):
                # The account's language, not the browser's (LocaleMiddleware's guess).
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            if (
                request.membership is None
                and len(request.memberships) > 1
                and not request.path.startswith(_CHOOSER_EXEMPT_PREFIXES)
            ):
                # Several organisations and no choice yet: ask, never pick one.
                return redirect(
                    f"{reverse('choose_membership')}?{urlencode({'next': request.get_full_path()})}"
                )
            if (
                request.membership is not None
                and request.membership.organization.require_mfa
                and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
                and not has_second_factor(user)
            ):
                return redirect(reverse("mfa_activate_totp"))
            if request.path.startswith(reverse("admin:index")):
                refused = _admin_second_factor_redirect(request)
                if refused is not None:
                    return refused
        return self.get_response(request)


def _offered(language: str) -> bool:
    return bool(language) and language in dict(settings.LANGUAGES)


def _admin_second_factor_redirect(request):
    """The Django admin reaches every organisation's data: a user who has a second factor
    (or belongs to an organisation that requires one) must have proved it in this session."""
    if not session_needs_second_factor(request, request.memberships):
        return None
    if not has_second_factor(request.user):
        return redirect(reverse("mfa_activate_totp"))
    return redirect(
        f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}"
    )
