"""Keys come from the environment or a key file; rotation keeps every record readable."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from apps.core.crypto import reset_ciphers
from koldoo.keyring import MissingKeys, load_keyring, new_key_material, write_key_file

ROOT = Path(__file__).resolve().parent.parent


def test_production_refuses_to_start_without_keys(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "KOLDOO_ENV": "production", "KOLDOO_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "Koldoo needs its keys" in result.stderr


def test_demo_mode_generates_a_private_key_file(tmp_path):
    key_file = tmp_path / "keys.json"
    ring = load_keyring({}, key_file, create_if_missing=True)
    assert key_file.stat().st_mode & 0o077 == 0
    assert ring.encryption_keys and len(ring.index_key) == 32
    # A second start reads the same keys.
    assert load_keyring({}, key_file, create_if_missing=True) == ring


def test_missing_key_file_in_production_mode_is_an_error(tmp_path):
    with pytest.raises(MissingKeys):
        load_keyring({}, tmp_path / "none.json", create_if_missing=False)


def test_environment_keys_win_over_the_file(tmp_path):
    material = new_key_material()
    env = {
        "SECRET_KEY": "s" * 50,
        "KOLDOO_ENCRYPTION_KEYS": material["encryption_keys"][0],
        "KOLDOO_INDEX_KEY": material["index_key"],
        "KOLDOO_AUDIT_KEY": material["audit_key"],
    }
    ring = load_keyring(env, tmp_path / "absent.json", create_if_missing=False)
    assert ring.source == "environment"


@pytest.fixture
def private_keyring(tmp_path, settings):
    key_file = tmp_path / "keys.json"
    write_key_file(key_file, new_key_material())
    original = settings.KEYRING
    settings.KEYRING = load_keyring({}, key_file, create_if_missing=False)
    reset_ciphers()
    yield key_file
    settings.KEYRING = original
    reset_ciphers()


@pytest.mark.django_db(transaction=True)
def test_rotation_reencrypts_and_old_key_can_be_retired(
    private_keyring, caseworker, make_person, make_case
):
    from apps.cases.services import add_case_note
    from apps.people.models import Person
    from apps.people.selectors import search_people

    person = make_person(caseworker, phones=["+996 555 000111"])
    add_case_note(
        membership=caseworker, case=make_case(caseworker, person), body="Met at the border"
    )
    old_key = json.loads(private_keyring.read_text())["encryption_keys"][0]

    call_command("rotate_keys", "--retire-old", "--index")

    keys = json.loads(private_keyring.read_text())["encryption_keys"]
    assert keys != [old_key] and len(keys) == 1
    reset_ciphers()
    again = Person.objects.get(pk=person.pk)
    assert again.family_name == "Төлөнбаева" and again.phones == ["+996 555 000111"]
    assert again.cases.get().notes.get().body == "Met at the border"
    assert search_people(caseworker, "Aigul Tolonbaeva")[0] == again
    # Nothing is readable with the retired key alone.
    from cryptography.fernet import Fernet, InvalidToken
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT family_name FROM people_person WHERE id = %s", [person.pk])
        token = cur.fetchone()[0]
    with pytest.raises(InvalidToken):
        Fernet(old_key.encode()).decrypt(token.encode())


def test_rotate_keys_with_environment_keys_explains_what_to_do(settings):
    from django.core.management.base import CommandError

    settings.KEYRING = settings.KEYRING.__class__(
        secret_key="x", encryption_keys=settings.KEYRING.encryption_keys,
        index_key=settings.KEYRING.index_key, source="environment",
    )  # fmt: skip
    with pytest.raises(CommandError, match="KOLDOO_ENCRYPTION_KEYS"):
        call_command("rotate_keys")
