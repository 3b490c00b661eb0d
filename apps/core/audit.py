"""Writing and verifying the hash-chained audit trail."""

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from apps.core.models import AuditEntry

GENESIS = "0" * 64
# Any constant shared by all writers; serialises appends on PostgreSQL.
_CHAIN_LOCK = 4_242_001


def entry_digest(entry: AuditEntry) -> str:
    payload = json.dumps(
        [
            entry.prev_hash,
            entry.at.isoformat(),
            entry.actor_id,
            entry.actor_label,
            entry.organization_id,
            entry.action,
            entry.target_type,
            entry.target_id,
            entry.detail,
            entry.ip_address,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(
    action: str,
    *,
    user=None,
    organization=None,
    target=None,
    target_type: str = "",
    target_id="",
    detail: dict | None = None,
    request=None,
) -> AuditEntry:
    """Append one entry to the chain, inside the caller's transaction if any."""
    if target is not None:
        target_type = target_type or target._meta.model_name
        target_id = target.pk
    ip = None
    if request is not None:
        ip = request.META.get("REMOTE_ADDR")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        last = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        entry = AuditEntry(
            at=timezone.now(),
            actor=user if user is not None and user.is_authenticated else None,
            actor_label=getattr(user, "email", "") or "",
            organization=organization,
            action=action,
            target_type=target_type,
            target_id=str(target_id or ""),
            detail=detail or {},
            ip_address=ip,
            prev_hash=last or GENESIS,
        )
        entry.entry_hash = entry_digest(entry)
        entry.save()
    return entry


@dataclass
class ChainReport:
    checked: int
    broken_id: int | None = None
    reason: str = ""


def verify_chain() -> ChainReport:
    """Walk the whole chain in order; stop at the first entry that does not fit."""
    expected_prev = GENESIS
    checked = 0
    previous_id = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != expected_prev:
            reason = "its link to the previous entry is broken"
            if entry.id != previous_id + 1:
                reason += f" (entries {previous_id + 1}..{entry.id - 1} are missing)"
            return ChainReport(checked, entry.id, reason)
        if entry_digest(entry) != entry.entry_hash:
            return ChainReport(checked, entry.id, "its content does not match its hash")
        expected_prev = entry.entry_hash
        previous_id = entry.id
        checked += 1
    return ChainReport(checked)


def by_member(action: str, membership, target, request=None, detail: dict | None = None):
    """Record what a member did to a record of their organisation."""
    return record(
        action,
        user=membership.user,
        organization=membership.organization,
        target=target,
        detail=detail,
        request=request,
    )
