"""Reads of reference data and of the audit trail."""

from apps.accounts.roles import Permission
from apps.core.models import AuditEntry, ReferenceValue


def reference_values(kind: str, *, active_only: bool = True):
    """Values of one taxonomy in display order."""
    qs = ReferenceValue.objects.filter(kind=kind)
    return qs.filter(active=True) if active_only else qs


def reference_codes(kind: str) -> set[str]:
    return set(reference_values(kind).values_list("code", flat=True))


def reference_choices(kind: str) -> list[tuple[str, str]]:
    return [(v.code, v.label) for v in reference_values(kind)]


def reference_labels(kind: str) -> dict[str, str]:
    return {v.code: v.label for v in reference_values(kind, active_only=False)}


def audit_entries_visible_to(membership):
    """Audit entries of the member's organisation, for auditors and admins only.

    Sign-ins carry no organisation; they are shown for the organisation's members.
    """
    if membership is None or not (
        membership.can(Permission.VIEW_AUDIT) or membership.can(Permission.MANAGE_ORGANIZATION)
    ):
        return AuditEntry.objects.none()
    from django.db.models import Q

    member_ids = membership.organization.memberships.values("user_id")
    return AuditEntry.objects.filter(
        Q(organization=membership.organization)
        | Q(organization__isnull=True, actor_id__in=member_ids)
    ).select_related("actor")
