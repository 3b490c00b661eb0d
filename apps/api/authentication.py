from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from apps.api import selectors, services


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <secret>` (or `Bearer <secret>`) for an ApiToken.

    The request then acts as the token's membership, fixed when the token was
    created: HasMembership reads it from `request.auth`.
    """

    keywords = ("token", "bearer")

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: give the keyword, one space and the token.")
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token.")) from exc
        token, reason = selectors.token_for_request(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(reason)
        services.note_token_use(token)
        # Django-level code (audit entries, selectors) reads the membership from the
        # underlying request too; a session cookie sent alongside must not change it.
        request._request.membership = token.membership
        # A token's requests speak its owner's language, as the owner's sessions do,
        # unless the client asks for one itself.
        language = token.membership.user.language
        if language in dict(settings.LANGUAGES) and "HTTP_ACCEPT_LANGUAGE" not in request.META:
            translation.activate(language)
            request._request.LANGUAGE_CODE = language
        return token.membership.user, token

    def authenticate_header(self, request):
        return "Token"
