"""Creating, using and revoking API tokens."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Membership
from apps.accounts.second_factor import lacks_required_second_factor
from apps.api.models import SECRET_PREFIX, ApiToken, secret_digest
from apps.core import audit

MAX_TOKEN_DAYS = 366
# Writing "last used" on every call would turn each API read into a write.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def create_api_token(
    *,
    membership: Membership,
    name: str,
    created_by=None,
    days: int | None = None,
    via: str = "web",
    request=None,
) -> NewToken:
    """Make a new token for the membership, valid for `days` (KOLDOO_API_TOKEN_DAYS by default).

    The caller has checked who may do this (the session's second factor, or the
    operator's command). Refused when the membership or its user is inactive, or
    the organisation requires a second factor that the user has not set up (such a
    token would not work). Audited with its prefix, never the secret.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the token a name that says what it is for."))
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise ValidationError(_("The name is too long."))
    days = settings.KOLDOO_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError(
            _("A token is valid for 1 to %(max)d days.") % {"max": MAX_TOKEN_DAYS}
        )
    if not membership.is_active or not membership.user.is_active:
        raise ValidationError(_("This membership is not active."))
    if lacks_required_second_factor(membership):
        raise ValidationError(
            _(
                "The organisation requires two-factor sign-in: the user must set up an "
                "authenticator app first."
            )
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)  # 32 random bytes
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            membership=membership,
            name=name,
            prefix=secret[: len(SECRET_PREFIX) + 8],
            digest=secret_digest(secret),
            created_at=now,
            created_by=created_by,
            expires_at=now + timedelta(days=days),
        )
        audit.record(
            audit.AuditEntry.Action.CREATE,
            user=created_by,
            organization=membership.organization,
            target=token,
            detail={
                "membership": membership.pk,
                "prefix": token.prefix,
                "expires": token.expires_at.isoformat(),
                "via": via,
            },
            request=request,
        )
    return NewToken(token=token, secret=secret)


def revoke_api_token(*, token: ApiToken, by=None, via: str = "web", request=None) -> bool:
    """Stop the token from working, for good. The caller has checked that `by` may
    (the owner, their organisation's admin, or the operator). False if already revoked."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return False
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            audit.AuditEntry.Action.CHANGE,
            user=by,
            organization=token.membership.organization,
            target=token,
            detail={"revoked": True, "prefix": token.prefix, "via": via},
            request=request,
        )
    return True


def note_token_use(token: ApiToken) -> None:
    """Keep "last used" to the minute, so owners can spot tokens nobody uses any more."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
