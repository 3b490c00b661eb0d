"""Key rotation under load: batches, resume after a crash, concurrent saves kept, every
store of encrypted data (columns, binary columns, files) readable throughout and after
the old key is removed."""

# The shared fixtures of tests/legal_fixtures.py are imported by name, then used as
# arguments, which ruff takes for redefinitions.
# ruff: noqa: F811

import dataclasses
import datetime
import re
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from apps.core.crypto import encrypt_bytes, reset_ciphers
from apps.operations import key_rotation
from apps.operations.key_rotation import reencrypt_everything
from apps.operations.models import KeyRotationRun
from apps.people.models import Person
from tests.legal_fixtures import (  # noqa: F401
    lawyer,
    legal_reference,
    torture_case,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def folders(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    return tmp_path


@pytest.fixture
def keys(settings):
    """Switches the keyring: `keys.use(*keys)`, newest first, like the key file."""
    original = settings.KEYRING

    class Keys:
        old = original.encryption_keys[0]
        new = Fernet.generate_key().decode()

        def use(self, *encryption_keys):
            settings.KEYRING = dataclasses.replace(original, encryption_keys=encryption_keys)
            reset_ciphers()

    yield Keys()
    settings.KEYRING = original
    reset_ciphers()


def _tokens():
    """Every non-empty stored token of every encrypted column, as bytes."""
    qn = connection.ops.quote_name
    for store in key_rotation.stores():
        if not isinstance(store, key_rotation._ColumnStore):
            continue
        cols = ", ".join(qn(c) for c in store.columns)
        with connection.cursor() as cur:
            cur.execute(f"SELECT {cols} FROM {qn(store.model._meta.db_table)}")  # noqa: S608
            for row in cur.fetchall():
                for value in row:
                    if value:
                        yield bytes(value) if store.binary else value.encode()


def _not_under(key: str) -> int:
    fernet = Fernet(key.encode())
    return sum(1 for t in _tokens() if not key_rotation._under_primary(fernet, t))


def _people(caseworker, make_person, make_case, n):
    from apps.cases.services import add_case_note

    people = []
    for i in range(n):
        p = make_person(caseworker, phones=[f"+996 555 00{i:04d}"])
        add_case_note(membership=caseworker, case=make_case(caseworker, p), body=f"Note {i}")
        people.append(p)
    return people


def test_small_batches_reach_every_row_and_everything_stays_readable_between_batches(
    folders, keys, caseworker, make_person, make_case
):
    people = _people(caseworker, make_person, make_case, 7)
    keys.use(keys.new, keys.old)
    before = _not_under(keys.new)
    assert before > 14

    seen = []

    def read_everything(run):
        seen.append((run.store, run.last_key))
        # Every value decrypts at this moment, rotated or not.
        for p in Person.objects.all():
            assert p.family_name == "Төлөнбаева"
            assert p.cases.get().notes.get().body.startswith("Note ")

    run = reencrypt_everything(batch_size=2, on_batch=read_everything)

    assert run.finished_at and run.rotated == before and run.changed_meanwhile == 0
    assert _not_under(keys.new) == 0
    # people_person in batches of 2: 7 people give 4 batches there.
    assert len([s for s, _ in seen if s == "people_person"]) == 4
    keys.use(keys.new)  # old key gone: still readable
    assert {p.phones[0] for p in Person.objects.all()} == {p.phones[0] for p in people}


def test_a_crash_midway_resumes_where_it_stopped_and_rotates_each_value_once(
    folders, keys, caseworker, make_person, make_case, monkeypatch
):
    _people(caseworker, make_person, make_case, 5)
    keys.use(keys.new, keys.old)
    pending = _not_under(keys.new)
    real_rotate = key_rotation.rotate
    calls = []

    def crash_halfway(cipher, token):
        calls.append(token)
        if len(calls) == pending // 2:
            raise OSError("power cut")
        return real_rotate(cipher, token)

    monkeypatch.setattr(key_rotation, "rotate", crash_halfway)
    with pytest.raises(OSError):
        reencrypt_everything(batch_size=2)

    stopped = KeyRotationRun.objects.get()
    assert stopped.finished_at is None and stopped.store
    left = _not_under(keys.new)
    assert 0 < stopped.rotated < pending
    assert stopped.rotated == pending - left  # the crashed batch was rolled back whole
    for p in Person.objects.all():  # readable while stopped
        assert p.given_name

    calls.clear()
    monkeypatch.setattr(key_rotation, "rotate", lambda c, t: calls.append(t) or real_rotate(c, t))
    run = reencrypt_everything(batch_size=2)

    assert run.pk == stopped.pk and run.finished_at
    assert len(calls) == left and len(set(calls)) == left  # nothing rewritten twice
    assert run.rotated == pending and _not_under(keys.new) == 0


def test_a_save_between_the_read_and_the_write_is_not_overwritten(
    folders, keys, caseworker, make_person, monkeypatch
):
    person = make_person(caseworker)
    keys.use(keys.new, keys.old)
    with connection.cursor() as cur:
        cur.execute("SELECT family_name FROM people_person WHERE id = %s", [person.pk])
        old_token = cur.fetchone()[0].encode()
    real_rotate = key_rotation.rotate

    def member_saves_meanwhile(cipher, token):
        if token == old_token:
            Person.objects.filter(pk=person.pk).update(family_name="Асанова")
        return real_rotate(cipher, token)

    monkeypatch.setattr(key_rotation, "rotate", member_saves_meanwhile)
    run = reencrypt_everything(batch_size=50)

    assert run.changed_meanwhile == 1
    keys.use(keys.new)
    again = Person.objects.get(pk=person.pk)
    assert again.family_name == "Асанова" and again.given_name == "Айгүл"


def _fill_every_store(caseworker, lawyer, torture_case, make_member, make_person, make_case):
    """One record in each registered store, with the bytes each should read back."""
    from apps.cases.services import add_attachment
    from apps.core.staged_upload import store_upload
    from apps.grants import services as grants
    from apps.legal import services as legal
    from apps.monitoring.services import save_job_ad
    from apps.operations.models import Job
    from apps.operations.services import jobs_dir

    person = make_person(caseworker)
    case = make_case(caseworker, person)
    attachment = add_attachment(
        membership=caseworker,
        case=case,
        uploaded_file=SimpleUploadedFile("passport.pdf", b"%PDF passport scan"),
    )
    proceeding = legal.open_proceeding(
        membership=lawyer,
        case=torture_case,
        data={"kind": "criminal", "client_role": "victim", "opened_on": datetime.date(2025, 1, 1)},
    )
    stage = legal.add_stage(
        membership=lawyer,
        proceeding=proceeding,
        data={"stage_type": "first_instance", "started_on": datetime.date(2025, 2, 1)},
    )
    document = legal.attach_document(
        membership=lawyer,
        stage=stage,
        kind="verdict",
        uploaded_file=SimpleUploadedFile("verdict.pdf", b"%PDF verdict"),
    )
    monitor = make_member(caseworker.organization, "monitor")
    ad = save_job_ad(
        membership=monitor,
        data={"source_type": "messenger", "source_name": "Work abroad", "text": "Jobs",
              "captured_on": datetime.date(2026, 11, 20), "red_flags": []},
        archive=SimpleUploadedFile("ad.png", b"\x89PNG screenshot", "image/png"),
    )  # fmt: skip
    me = make_member(caseworker.organization, "me_officer")
    donor = grants.create_donor(membership=me, name="Demo Foundation")
    grant = grants.create_grant(
        membership=me, donor=donor, reference="G-1", title="Safe migration", amount=1000,
        currency="USD", starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31),
    )  # fmt: skip
    indicator = grants.create_indicator(
        membership=me, code="M1", name="Women elected", source="manual", unit="women"
    )
    grants.use_indicator(membership=me, grant=grant, indicator=indicator)
    result = grants.record_manual_result(
        membership=me, grant=grant, indicator=indicator, period_from=datetime.date(2026, 4, 1),
        period_to=datetime.date(2026, 6, 30), value=3,
        evidence=SimpleUploadedFile("minutes.pdf", b"%PDF minutes"),
    )  # fmt: skip
    admin = make_member(caseworker.organization, "org_admin")
    job = Job.objects.create(
        organization=admin.organization, membership=admin, kind="register_export", fmt="csv",
        status="done", result_name="export-1.csv",
    )  # fmt: skip
    jobs_dir().mkdir(parents=True, exist_ok=True)
    (jobs_dir() / job.result_name).write_bytes(encrypt_bytes(b"name;phone"))
    staged = store_upload(b"register rows")

    def read_back():
        from apps.cases.services import read_attachment
        from apps.core.crypto import decrypt_bytes
        from apps.core.staged_upload import stored_path
        from apps.monitoring.services import read_job_ad_archive
        from apps.operations.services import read_result

        return {
            "attachment": read_attachment(membership=caseworker, attachment=attachment),
            "legal document": legal.read_document(
                membership=lawyer, document=type(document).objects.get(pk=document.pk)
            ),
            "job ad archive": read_job_ad_archive(membership=monitor, job_ad=ad),
            "grant evidence": grants.read_evidence(membership=me, result=result),
            "export result": read_result(membership=admin, job=job),
            "staged import": decrypt_bytes(stored_path(staged).read_bytes()),
            "person": Person.objects.get(pk=person.pk).family_name.encode(),
        }

    return read_back


def test_every_store_reads_back_after_rotation_with_the_old_key_removed(
    folders, keys, caseworker, lawyer, torture_case, make_member, make_person, make_case
):
    read_back = _fill_every_store(
        caseworker, lawyer, torture_case, make_member, make_person, make_case
    )
    expected = read_back()
    files = [p for p in Path(folders).rglob("*") if p.is_file()]
    assert len(files) == 5  # attachment, archive, evidence, export, staged import

    keys.use(keys.new, keys.old)
    pending = _not_under(keys.new)
    run = reencrypt_everything(batch_size=3)
    assert run.rotated == pending + len(files)

    keys.use(keys.new)
    assert read_back() == expected
    assert _not_under(keys.new) == 0
    for path in Path(folders).rglob("*"):
        if path.is_file():
            with pytest.raises(InvalidToken):
                Fernet(keys.old.encode()).decrypt(path.read_bytes())


def test_every_module_that_encrypts_bytes_writes_a_registered_store():
    callers = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in (ROOT / "apps").rglob("*.py")
        if re.search(r"\bencrypt_bytes\(", path.read_text())
        and path.name != "crypto.py"
        and "key_rotation" not in path.name
    }
    assert callers  # the scan finds the writers we know of
    assert callers <= key_rotation.writers(), callers - key_rotation.writers()


