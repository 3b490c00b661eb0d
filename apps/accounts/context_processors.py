from apps.accounts.roles import ROLE_PERMISSIONS


def membership(request):
    m = getattr(request, "membership", None)
    return {
        "membership": m,
        "perms_here": ROLE_PERMISSIONS.get(m.role, frozenset()) if m else frozenset(),
        # Read once by MembershipMiddleware; shown by the organisation switcher.
        "my_memberships": getattr(request, "memberships", []),
    }
