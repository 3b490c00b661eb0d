"""Reads of reference data and of the audit trail."""

from django.core.cache import cache
from django.utils.translation import get_language

from apps.accounts.roles import Permission
from apps.core.models import AuditEntry, ReferenceValue


def reference_values(kind: str, *, active_only: bool = True):
    """Values of one taxonomy in display order."""
    qs = ReferenceValue.objects.filter(kind=kind)
    return qs.filter(active=True) if active_only else qs


def _cached_values(kind: str) -> list[tuple]:
    """(code, en, ru, ky, active) of a taxonomy, in order; cached until a value changes
    (apps.core.signals clears it), since nearly every page shows some of them."""
    key = f"reference:{kind}"
    rows = cache.get(key)
    if rows is None:
        rows = list(
            ReferenceValue.objects.filter(kind=kind).values_list(
                "code", "name_en", "name_ru", "name_ky", "active"
            )
        )
        cache.set(key, rows, 3600)
    return rows


def _label(row) -> str:
    lang = (get_language() or "en")[:2]
    by_lang = {"en": row[1], "ru": row[2], "ky": row[3]}
    return by_lang.get(lang) or row[1]


def forget_reference_values(kind: str) -> None:
    cache.delete(f"reference:{kind}")


def reference_codes(kind: str) -> set[str]:
    return {row[0] for row in _cached_values(kind) if row[4]}


def reference_choices(kind: str) -> list[tuple[str, str]]:
    return [(row[0], _label(row)) for row in _cached_values(kind) if row[4]]


def reference_labels(kind: str) -> dict[str, str]:
    return {row[0]: _label(row) for row in _cached_values(kind)}


def audit_entries_visible_to(membership):
    """Audit entries of the member's organisation, for auditors and admins only.

    Only entries recorded for the organisation: sign-ins, failed sign-ins and sign-outs
    are recorded once for each organisation of the account involved, so another
    organisation never sees them. Entries without an organisation (an unknown address
    tried at sign-in, the operator's commands) are for the system operator only.
    """
    if membership is None or not (
        membership.can(Permission.VIEW_AUDIT) or membership.can(Permission.MANAGE_ORGANIZATION)
    ):
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(organization=membership.organization).select_related("actor")
