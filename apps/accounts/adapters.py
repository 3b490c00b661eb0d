from allauth.account.adapter import DefaultAccountAdapter


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
