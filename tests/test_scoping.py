"""Another organisation's records answer 404; weaker roles get 403 and no data."""

import pytest


@pytest.fixture
def stranger_case(other_org, make_member, make_person, make_case):
    member = make_member(other_org, "case_worker")
    person = make_person(member, given_name="Бермет", family_name="Сыдыкова")
    return make_case(member, person)


def test_other_organisations_person_is_404_in_ui(client, login, caseworker, stranger_case):
    login(caseworker)
    for url in (
        f"/people/{stranger_case.person_id}/",
        f"/people/{stranger_case.person_id}/edit/",
        f"/cases/{stranger_case.pk}/",
        f"/cases/{stranger_case.pk}/edit/",
        f"/cases/open/{stranger_case.person_id}/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Сыдыкова" not in response.content.decode()


def test_other_organisations_records_are_404_in_api(client, login, caseworker, stranger_case):
    login(caseworker)
    assert client.get(f"/api/v1/people/{stranger_case.person_id}/").status_code == 404
    assert client.get(f"/api/v1/cases/{stranger_case.pk}/").status_code == 404
    listing = client.get("/api/v1/people/").json()
    assert listing["count"] == 0
    cases = client.get("/api/v1/cases/").json()
    assert cases["count"] == 0


def test_cannot_open_case_for_other_organisations_person_via_api(
    client, login, caseworker, stranger_case
):
    login(caseworker)
    r = client.post(
        "/api/v1/cases/",
        {"person": stranger_case.person_id, "case_type": "trafficking"},
        content_type="application/json",
    )
    assert r.status_code == 404


@pytest.mark.parametrize("role", ["monitor", "me_officer", "auditor", "national_coordinator"])
def test_roles_without_client_access_get_403_and_no_names(client, login, org, make_member, caseworker,
                                                          make_person, make_case, role):  # fmt: skip
    person = make_person(caseworker, given_name="Жылдыз", family_name="Маматова")
    case = make_case(caseworker, person)
    login(make_member(org, role))
    for url in ("/people/", f"/people/{person.pk}/", "/cases/", f"/cases/{case.pk}/",
                "/api/v1/people/", f"/api/v1/people/{person.pk}/", "/api/v1/cases/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code in (403, 404), (role, url, response.status_code)
        assert "Маматова" not in response.content.decode()


def test_operator_reads_people_but_not_case_notes(client, login, org, make_member, caseworker,
                                                 make_person, make_case):  # fmt: skip
    from apps.cases.services import add_case_note

    person = make_person(caseworker)
    case = make_case(caseworker, person)
    add_case_note(membership=caseworker, case=case, body="Secret counselling note")
    login(make_member(org, "operator"))
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert "Secret counselling note" not in page.content.decode()
    assert client.post(f"/cases/{case.pk}/notes/", {"body": "x"}).status_code == 403


def test_anonymous_user_is_sent_to_sign_in(client, caseworker, make_person):
    person = make_person(caseworker)
    r = client.get(f"/people/{person.pk}/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert client.get("/api/v1/people/").status_code in (401, 403)
