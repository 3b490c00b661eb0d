"""Re-seal the audit chain with the keyed MAC, after checking it under the old scheme.

Entries written before this migration were chained with plain SHA-256, which anyone
who can write to the database can recompute. The chain is first verified under that
scheme (a broken chain stops the migration: an operator must look at it before it is
sealed), then every entry is sealed again with HMAC-SHA256 under the audit key, in
order. The old head is kept in the output so that it can be compared with a head
recorded before. Reversing seals the chain with plain SHA-256 again (after checking
it under the key). See docs/decisions/ on the audit MAC.
"""

from django.db import migrations


def _reseal(apps, *, check, seal, label):
    from apps.core.audit import GENESIS

    AuditEntry = apps.get_model("core", "AuditEntry")
    expected_prev = GENESIS
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != expected_prev or check(entry) != entry.entry_hash:
            raise RuntimeError(
                f"Audit entry {entry.id} does not fit the {label} chain; the trail is not "
                "re-sealed. Run verify_audit with the previous release and investigate."
            )
        expected_prev = entry.entry_hash
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    new_prev = GENESIS
    for start in range(0, len(ids), 2000):
        for entry in AuditEntry.objects.filter(id__in=ids[start : start + 2000]).order_by("id"):
            entry.prev_hash = new_prev
            entry.entry_hash = seal(entry)
            AuditEntry.objects.filter(pk=entry.pk).update(
                prev_hash=entry.prev_hash, entry_hash=entry.entry_hash
            )
            new_prev = entry.entry_hash


def seal_with_key(apps, schema_editor):
    from apps.core.audit import entry_mac, unkeyed_digest

    _reseal(apps, check=unkeyed_digest, seal=entry_mac, label="SHA-256")


def seal_without_key(apps, schema_editor):
    from apps.core.audit import entry_mac, unkeyed_digest

    _reseal(apps, check=entry_mac, seal=unkeyed_digest, label="keyed")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_alter_referencevalue_kind"),
    ]

    operations = [
        migrations.RunPython(seal_with_key, seal_without_key),
    ]
