from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from apps.core import audit


@receiver(user_logged_in)
def audit_sign_in(sender, request, user, **kwargs):
    audit.record(audit.AuditEntry.Action.SIGN_IN, user=user, request=request)
    # A language chosen on the sign-in page becomes the user's own.
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) if request else None
    if chosen in dict(settings.LANGUAGES) and not user.language:
        user.language = chosen
        user.save(update_fields=["language"])


@receiver(user_logged_out)
def audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(audit.AuditEntry.Action.SIGN_OUT, user=user, request=request)


@receiver(user_login_failed)
def audit_failed_sign_in(sender, credentials, request=None, **kwargs):
    # The e-mail tried is kept (staff accounts, not clients); never the password.
    tried = str(credentials.get("email") or credentials.get("username") or "")[:254]
    audit.record(audit.AuditEntry.Action.SIGN_IN_FAILED, detail={"email": tried}, request=request)
