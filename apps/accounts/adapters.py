from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation


class KoldooAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by organisation admins, never by self sign-up."""

    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        # Rate limits count the same client address as the audit trail (behind
        # KOLDOO_TRUSTED_PROXY_COUNT proxies), so one client cannot lock out another.
        from django.core.exceptions import PermissionDenied

        from apps.core.client_address import client_address

        ip = client_address(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def send_mail(self, template_prefix, email, context):
        # Password resets, address confirmations and security notices go out in the
        # language of the account they concern, not that of the browser that asked.
        from apps.accounts.mail import language_of
        from apps.accounts.models import User

        user = context.get("user")
        if not isinstance(user, User) or not user.language:
            user = User.objects.filter(email__iexact=email).first()
        if user is None or not user.language:
            return super().send_mail(template_prefix, email, context)
        with translation.override(language_of(user)):
            return super().send_mail(template_prefix, email, context)
