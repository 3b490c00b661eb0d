"""Which organisations a member may put in a national statistics report."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy

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
    Asking for some but not all of several organisations, and more than one, raises
    ValidationError (check_organisation_set).
    """
    allowed = _reportable(membership)
    every = tuple(allowed.order_by("pk").values_list("pk", flat=True))
    if requested_slugs:
        slugs = set(requested_slugs)
        found = dict(allowed.filter(slug__in=slugs).values_list("slug", "pk"))
        if set(found) != slugs:
            raise Organization.DoesNotExist
        chosen = tuple(sorted(found.values()))
        check_organisation_set(chosen, every)
        return chosen
    return every


PARTIAL_ORGANISATION_SET = gettext_lazy(
    "A report that leaves an organisation covers either one organisation or all of them: "
    "two reports over sets that differ by one organisation would show that "
    "organisation's people by subtraction."
)


def check_organisation_set(chosen, every) -> None:
    """The organisation-set rule of every report under disclosure control: one
    organisation, or all those that may be reported on, never a set in between.

    Why: the cell-key noise (apps.statistics.cellkey) hides by how much a cell changed
    between two reports, not which cells changed; the set "all but one small
    organisation" next to "all" would point at the cells of that organisation's few
    victims. One organisation's table is published in its own right, with its own noise.
    """
    if 1 < len(set(chosen)) < len(set(every)):
        raise ValidationError(PARTIAL_ORGANISATION_SET, code="partial_organisation_set")


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
    every = tuple(
        Organization.objects.filter(shares_aggregates=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if requested_slugs:
        slugs = set(requested_slugs)
        found = dict(Organization.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        missing = slugs - set(found)
        if missing:
            raise Organization.DoesNotExist(", ".join(sorted(missing)))
        chosen = tuple(sorted(found.values()))
        # The operator may name any one organisation, or all those that share; any other
        # set of several is refused like a member's.
        if len(chosen) > 1 and set(chosen) != set(every):
            raise ValidationError(PARTIAL_ORGANISATION_SET, code="partial_organisation_set")
        return chosen
    return every
