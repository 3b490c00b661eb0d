"""The register number is an identifier: encrypted at rest, found and kept unique per
organisation through a keyed hash, and a number already in use answers 400, not 500."""

from django.db import connection

from apps.people.models import Person, register_number_key
from apps.people.selectors import person_with_register_number


def _stored(person):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT external_id, external_id_key FROM people_person WHERE id = %s", [person.pk]
        )
        return cur.fetchone()


def test_register_number_is_stored_encrypted_with_a_keyed_hash(caseworker, make_person):
    person = make_person(caseworker, external_id="BISH-000123")
    stored, key = _stored(person)
    assert "BISH-000123" not in stored
    assert key == register_number_key(caseworker.organization_id, "BISH-000123")
    person.refresh_from_db()
    assert person.external_id == "BISH-000123"
    found = person_with_register_number(caseworker.organization_id, "BISH-000123")
    assert found == person


def test_equal_numbers_in_two_organisations_have_unrelated_hashes(
    caseworker, other_org, make_member, make_person
):
    other = make_member(other_org, "case_worker")
    mine = make_person(caseworker, external_id="R-1")
    theirs = make_person(other, external_id="R-1")
    assert _stored(mine)[1] != _stored(theirs)[1]
    assert person_with_register_number(other_org.pk, "R-1") == theirs


def test_existing_register_number_posted_to_the_api_answers_400(
    client, login, caseworker, make_person
):
    make_person(caseworker, external_id="R-17")
    login(caseworker)
    r = client.post(
        "/api/v1/people/",
        {"given_name": "Бермет", "external_id": "R-17"},
        content_type="application/json",
    )
    assert r.status_code == 400, r.content
    assert "register number" in r.json()["external_id"][0]
    assert Person.objects.count() == 1


def test_changing_to_a_number_in_use_answers_400(client, login, caseworker, make_person):
    make_person(caseworker, external_id="R-17")
    other = make_person(caseworker, given_name="Бермет", external_id="R-18")
    login(caseworker)
    r = client.patch(
        f"/api/v1/people/{other.pk}/",
        {"external_id": "R-17", "version": other.version},
        content_type="application/json",
    )
    assert r.status_code == 400 and "external_id" in r.json()
    other.refresh_from_db()
    assert other.external_id == "R-18"


def test_existing_register_number_in_the_form_is_an_error_on_the_field(
    client, login, caseworker, make_person
):
    make_person(caseworker, external_id="R-17")
    login(caseworker)
    r = client.post("/people/new/", {"given_name": "Бермет", "sex": "F", "external_id": "R-17"})
    assert r.status_code == 400
    assert r.context["form"].errors["external_id"]
    assert "Бермет" in r.content.decode()  # nothing typed is lost
    assert Person.objects.count() == 1


def test_register_import_updates_by_the_encrypted_number(caseworker, org, make_member, make_person):
    from apps.people.register_import import import_register

    admin = make_member(org, "org_admin")
    person = make_person(admin, external_id="R-5", given_name="Асель")
    data = "external_id,family_name,given_name\nR-5,Асанова,Асель\nR-6,Иванова,Анна\n"
    plan = import_register(admin, data.encode(), "register.csv")
    assert plan.ok, plan.report.errors
    person.refresh_from_db()
    assert person.family_name == "Асанова"
    new = person_with_register_number(org.pk, "R-6")
    assert new is not None and new.given_name == "Анна"
    assert "R-6" not in _stored(new)[0]


def test_key_rotation_keeps_the_number_findable(caseworker, make_person, settings):
    import dataclasses

    from apps.core.crypto import reset_ciphers
    from apps.operations.key_rotation import rebuild_blind_indexes

    person = make_person(caseworker, external_id="R-9")
    old_key = _stored(person)[1]
    keyring = settings.KEYRING
    settings.KEYRING = dataclasses.replace(keyring, index_key=b"x" * 32)
    reset_ciphers()
    try:
        rebuild_blind_indexes()
        assert _stored(person)[1] != old_key
        assert person_with_register_number(caseworker.organization_id, "R-9") == person
    finally:
        settings.KEYRING = keyring
        reset_ciphers()
