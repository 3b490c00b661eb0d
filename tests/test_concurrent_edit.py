"""Two users editing the same record: the second save is refused, nothing typed is lost."""


def _case_form(case, **over):
    data = {
        "case_type": case.case_type,
        "opened_on": case.opened_on.isoformat(),
        "version": case.version,
    }
    data.update(over)
    return data


def test_second_save_of_a_case_is_refused_and_input_kept(client, login, org, make_member, caseworker,
                                                        make_person, make_case):  # fmt: skip
    from django.test import Client

    person = make_person(caseworker)
    case = make_case(caseworker, person)
    lawyer = make_member(org, "lawyer")
    first, second = Client(), Client()
    login(caseworker, first)
    login(lawyer, second)
    form_a = _case_form(case, case_type="labour_rights")
    form_b = _case_form(case, case_type="legal_aid", exploitation_began_on="2024-03-01")
    assert first.post(f"/cases/{case.pk}/edit/", form_a).status_code == 302
    response = second.post(f"/cases/{case.pk}/edit/", form_b)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this record" in body
    assert 'value="2024-03-01"' in body  # what the second user typed is still in the form
    case.refresh_from_db()
    assert case.case_type == "labour_rights" and case.exploitation_began_on is None


def test_second_save_of_a_person_is_refused(client, login, caseworker, make_person):
    person = make_person(caseworker)
    login(caseworker)
    base = {"given_name": "Айгүл", "sex": "F", "version": person.version}
    assert (
        client.post(f"/people/{person.pk}/edit/", {**base, "family_name": "Осмонова"}).status_code
        == 302
    )
    r = client.post(f"/people/{person.pk}/edit/", {**base, "family_name": "Бакирова"})
    assert r.status_code == 409 and "Someone else saved this record" in r.content.decode()
    assert 'value="Бакирова"' in r.content.decode()
    person.refresh_from_db()
    assert person.family_name == "Осмонова"


def test_api_update_with_stale_version_is_refused(client, login, caseworker, make_person):
    person = make_person(caseworker)
    login(caseworker)
    url = f"/api/v1/people/{person.pk}/"
    ok = client.patch(url, {"district": "Nookat", "version": 1}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(url, {"district": "Uzgen", "version": 1}, content_type="application/json")
    assert stale.status_code == 400 and "version" in stale.json()
