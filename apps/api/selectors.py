"""Reads of API tokens, scoped to who may see them; the rule for when a token works."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.accounts.second_factor import lacks_required_second_factor
from apps.api.models import SECRET_PREFIX, ApiToken, secret_digest


def token_for_request(secret: str) -> tuple[ApiToken | None, str]:
    """The token a caller presents, if it works now; else (None, the reason to tell them).

    A token works while it is neither revoked nor expired, its membership and its
    user are active, and its organisation's second-factor rule is met by its user.
    """
    invalid = _("Invalid or expired token.")
    if not secret.startswith(SECRET_PREFIX):
        return None, invalid
    token = (
        ApiToken.objects.select_related("membership__organization", "membership__user")
        .filter(digest=secret_digest(secret))
        .first()
    )
    if (
        token is None
        or token.revoked_at is not None
        or token.expires_at <= timezone.now()
        or not token.membership.is_active
        or not token.membership.user.is_active
    ):
        return None, invalid
    if lacks_required_second_factor(token.membership):
        return None, _(
            "Your organisation requires two-factor sign-in: set up an authenticator app "
            "and the token works again."
        )
    return token, ""


def tokens_of(user):
    """The user's own tokens, in every organisation they belong to, newest first."""
    return ApiToken.objects.filter(membership__user=user).select_related("membership__organization")


def tokens_in_organization(membership):
    """Every token of the organisation's members (organisation admins only; else none)."""
    if membership is None or not membership.can(Permission.MANAGE_ORGANIZATION):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(
        membership__organization_id=membership.organization_id
    ).select_related("membership__user", "created_by")


def tokens_revocable_by(user, membership):
    """Tokens the user may revoke: their own, and, as an organisation admin acting in
    `membership`, those of their organisation's members."""
    rule = Q(membership__user=user)
    if membership is not None and membership.can(Permission.MANAGE_ORGANIZATION):
        rule |= Q(membership__organization_id=membership.organization_id)
    return ApiToken.objects.filter(rule).select_related("membership__organization")
