"""`backup` writes a sealed archive without keys or plaintext; `restore` brings back
everything into an empty database: people, sign-ins, attachments and the audit chain."""

import shutil
from dataclasses import replace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tests.conftest import PASSWORD

NAME = "Айгүлзада"
FAMILY = "Төлөнбаева"
NOTE = "Escaped from the farm near Kazan"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def _fill(caseworker, make_person, make_case):
    from apps.cases.services import add_attachment, add_case_note

    person = make_person(caseworker, given_name=NAME, family_name=FAMILY)
    case = make_case(caseworker, person)
    add_case_note(membership=caseworker, case=case, body=NOTE)
    upload = SimpleUploadedFile("scan.txt", b"passport scan", content_type="text/plain")
    attachment = add_attachment(membership=caseworker, case=case, uploaded_file=upload)
    return person, attachment


def _plain_stream(archive) -> bytes:
    from apps.operations.backup import opened_chunks

    with open(archive, "rb") as fh:
        return b"".join(opened_chunks(fh))


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database(
    client, media, tmp_path, caseworker, make_person, make_case
):
    from apps.cases.models import Attachment
    from apps.core.audit import verify_chain
    from apps.core.crypto import decrypt_bytes
    from apps.operations.backup import database_is_empty
    from apps.people.models import Person

    person, attachment = _fill(caseworker, make_person, make_case)
    head_before = verify_chain().head_id
    archive = tmp_path / "koldoo.backup"
    call_command("backup", output=str(archive))

    data = archive.read_bytes()
    for secret in (NAME, FAMILY, NOTE, "passport scan"):
        assert secret.encode() not in data
    # Inside the seal the identifying columns are still ciphertext.
    plain = _plain_stream(archive)
    for secret in (NAME, FAMILY, NOTE):
        assert secret.encode() not in plain
    assert (archive.stat().st_mode & 0o777) == 0o600

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)
    media.mkdir()
    assert database_is_empty()

    call_command("restore", str(archive))

    restored = Person.objects.get(pk=person.pk)
    assert (restored.given_name, restored.family_name) == (NAME, FAMILY)
    a = Attachment.objects.get(pk=attachment.pk)
    assert decrypt_bytes((media / a.storage_name).read_bytes()) == b"passport scan"
    report = verify_chain()
    assert report.broken_id is None and report.head_id > head_before
    # The person's page after a real sign-in with the restored password.
    assert client.login(username=caseworker.user.email, password=PASSWORD)
    page = client.get(f"/people/{person.pk}/")
    assert page.status_code == 200
    assert NAME in page.content.decode()
    # New rows get new ids after a restore (sequences follow the restored rows).
    assert make_person(caseworker, given_name="Бакыт").pk > person.pk


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_data_unless_forced(
    media, tmp_path, caseworker, make_person
):
    from apps.people.models import Person

    make_person(caseworker, given_name=NAME)
    archive = tmp_path / "koldoo.backup"
    call_command("backup", output=str(archive))
    make_person(caseworker, given_name="Later")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))
    assert Person.objects.count() == 2
    call_command("restore", str(archive), force=True)
    assert [p.given_name for p in Person.objects.all()] == [NAME]


@pytest.mark.django_db
@pytest.mark.parametrize("damage", ["flip", "cut", "append", "chunk_dropped"])
def test_a_damaged_archive_is_refused_before_anything_changes(
    damage, media, tmp_path, caseworker, make_person
):
    from apps.operations import backup
    from apps.people.models import Person

    person = make_person(caseworker, given_name=NAME)
    archive = tmp_path / "koldoo.backup"
    # Small chunks, so that the archive has several.
    backup.CHUNK = 4096
    try:
        call_command("backup", output=str(archive))
    finally:
        backup.CHUNK = 1024 * 1024
    data = bytearray(archive.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x01
    elif damage == "cut":
        data = data[:-200]
    elif damage == "append":
        data += data[-(4096 + 200) :]
    else:
        start = len(backup.MAGIC) + 24
        (length,) = __import__("struct").unpack(">I", data[start : start + 4])
        data = data[:start] + data[start + 4 + 12 + length :]
    archive.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="Not restored"):
        call_command("restore", str(archive), force=True)
    assert Person.objects.get().pk == person.pk


@pytest.mark.django_db
def test_an_archive_needs_the_keys_it_was_made_with(media, tmp_path, settings, caseworker):
    from apps.core.crypto import reset_ciphers
    from koldoo.keyring import new_key_material

    archive = tmp_path / "koldoo.backup"
    call_command("backup", output=str(archive))
    other = new_key_material()["encryption_keys"]
    settings.KEYRING = replace(settings.KEYRING, encryption_keys=tuple(other))
    reset_ciphers()
    try:
        with pytest.raises(CommandError, match="key that is not in the keyring"):
            call_command("restore", str(archive), check_only=True)
    finally:
        reset_ciphers()


@pytest.mark.django_db
def test_restore_refuses_another_schema_version(media, tmp_path, caseworker, monkeypatch):
    from apps.operations import backup

    archive = tmp_path / "koldoo.backup"
    call_command("backup", output=str(archive))
    monkeypatch.setattr(backup, "applied_migrations", lambda: ["operations.0001_background_jobs"])
    with pytest.raises(CommandError, match="schema differs"):
        call_command("restore", str(archive), force=True)


@pytest.mark.django_db
def test_a_disk_full_during_backup_leaves_the_previous_archive_whole(
    media, tmp_path, caseworker, make_person, monkeypatch
):
    from apps.operations import backup

    make_person(caseworker, given_name=NAME)
    archive = tmp_path / "koldoo.backup"
    call_command("backup", output=str(archive))
    previous = archive.read_bytes()

    def disk_full(fh):
        fh.write(b"half an archive")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("apps.operations.management.commands.backup.write_backup", disk_full)
    with pytest.raises(OSError):
        call_command("backup", output=str(archive))
    assert archive.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("koldoo")) == [
        "koldoo.backup"
    ]
    assert backup.verify_archive(archive)["counts"]["people.person"] == 1
