"""The duplicate finder's API: the same scoping and services as the pages."""

import pytest

from apps.linkage.models import DuplicatePair, Merge

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(org, make_member):
    return make_member(org, "org_admin")


@pytest.fixture
def pair(admin, make_person):
    from apps.linkage.batch import find_duplicates

    make_person(admin, family_name="Сооронбаева", given_name="Айгүл", birth_date="1995-03-14")
    make_person(admin, family_name="Sooronbaeva", given_name="Aigul", birth_date="1995-03-14")
    find_duplicates(admin)
    return DuplicatePair.objects.get()


def test_check_answers_ids_and_reasons(client, login, caseworker, make_person):
    person = make_person(caseworker, family_name="Сооронбаева", given_name="Айгүл")
    login(caseworker)
    r = client.post(
        "/api/v1/duplicates/check/",
        {"family_name": "Sooronbaeva", "given_name": "Aigul"},
        content_type="application/json",
    )
    assert r.status_code == 200
    assert r.json() == [
        {"person": person.pk, "code": person.code, "reasons": ["name_same_other_spelling"]}
    ]


def test_check_is_scoped_and_refused_to_weaker_roles(
    client, login, org, other_org, make_member, make_person, caseworker
):
    make_person(caseworker, family_name="Сооронбаева", given_name="Айгүл")
    login(make_member(other_org, "case_worker"))
    body = {"family_name": "Sooronbaeva", "given_name": "Aigul"}
    r = client.post("/api/v1/duplicates/check/", body, content_type="application/json")
    assert r.status_code == 200 and r.json() == []
    login(make_member(org, "monitor"))
    r = client.post("/api/v1/duplicates/check/", body, content_type="application/json")
    assert r.status_code == 403


def test_review_merge_and_undo(client, login, admin, pair):
    login(admin)
    listed = client.get("/api/v1/duplicates/pairs/").json()
    assert listed == [
        {
            "id": pair.pk,
            "person_l": pair.person_l_id,
            "person_r": pair.person_r_id,
            "agreeing": pair.agreeing,
        }
    ]  # no probability while undecided
    r = client.post(
        f"/api/v1/duplicates/pairs/{pair.pk}/decision/",
        {"decision": "keep_right"},
        content_type="application/json",
    )
    assert r.status_code == 201
    merge = Merge.objects.get()
    assert merge.survivor_id == pair.person_r_id
    r = client.post(f"/api/v1/duplicates/merges/{merge.pk}/undo/")
    assert r.status_code == 200
    assert client.post(f"/api/v1/duplicates/merges/{merge.pk}/undo/").status_code == 409


def test_other_organisation_404_weaker_role_403(client, login, org, other_org, make_member, pair):
    login(make_member(other_org, "org_admin"))
    r = client.post(
        f"/api/v1/duplicates/pairs/{pair.pk}/decision/",
        {"decision": "not_same"},
        content_type="application/json",
    )
    assert r.status_code == 404
    assert client.get("/api/v1/duplicates/pairs/").json() == []
    login(make_member(org, "case_worker"))
    assert client.get("/api/v1/duplicates/pairs/").status_code == 403
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.OPEN
