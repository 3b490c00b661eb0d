"""Reads of reference data and of the audit trail."""

from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
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


def audit_trail_for(
    membership,
    *,
    action: str = "",
    record_type: str = "",
    record=None,
    user: str = "",
    date_from=None,
    date_to=None,
):
    """The member's audit trail (audit_entries_visible_to), narrowed by the filters.

    `record` is a (RecordKind, id) pair from apps.core.audit_display.parse_reference: the
    entries about that record, i.e. those whose target it is, those whose list of records
    shown holds it, and those whose detail names it (a note's {"case": 244})."""
    entries = audit_entries_visible_to(membership)
    if action:
        entries = entries.filter(action=action)
    if record_type:
        entries = entries.filter(target_type=record_type)
    if record is not None:
        entries = entries.filter(_about(*record))
    if user:
        # People are known by name; the e-mail address recorded at the time still works.
        entries = entries.filter(
            Q(actor_label__icontains=user) | Q(actor__full_name__icontains=user)
        )
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    return entries


def _about(kind, pk: int) -> Q:
    about = Q(target_type=kind.target_type, target_id=str(pk))
    about |= Q(target_type=kind.target_type) & _shown_holds(pk)
    for key in kind.detail_keys:
        about |= Q(**{f"detail__{key}": pk})
    return about


def _shown_holds(pk: int) -> Q:
    """Entries whose detail's "shown" list holds this id. JSON containment is
    PostgreSQL's; SQLite has no `contains` on JSON, so it asks json_each instead."""
    if connection.vendor == "postgresql":
        return Q(detail__shown__contains=[pk])
    return Q(
        RawSQL(
            "EXISTS (SELECT 1 FROM json_each(core_auditentry.detail, '$.shown') AS shown "
            "WHERE shown.value = %s)",
            [pk],
            output_field=BooleanField(),
        )
    )


def audit_record_types(membership) -> list[str]:
    """The kinds of record the member's trail names, for its filter. Cached a few minutes
    per organisation: finding them reads the organisation's whole trail."""
    if not audit_entries_visible_to(membership).query.is_empty():
        key = f"audit-record-types:{membership.organization_id}"
    else:
        return []
    types = cache.get(key)
    if types is None:
        types = sorted(
            set(
                audit_entries_visible_to(membership)
                .exclude(target_type="")
                .order_by()
                .values_list("target_type", flat=True)
                .distinct()
            )
        )
        cache.set(key, types, 300)
    return types
