"""Erasure requests and retention: the identity goes everywhere it was, the facts and
the audit trail stay (by number only)."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

NAME = "Айгүлзада"
FAMILY = "Төлөнбаева"
PHONE = "+996 700 123456"
NOTE = "Escaped from the farm near Kazan"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _person_with_case(caseworker, make_person, make_case, *, closed_on=None, **names):
    from apps.cases.models import Case, CaseStatus
    from apps.cases.services import add_attachment, add_case_note

    person = make_person(
        caseworker,
        given_name=names.get("given_name", NAME),
        family_name=names.get("family_name", FAMILY),
        phones=[PHONE],
        document_numbers=["AN 445 56 67"],
        address="Ленина 12-34",
    )
    case = make_case(caseworker, person)
    add_case_note(membership=caseworker, case=case, body=NOTE)
    upload = SimpleUploadedFile("scan.txt", b"passport scan", content_type="text/plain")
    attachment = add_attachment(membership=caseworker, case=case, uploaded_file=upload)
    if closed_on:
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_on=closed_on)
    return person, case, attachment


def test_erasure_request_removes_the_identity_everywhere(media, caseworker, make_person, make_case):
    from apps.cases.models import CaseNote
    from apps.core.audit import verify_chain
    from apps.core.models import AuditEntry
    from apps.people.models import Person, PersonNameKey, PersonNumberKey
    from apps.people.selectors import people_with_phone, search_people

    person, case, attachment = _person_with_case(caseworker, make_person, make_case)
    other, *_ = _person_with_case(
        caseworker, make_person, make_case, given_name="Бакыт", family_name="Асанов"
    )
    assert search_people(caseworker, NAME)
    call_command("erase_person", person.code, organization=caseworker.organization.slug, yes=True)

    erased = Person.objects.get(pk=person.pk)
    assert NAME not in erased.full_name and FAMILY not in erased.full_name
    assert erased.phones == [] and erased.address == "" and erased.hide_name
    assert erased.display_name == person.code
    assert not PersonNameKey.objects.filter(person=person).exists()
    assert not PersonNumberKey.objects.filter(person=person).exists()
    assert search_people(caseworker, NAME) == []
    assert people_with_phone(caseworker, PHONE) == [Person.objects.get(pk=other.pk)]
    assert CaseNote.objects.get(case=case).body != NOTE
    assert not (media / attachment.storage_name).exists()
    # Change history held the name too.
    assert all(NAME not in h.given_name for h in Person.history.filter(id=person.pk))
    # Facts stay for statistics; the other person is untouched.
    assert erased.birth_year == person.birth_year and erased.cases.count() == 1
    assert Person.objects.get(pk=other.pk).given_name == "Бакыт"
    # The audit trail keeps every entry, the erasure by number, and still verifies.
    entry = AuditEntry.objects.filter(target_type="person", target_id=str(person.pk)).first()
    assert entry.detail["erased"] == "request"
    assert verify_chain().broken_id is None


def test_a_database_dump_after_erasure_holds_no_trace_of_the_old_ciphertext(
    media, caseworker, make_person, make_case
):
    """The old ciphertext is gone from the tables (not only unreadable), so even a
    key leaked later reveals nothing of an erased person."""
    from apps.core.crypto import decrypt_text
    from apps.core.fields import EncryptedJSONField, EncryptedTextField
    from apps.operations.retention import erase_person

    person, *_ = _person_with_case(caseworker, make_person, make_case)
    erase_person(person)
    found = []
    from django.apps import apps

    for model in apps.get_models():
        cols = [
            f.column
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedTextField | EncryptedJSONField)
        ]
        if not cols:
            continue
        with connection.cursor() as cur:
            cur.execute(f"SELECT {', '.join(cols)} FROM {model._meta.db_table}")  # noqa: S608
            for row in cur.fetchall():
                found += [decrypt_text(v) for v in row if v]
    assert not [v for v in found if NAME in v or NOTE in v or "445 56 67" in v]


def test_retention_dry_run_reports_and_the_run_anonymises(
    media, org, caseworker, make_person, make_case, capsys
):
    from apps.operations.models import Erasure, RetentionPolicy
    from apps.people.models import Person

    today = date.today()
    long_ago = today - timedelta(days=365 * 6)
    old, old_case, _ = _person_with_case(caseworker, make_person, make_case, closed_on=long_ago)
    recent, *_ = _person_with_case(
        caseworker,
        make_person,
        make_case,
        closed_on=today - timedelta(days=30),
        given_name="Бакыт",
    )
    still_open, *_ = _person_with_case(caseworker, make_person, make_case, given_name="Гүлнара")
    # An old closed case of a person who has a newer, open one.
    mixed_old_case = make_case(caseworker, still_open)
    from apps.cases.models import Case, CaseNote
    from apps.cases.services import add_case_note

    add_case_note(membership=caseworker, case=mixed_old_case, body="Old story")
    Case.objects.filter(pk=mixed_old_case.pk).update(status="closed", closed_on=long_ago)

    call_command("apply_retention", dry_run=True)
    assert "No organisation has a retention policy" in capsys.readouterr().out

    RetentionPolicy.objects.create(organization=org, closed_case_years=5)
    call_command("apply_retention", dry_run=True)
    out = capsys.readouterr().out
    assert "would anonymise 1 people and 1 further cases" in out and old.code in out
    assert NAME not in out
    assert Person.objects.get(pk=old.pk).given_name == NAME  # dry run: nothing changed

    call_command("apply_retention")
    assert Person.objects.get(pk=old.pk).given_name != NAME
    assert Person.objects.get(pk=recent.pk).given_name == "Бакыт"
    assert Person.objects.get(pk=still_open.pk).given_name == "Гүлнара"
    assert CaseNote.objects.get(case=mixed_old_case).body != "Old story"
    assert (
        CaseNote.objects.filter(case__person=still_open).exclude(case=mixed_old_case).get().body
        == NOTE
    )
    assert Erasure.objects.filter(kind="person", record_id=old.pk, reason="retention").exists()
    # A second run finds nothing more to do.
    call_command("apply_retention", dry_run=True)
    assert "would anonymise 0 people and 0 further cases" in capsys.readouterr().out


def test_erase_person_only_within_the_named_organisation(caseworker, other_org, make_person):
    person = make_person(caseworker)
    with pytest.raises(CommandError, match="No person"):
        call_command("erase_person", person.code, organization=other_org.slug, yes=True)


def test_demo_data_gives_the_demo_organisations_a_policy(make_org):
    from apps.operations.demo_data import seed
    from apps.operations.models import RetentionPolicy

    orgs = {"demo-bishkek": make_org("demo-bishkek"), "demo-osh": make_org("demo-osh")}
    seed(members={}, organizations=orgs, rng=None)
    seed(members={}, organizations=orgs, rng=None)  # again: no duplicate
    assert dict(RetentionPolicy.objects.values_list("organization__slug", "closed_case_years")) == {
        "demo-bishkek": 10,
        "demo-osh": 7,
    }


def test_an_edit_form_opened_before_the_erasure_cannot_write_the_name_back(
    media, caseworker, make_person
):
    from apps.operations.retention import erase_person
    from apps.people.models import Person
    from apps.people.services import StaleEdit, update_person

    person = make_person(caseworker, given_name=NAME)
    opened_at_version = person.version
    erase_person(person)
    with pytest.raises(StaleEdit):
        update_person(
            membership=caseworker,
            person=person,
            data={"given_name": NAME},
            expected_version=opened_at_version,
        )
    assert Person.objects.get(pk=person.pk).given_name != NAME