def test_no_binary_column_is_unknown_to_key_rotation():
    assert key_rotation.check_binary_columns_registered() == []


def test_the_command_resumes_a_stopped_run_and_reports_its_progress(
    folders, keys, caseworker, make_person, monkeypatch, capsys
):
    make_person(caseworker)
    keys.use(keys.new, keys.old)
    monkeypatch.setattr(key_rotation, "rotate", lambda c, t: (_ for _ in ()).throw(OSError()))
    with pytest.raises(OSError):
        call_command("rotate_keys", "--reencrypt-only", "--batch-size", "1")
    call_command("rotate_keys", "--status")
    assert "NOT finished" in capsys.readouterr().out

    monkeypatch.undo()
    keys.use(keys.new, keys.old)
    # No flag: the stopped run is resumed instead of starting over under another key.
    call_command("rotate_keys")
    out = capsys.readouterr().out
    assert "Resuming" in out or "Re-encrypted" in out
    assert KeyRotationRun.objects.count() == 1
    call_command("rotate_keys", "--status")
    assert "finished" in capsys.readouterr().out and _not_under(keys.new) == 0


def test_a_file_no_key_opens_is_left_alone_and_counted(folders, keys, settings, db):
    from apps.core.staged_upload import store_upload, stored_path

    token = store_upload(b"register rows")
    junk = Path(settings.VAR_DIR) / "imports" / "0000.bin"
    junk.write_bytes(b"not a token")
    keys.use(keys.new, keys.old)

    run = reencrypt_everything()

    assert run.finished_at and run.rotated == 1 and run.unreadable == 1
    assert junk.read_bytes() == b"not a token"
    keys.use(keys.new)
    assert Fernet(keys.new.encode()).decrypt(stored_path(token).read_bytes()) == b"register rows"


