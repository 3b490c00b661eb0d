"""The audit chain is sealed with a key kept outside the database: someone who can
write to the database cannot rewrite or cut it unnoticed."""

import hashlib
import importlib
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.core import audit
from apps.core.models import AuditEntry


def _sql(sql, params):
    with connection.cursor() as cur:
        cur.execute(sql, params)


def _head(capsys):
    out = capsys.readouterr().out
    return [line.split(" ", 1)[1] for line in out.splitlines() if line.startswith("Head: ")][0]


def _plain_sha256(entry, prev):
    payload = json.dumps(
        [prev, entry.at.isoformat(), entry.actor_id, entry.actor_label, entry.organization_id,
         entry.action, entry.target_type, entry.target_id, entry.detail, entry.ip_address],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )  # fmt: skip
    return hashlib.sha256(payload.encode()).hexdigest()


def test_rewritten_entry_with_recomputed_plain_hashes_is_detected(caseworker, make_person):
    """The attack that defeated the SHA-256 chain: change an entry, re-chain the rest."""
    make_person(caseworker)
    make_person(caseworker, given_name="Азамат")
    entries = list(AuditEntry.objects.order_by("id"))
    victim = entries[1]
    _sql("UPDATE core_auditentry SET action = %s WHERE id = %s", ["delete", victim.id])
    prev = entries[0].entry_hash
    for entry in AuditEntry.objects.filter(id__gte=victim.id).order_by("id"):
        new = _plain_sha256(entry, prev)
        _sql(
            "UPDATE core_auditentry SET prev_hash = %s, entry_hash = %s WHERE id = %s",
            [prev, new, entry.id],
        )
        prev = new
    with pytest.raises(CommandError, match=f"entry {victim.id}"):
        call_command("verify_audit")


def test_verify_prints_the_head(caseworker, make_person, capsys):
    make_person(caseworker)
    call_command("verify_audit")
    newest = AuditEntry.objects.order_by("-id").first()
    assert _head(capsys) == f"{newest.id}:{newest.entry_hash}"


def test_deleted_newest_entries_are_detected_with_expect(caseworker, make_person, capsys):
    make_person(caseworker)
    call_command("verify_audit")
    head = _head(capsys)
    make_person(caseworker, given_name="Азамат")
    call_command("verify_audit", expect=head)  # later entries are fine
    _sql("DELETE FROM core_auditentry WHERE id >= %s", [int(head.split(":")[0])])
    call_command("verify_audit")  # the shorter chain still fits by itself...
    with pytest.raises(CommandError, match="shortened or rewritten"):
        call_command("verify_audit", expect=head)  # ...but not the recorded head


def test_anchor_file_records_heads_and_detects_deletion(caseworker, make_person, tmp_path):
    anchor = tmp_path / "anchor.txt"
    make_person(caseworker)
    call_command("verify_audit", anchor=str(anchor))
    make_person(caseworker, given_name="Азамат")
    call_command("verify_audit", anchor=str(anchor))
    lines = anchor.read_text().splitlines()
    assert len(lines) == 2
    last_id = int(lines[-1].split()[-1].split(":")[0])
    _sql("DELETE FROM core_auditentry WHERE id = %s", [last_id])
    with pytest.raises(CommandError, match="shortened or rewritten"):
        call_command("verify_audit", anchor=str(anchor))
    assert len(anchor.read_text().splitlines()) == 2  # a failed check appends nothing


def test_a_different_key_does_not_verify(caseworker, make_person, settings):
    make_person(caseworker)
    settings.KEYRING = settings.KEYRING.__class__(
        **{**settings.KEYRING.__dict__, "audit_key": b"k" * 32}
    )
    with pytest.raises(CommandError, match="does not match its seal"):
        call_command("verify_audit")


def test_migration_reseals_a_sha256_chain_after_checking_it(caseworker, make_person):
    from django.apps import apps as global_apps

    make_person(caseworker)
    make_person(caseworker, given_name="Азамат")
    migration = importlib.import_module("apps.core.migrations.0005_seal_audit_chain_with_keyed_mac")
    migration.seal_without_key(global_apps, None)  # as before the upgrade
    with pytest.raises(CommandError):
        call_command("verify_audit")
    migration.seal_with_key(global_apps, None)
    assert audit.verify_chain().broken_id is None


def test_migration_refuses_a_broken_sha256_chain(caseworker, make_person):
    from django.apps import apps as global_apps

    make_person(caseworker)
    migration = importlib.import_module("apps.core.migrations.0005_seal_audit_chain_with_keyed_mac")
    migration.seal_without_key(global_apps, None)
    _sql("UPDATE core_auditentry SET action = %s", ["view"])
    with pytest.raises(RuntimeError, match="not re-sealed"):
        migration.seal_with_key(global_apps, None)


def test_production_needs_the_audit_key(tmp_path):
    from koldoo.keyring import MissingKeys, load_keyring, new_key_material

    material = new_key_material()
    env = {
        "SECRET_KEY": "s" * 50,
        "KOLDOO_ENCRYPTION_KEYS": material["encryption_keys"][0],
        "KOLDOO_INDEX_KEY": material["index_key"],
    }
    with pytest.raises(MissingKeys, match="KOLDOO_AUDIT_KEY"):
        load_keyring(env, tmp_path / "absent.json", create_if_missing=False)


def test_an_older_demo_key_file_gets_an_audit_key_once(tmp_path):
    from koldoo.keyring import load_keyring, new_key_material, write_key_file

    material = new_key_material()
    del material["audit_key"]
    key_file = tmp_path / "keys.json"
    write_key_file(key_file, material)
    ring = load_keyring({}, key_file, create_if_missing=True)
    assert len(ring.audit_key) == 32
    assert load_keyring({}, key_file, create_if_missing=True).audit_key == ring.audit_key
