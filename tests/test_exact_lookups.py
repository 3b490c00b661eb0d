"""Finding a person by phone or document number, typed in any form, through blind indexes."""

import dataclasses
import os

import pytest

from apps.core.crypto import reset_ciphers
from apps.core.models import AuditEntry
from apps.people.models import PersonNumberKey
from apps.people.selectors import search_people
from apps.people.services import update_person

PHONE = "+996 555 12-34-56"


@pytest.fixture
def aigul(caseworker, make_person):
    return make_person(caseworker, phones=["0700 111 222", PHONE], document_numbers=["AN1234567"])


@pytest.mark.parametrize("typed", ["+996 555 12-34-56", "0555123456", "555123456", "996555123456"])
def test_phone_in_any_format_finds_the_person(caseworker, aigul, make_person, typed):
    make_person(caseworker, given_name="Ольга", family_name="Петрова", phones=["0555123457"])
    found = search_people(caseworker, typed)
    assert found == [aigul]
    assert found[0].search_match == "phone"


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("ID 1234567", "ID1234567"),
        ("ID1234567", "id-1234567"),
        ("AN1234567", "an 123 45 67"),
        ("an 123 45 67", "AN1234567"),
        ("AC1234567", "АС 1234567"),  # the series typed in Cyrillic look-alikes
    ],
)
def test_document_number_in_any_form_finds_its_holder(caseworker, make_person, stored, typed):
    holder = make_person(caseworker, document_numbers=[stored])
    make_person(caseworker, given_name="Ольга", document_numbers=["AN1234568", "ID7654321"])
    found = search_people(caseworker, typed)
    assert found == [holder]
    assert found[0].search_match == "document"


def test_name_search_says_it_matched_by_name(caseworker, aigul):
    found = search_people(caseworker, "Aigul Tolonbaeva")
    assert found == [aigul] and found[0].search_match == "name"


def test_other_organisations_person_with_the_same_phone_is_never_found(
    caseworker, other_org, make_member, make_person, aigul
):
    elsewhere = make_member(other_org, "case_worker")
    theirs = make_person(elsewhere, phones=[PHONE], document_numbers=["AN1234567"])
    assert search_people(caseworker, "0555123456") == [aigul]
    assert search_people(elsewhere, "0555123456") == [theirs]
    assert search_people(elsewhere, "AN1234567") == [theirs]
    # Per-organisation keys: the same number gives unrelated hashes.
    ours = set(PersonNumberKey.objects.filter(person=aigul).values_list("key", flat=True))
    other = set(PersonNumberKey.objects.filter(person=theirs).values_list("key", flat=True))
    assert ours and other and not ours & other


def test_roles_without_people_find_nobody_by_number(org, make_member, aigul):
    assert search_people(make_member(org, "monitor"), "0555123456") == []


def test_a_changed_phone_is_found_and_the_old_one_no_longer(caseworker, aigul):
    update_person(
        membership=caseworker,
        person=aigul,
        data={"phones": ["+996 777 000 999"]},
        expected_version=aigul.version,
    )
    assert search_people(caseworker, "0777000999") == [aigul]
    assert search_people(caseworker, "0555123456") == []


def test_people_page_searches_numbers_and_says_how_each_was_found(client, login, caseworker, aigul):
    login(caseworker)
    page = client.get("/people/", {"q": "0555 12 34 56"}).content.decode()
    assert aigul.code in page and 'class="match-phone"' in page
    page = client.get("/people/", {"q": "an 123 45 67"}).content.decode()
    assert aigul.code in page and 'class="match-document"' in page
    entry = AuditEntry.objects.filter(action="search", target_type="person").latest("id")
    assert entry.detail["found_by"] == {"document": 1}
    assert "1234567" not in str(entry.detail)


def test_api_search_finds_numbers_and_names_and_says_which(client, login, caseworker, aigul):
    login(caseworker)
    for query, match in (
        ("+996 555 12-34-56", "phone"),
        ("AN 1234567", "document"),
        ("Aigul Tolonbaeva", "name"),
    ):
        rows = client.get("/api/v1/people/", {"search": query}).json()["results"]
        assert [(r["id"], r["match"]) for r in rows] == [(aigul.pk, match)]
    entries = AuditEntry.objects.filter(action="search", detail__via="api")
    assert entries.count() == 3
    assert not any("555" in str(e.detail) or "1234567" in str(e.detail) for e in entries)


def test_hotline_shows_people_with_the_callers_number(client, login, caseworker, aigul):
    login(caseworker)
    page = client.post("/hotline/earlier-calls/", {"caller_phone": "0555123456"})
    body = page.content.decode()
    assert aigul.code in body and "People registered with this number: 1" in body
    entry = AuditEntry.objects.filter(action="search", target_type="person").latest("id")
    assert entry.detail["results"] == 1 and "0555123456" not in str(entry.detail)


def test_hotline_finds_nobody_of_another_organisation(
    client, login, org, other_org, make_member, make_person
):
    make_person(make_member(other_org, "case_worker"), phones=[PHONE])
    login(make_member(org, "operator"))
    body = client.post("/hotline/earlier-calls/", {"caller_phone": PHONE}).content.decode()
    assert "Nobody registered has this number." in body


def test_register_import_indexes_numbers_of_new_and_updated_people(org, make_member):
    from tests.test_register_import import GOOD_ROWS, by_number, csv_bytes, do_import

    admin = make_member(org, "org_admin")
    do_import(admin, csv_bytes(*GOOD_ROWS))
    aigul = by_number("R-1", org)
    assert search_people(admin, "0700123456") == [aigul]
    assert search_people(admin, "id 123 45 67") == [aigul]
    again = GOOD_ROWS[0].replace("+996 700 123456", "0555 444 333")
    do_import(admin, csv_bytes(again))
    assert search_people(admin, "+996555444333") == [aigul]
    assert search_people(admin, "0700123456") == [aigul]  # numbers are added, not replaced


def test_index_key_change_is_followed_by_rebuilding_the_number_index(settings, caseworker, aigul):
    from apps.operations.key_rotation import rebuild_blind_indexes

    settings.KEYRING = dataclasses.replace(settings.KEYRING, index_key=os.urandom(32))
    reset_ciphers()
    try:
        assert search_people(caseworker, "0555123456") == []
        rebuild_blind_indexes()
        assert search_people(caseworker, "0555123456") == [aigul]
        assert search_people(caseworker, "AN1234567") == [aigul]
    finally:
        reset_ciphers()


def test_migration_indexes_people_already_registered(caseworker, aigul):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("apps.people.migrations.0003_person_number_keys")
    migration.forget_numbers(apps, None)
    assert search_people(caseworker, "0555123456") == []
    migration.index_numbers(apps, None)
    assert search_people(caseworker, "0555123456") == [aigul]
