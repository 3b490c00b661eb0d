from rest_framework.permissions import BasePermission

from apps.accounts.selectors import active_membership


class HasMembership(BasePermission):
    """The caller acts within an organisation (token users: their first membership)
    and their role there grants the view's `required_permission`."""

    def has_permission(self, request, view):
        m = getattr(request._request, "membership", None)
        if m is None and request.user and request.user.is_authenticated:
            m = active_membership(request.user)
        request.membership = m
        needed = getattr(view, "required_permission", None)
        return m is not None and (needed is None or m.can(needed))
