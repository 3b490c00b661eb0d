"""The one check every view makes before it reads or writes."""

from django.core.exceptions import PermissionDenied


def member_with(request, permission: str):
    """The membership the request acts under, if its role grants `permission`; else 403."""
    m = getattr(request, "membership", None)
    if m is None or not m.can(permission):
        raise PermissionDenied
    return m
