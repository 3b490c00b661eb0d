"""Which organisations a member may put in a national statistics report."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from apps.accounts.models import Organization
from apps.accounts.roles import Permission, Role


def organizations_for_report(membership, requested_slugs=None) -> tuple[int, ...]:
    """The ids of the organisations the member may report on, in id order.

    - national coordinator: every organisation that shares its aggregates
      (Organization.shares_aggregates), or the requested ones among them;
    - organisation admin and M&E officer (Permission.VIEW_STATISTICS): their own
      organisation only;
    - anyone else: raises PermissionDenied (views answer 403).

    Asking for an organisation outside that set raises Organization.DoesNotExist
    (views answer 404), so that a slug does not tell whether the organisation exists.
    """
    allowed = _reportable(membership)
    if requested_slugs:
        slugs = set(requested_slugs)
        found = dict(allowed.filter(slug__in=slugs).values_list("slug", "pk"))
        if set(found) != slugs:
            raise Organization.DoesNotExist
        return tuple(sorted(found.values()))
    return tuple(allowed.order_by("pk").values_list("pk", flat=True))


def report_organization_choices(membership) -> list[tuple[str, str]]:
    """(slug, name) of the organisations the member may report on, by name; the same
    rule as organizations_for_report (PermissionDenied for anyone else)."""
    return list(_reportable(membership).order_by("name").values_list("slug", "name"))


def _reportable(membership):
    if membership is None or not membership.can(Permission.VIEW_STATISTICS):
        raise PermissionDenied
    if membership.role == Role.NATIONAL_COORDINATOR:
        return Organization.objects.filter(shares_aggregates=True)
    return Organization.objects.filter(pk=membership.organization_id)


def disclosure_control_required(membership, organization_ids) -> bool:
    """Whether the report leaves an organisation: for the coordinator always, and for
    anyone when it covers more than one organisation."""
    if membership is not None and membership.role == Role.NATIONAL_COORDINATOR:
        return True
    return len(set(organization_ids)) > 1


def sharing_organizations(requested_slugs=None) -> tuple[int, ...]:
    """For the command (run by the system's operator, not a member): every organisation
    that shares aggregates, or the requested ones whatever their setting. Unknown slugs
    raise Organization.DoesNotExist."""
    if requested_slugs:
        slugs = set(requested_slugs)
        found = dict(Organization.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        missing = slugs - set(found)
        if missing:
            raise Organization.DoesNotExist(", ".join(sorted(missing)))
        return tuple(sorted(found.values()))
    return tuple(
        Organization.objects.filter(shares_aggregates=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
