from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from apps.accounts.selectors import memberships_of

# Paths a user whose organisation requires two-factor sign-in may still reach
# before setting it up.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/language/")


class MembershipMiddleware:
    """Attach the membership the user is acting under, and their language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.memberships = []
        user = request.user
        if user.is_authenticated:
            # One query serves both the membership in use and the organisation switcher.
            request.memberships = list(memberships_of(user))
            chosen = request.session.get("membership_id")
            request.membership = next(
                (m for m in request.memberships if m.pk == chosen),
                request.memberships[0] if request.memberships else None,
            )
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            if (
                request.membership is not None
                and request.membership.organization.require_mfa
                and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
                and not _has_totp(user)
            ):
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
