from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from apps.core import audit


def _organizations_of(user):
    from apps.accounts.models import Organization

    return list(
        Organization.objects.filter(memberships__user=user, memberships__is_active=True)
        .distinct()
        .order_by("pk")
    )


def _record_for_organizations_of(account, action, *, actor=None, detail=None, request=None):
    # One entry per organisation of the account involved, so that each of them (and
    # no other) sees it; without an organisation the entry is the operator's alone.
    organizations = _organizations_of(account) if account is not None else []
    for org in organizations or [None]:
        audit.record(action, user=actor, organization=org, detail=detail, request=request)


@receiver(user_logged_in)
def audit_sign_in(sender, request, user, **kwargs):
    _record_for_organizations_of(user, audit.AuditEntry.Action.SIGN_IN, actor=user,
                                 request=request)  # fmt: skip
    # A language chosen on the sign-in page becomes the user's own.
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) if request else None
    if chosen in dict(settings.LANGUAGES) and not user.language:
        user.language = chosen
        user.save(update_fields=["language"])


@receiver(user_logged_out)
def audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        _record_for_organizations_of(user, audit.AuditEntry.Action.SIGN_OUT, actor=user,
                                     request=request)  # fmt: skip


@receiver(user_login_failed)
def audit_failed_sign_in(sender, credentials, request=None, **kwargs):
    from apps.accounts.models import User

    # The e-mail tried is kept (staff accounts, not clients); never the password.
    tried = str(credentials.get("email") or credentials.get("username") or "")[:254]
    account = User.objects.filter(email__iexact=tried).first() if tried else None
    _record_for_organizations_of(account, audit.AuditEntry.Action.SIGN_IN_FAILED,
                                 detail={"email": tried}, request=request)  # fmt: skip
