from rest_framework.permissions import BasePermission

from apps.api.models import ApiToken


class HasMembership(BasePermission):
    """The caller acts within one organisation and their role there grants the view's
    `required_permission`.

    A token request acts as the token's membership, fixed at its creation; a session
    request as the membership the session chose (MembershipMiddleware). Never a
    guess such as the user's first membership.
    """

    def has_permission(self, request, view):
        if isinstance(request.auth, ApiToken):
            m = request.auth.membership
        else:
            m = getattr(request._request, "membership", None)
        request.membership = m
        needed = getattr(view, "required_permission", None)
        return m is not None and (needed is None or m.can(needed))
