from apps.accounts.roles import ROLE_PERMISSIONS
from apps.accounts.selectors import memberships_of


def membership(request):
    m = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    return {
        "membership": m,
        "perms_here": ROLE_PERMISSIONS.get(m.role, frozenset()) if m else frozenset(),
        # Evaluated only by templates that show the switcher.
        "my_memberships": (lambda: list(memberships_of(user)))
        if user is not None and user.is_authenticated
        else list,
    }
