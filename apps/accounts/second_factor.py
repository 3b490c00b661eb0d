"""The second-factor rule, in one place, for every way in: sessions, API tokens, the admin.

allauth keeps the second factor (TOTP) and records, in the session, how the
session authenticated; these helpers read both through allauth's public API.
"""

from allauth.account.authentication import get_authentication_records


def has_second_factor(user) -> bool:
    """Whether the user has set up an authenticator app (TOTP)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def lacks_required_second_factor(membership) -> bool:
    """True while the membership's organisation requires a second factor its user has not set up."""
    return membership.organization.require_mfa and not has_second_factor(membership.user)


def session_passed_second_factor(request) -> bool:
    """Whether this session's user proved their second factor in this session.

    allauth records an "mfa" step when the user signs in or re-authenticates with it.
    """
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def session_needs_second_factor(request, memberships) -> bool:
    """True when the user has a second factor, or one of `memberships` requires it,
    and this session has not proved it: such a session may not reach the admin or
    create API tokens until the user re-authenticates with it."""
    user = request.user
    expected = has_second_factor(user) or any(m.organization.require_mfa for m in memberships)
    return expected and not session_passed_second_factor(request)
