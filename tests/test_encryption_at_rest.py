"""A dump of the database holds no identifying data in plaintext."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

SECRETS = {
    "family name": "Төлөнбаева",
    "given name": "Айгүлзада",
    "patronymic": "Бакытовна",
    "phone": "+996 700 123456",
    "phone normalised": "+996700123456",  # what the look-up index hashes
    "phone's digits": "700123456",
    "document": "AN 445 56 67",
    "document normalised": "AN4455667",  # what the look-up index hashes
    "birth date": "1994-05-17",
    "note": "Escaped from the farm near Kazan",
    "address": "Ленина 12-34",
    "alias": "Aigulzada Tolonbaeva",
    "register number": "OSH-2026-REG-77315",
    "contact person's name": "Гүлнара Асанбекова",
    "contact person's phone": "+996 555 987654",
    "caller's phone as typed": "0555987654",
    "caller's phone normalised": "+996555987654",
}


def _fill(membership, make_person, make_case):
    from apps.cases.services import add_case_note, add_task

    person = make_person(
        membership,
        family_name=SECRETS["family name"],
        given_name=SECRETS["given name"],
        patronymic=SECRETS["patronymic"],
        phones=[SECRETS["phone"]],
        document_numbers=[SECRETS["document"]],
        birth_date=SECRETS["birth date"],
        address=SECRETS["address"],
        other_names=[SECRETS["alias"]],
        external_id=SECRETS["register number"],
    )
    case = make_case(membership, person)
    add_case_note(membership=membership, case=case, body=SECRETS["note"])
    add_task(membership=membership, case=case, title=SECRETS["note"])
    _fill_call(membership, person)
    return person


def _fill_call(membership, person):
    """A mother calls about her son: her name and phone on the call (with its phone index)
    and as the case's contact person."""
    from apps.hotline.services import open_case_from_call, save_call

    call = save_call(
        membership=membership,
        finish=True,
        data={
            "caller_category": "relative",
            "topics": ["missing_relative"],
            "outcome": "case_opened",
            "caller_name": SECRETS["contact person's name"],
            "caller_phone": SECRETS["caller's phone as typed"],
        },
    )
    call.person = person
    call.save(update_fields=["person"])
    open_case_from_call(
        membership=membership,
        call=call,
        contact_persons=[
            {
                "name": SECRETS["contact person's name"],
                "relation": "mother",
                "phone": SECRETS["contact person's phone"],
            }
        ],
    )


def _assert_clean(dump: bytes):
    for what, value in SECRETS.items():
        for encoding in ("utf-8", "utf-16-le"):
            assert value.encode(encoding) not in dump, f"{what} found in plaintext"


@pytest.mark.django_db(transaction=True)
def test_database_dump_holds_no_plaintext_identity(caseworker, make_person, make_case):
    person = _fill(caseworker, make_person, make_case)
    # The application still reads everything back.
    person.refresh_from_db()
    assert person.family_name == SECRETS["family name"]
    if connection.vendor == "sqlite":
        connection.close()
        db = Path(connection.settings_dict["NAME"])
        dump = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    else:
        if not shutil.which("pg_dump"):
            pytest.skip("pg_dump not installed")
        s = connection.settings_dict
        dump = subprocess.run(
            ["pg_dump", "-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432),
             "-U", s["USER"] or "postgres", s["NAME"]],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
        assert b"CREATE TABLE" in dump
    assert len(dump) > 10_000
    _assert_clean(dump)
    # Year of birth stays in clear for statistics; the full date does not.
    assert b"1994-05" not in dump
