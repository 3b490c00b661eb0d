"""Writing and verifying the audit trail, a chain sealed with a keyed MAC.

Each entry holds the seal of the previous one and its own seal, an HMAC-SHA256 of
its content and that link under the audit key of the keyring (koldoo/keyring.py).
The key is not in the database: someone who can write to the database can change
or delete entries but cannot seal them again, and `verify_audit` finds the first
entry that does not fit. Deleting the newest entries leaves a shorter chain that
fits; a head (sequence and seal) recorded elsewhere earlier detects that
(`verify_audit --expect` / `--anchor`). See docs/decisions/ on the audit MAC.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from apps.core.client_address import client_address
from apps.core.models import AuditEntry

GENESIS = "0" * 64
# Any constant shared by all writers; serialises appends on PostgreSQL.
_CHAIN_LOCK = 4_242_001


def audit_key() -> bytes:
    key = settings.KEYRING.audit_key
    if not key:
        raise ImproperlyConfigured("The keyring has no audit key (KOLDOO_AUDIT_KEY).")
    return key


def _payload(entry) -> bytes:
    """The sealed content; works on historical models too (migrations)."""
    return json.dumps(
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
    ).encode()


def entry_mac(entry, key: bytes | None = None) -> str:
    """The entry's seal: HMAC-SHA256 under the audit key, hex."""
    return hmac.new(key or audit_key(), _payload(entry), hashlib.sha256).hexdigest()


def unkeyed_digest(entry) -> str:
    """The seal of entries written before the chain was keyed (plain SHA-256); only
    the migration that re-sealed the chain uses it."""
    return hashlib.sha256(_payload(entry)).hexdigest()


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
        ip = client_address(request)
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
        entry.entry_hash = entry_mac(entry)
        entry.save()
    return entry


def shown(
    membership,
    records,
    *,
    target_type: str = "",
    request=None,
    action: str = AuditEntry.Action.VIEW,
    detail: dict | None = None,
) -> AuditEntry | None:
    """Record that a page or API response showed these records to the member.

    `records` are model instances or ids; their ids go into the entry's detail as
    "shown" (one id also as the entry's target), never a name. A response showing
    nothing writes nothing, unless `detail` says something of its own (a search).
    Every list, edit form and API read of person-level data calls this, so that
    every look leaves a trace.
    """
    records = list(records)
    ids = [getattr(r, "pk", r) for r in records]
    if not ids and not detail:
        return None
    if not target_type and ids and hasattr(records[0], "_meta"):
        target_type = records[0]._meta.model_name
    via_api = request is not None and _is_api(request)
    return record(
        action,
        user=membership.user,
        organization=membership.organization,
        target_type=target_type,
        target_id=ids[0] if len(ids) == 1 else "",
        detail={
            **(detail or {}),
            "shown": ids,
            **({"via": "api"} if via_api else {}),
        },
        request=request,
    )


def _is_api(request) -> bool:
    return getattr(request, "path", "").startswith("/api/")


@dataclass
class ChainReport:
    checked: int
    broken_id: int | None = None
    reason: str = ""
    head_id: int | None = None
    head_mac: str = ""

    @property
    def head(self) -> str:
        """The newest entry as "SEQ:MAC", the form --expect and the anchor file take."""
        return f"{self.head_id}:{self.head_mac}" if self.head_id is not None else "0:" + GENESIS


def verify_chain(key: bytes | None = None) -> ChainReport:
    """Walk the whole chain in order; stop at the first entry that does not fit.

    An entry fits when it links to the previous entry's seal and its own seal is
    the keyed MAC of its content. The report names the head (newest entry).
    """
    key = key or audit_key()
    expected_prev = GENESIS
    checked = 0
    previous_id = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != expected_prev:
            reason = "its link to the previous entry is broken"
            if entry.id != previous_id + 1:
                reason += f" (entries {previous_id + 1}..{entry.id - 1} are missing)"
            return ChainReport(checked, entry.id, reason)
        if not hmac.compare_digest(entry_mac(entry, key), entry.entry_hash):
            return ChainReport(checked, entry.id, "its content does not match its seal")
        expected_prev = entry.entry_hash
        previous_id = entry.id
        checked += 1
    return ChainReport(checked, head_id=previous_id or None, head_mac=expected_prev)


def parse_head(text: str) -> tuple[int, str]:
    """ "SEQ:MAC" (as printed by verify_audit) into (sequence, seal); ValueError if not."""
    seq, sep, mac = text.strip().rpartition(" ")[2].partition(":")
    if not sep or not seq.isdigit() or len(mac) != 64:
        raise ValueError(f"not a head of the form SEQ:MAC: {text.strip()!r}")
    return int(seq), mac.lower()


def head_still_in_chain(seq: int, mac: str) -> bool:
    """Whether the entry recorded earlier as the head is still there, unchanged.

    Call after verify_chain passed: the whole chain then fits, so an unchanged
    recorded head means nothing up to it was rewritten, and its presence means
    the entries before and at it were not cut off the end.
    """
    if seq == 0:
        return mac == GENESIS
    stored = AuditEntry.objects.filter(id=seq).values_list("entry_hash", flat=True).first()
    return stored is not None and hmac.compare_digest(stored, mac)


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