def test_add_key_restart_reencrypt_then_retire(folders, settings, caseworker, make_person):
    """The documented sequence under load, with a key file."""
    import json

    from koldoo.keyring import load_keyring, new_key_material, write_key_file

    key_file = folders / "keys.json"
    write_key_file(key_file, new_key_material())
    original = settings.KEYRING
    settings.KEYRING = load_keyring({}, key_file, create_if_missing=False)
    reset_ciphers()
    try:
        person = make_person(caseworker)
        old = json.loads(key_file.read_text())["encryption_keys"][0]

        call_command("rotate_keys", "--add-key-only")
        assert json.loads(key_file.read_text())["encryption_keys"][1] == old
        assert _not_under(old) == 0  # nothing re-encrypted before the restart
        call_command("rotate_keys", "--reencrypt-only", "--retire-old")

        (new,) = json.loads(key_file.read_text())["encryption_keys"]
        assert new != old and _not_under(new) == 0
        reset_ciphers()
        assert Person.objects.get(pk=person.pk).given_name == "Айгүл"
    finally:
        settings.KEYRING = original
        reset_ciphers()


def test_a_file_deleted_while_it_is_rewritten_is_not_brought_back(folders, keys, monkeypatch, db):
    from apps.core.staged_upload import store_upload, stored_path

    path = stored_path(store_upload(b"register rows"))
    keys.use(keys.new, keys.old)
    real_rotate = key_rotation.rotate

    def import_confirmed_meanwhile(cipher, token):
        path.unlink()  # the import finished and removed its staged file
        return real_rotate(cipher, token)

    monkeypatch.setattr(key_rotation, "rotate", import_confirmed_meanwhile)
    run = reencrypt_everything()

    assert run.finished_at and run.rotated == 0
    assert list(path.parent.iterdir()) == []
