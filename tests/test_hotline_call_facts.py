"""What the caller said reaches the case: destination country, the agency checked, the
people the caller speaks for; and earlier calls from the same number are recognised."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.hotline.models import Call, ContactPerson
from apps.hotline.services import open_case_from_call, save_call

MOTHER = "Гүлнара Асанова"
MOTHER_PHONE = "0555 123 456"


@pytest.fixture
def operator(org, make_member):
    return make_member(org, "operator")


@pytest.fixture
def agency(operator):
    from apps.monitoring.services import save_agency

    return save_agency(
        membership=operator,
        data={
            "name": "Jumush Plus Test",
            "licence_number": "TST-0909",
            "licence_status": "revoked",
            "countries": ["RU"],
        },
    )


def _form(**over):
    data = {
        "channel": "phone",
        "direction": "incoming",
        "caller_category": "relative",
        "urgency": "urgent",
        "topics": ["missing_relative"],
        "caller_name": MOTHER,
        "caller_phone": MOTHER_PHONE,
        "summary": "Son left for Moscow through an agency and stopped calling",
        "outcome": "follow_up",
        "follow_up_due": timezone.localdate().isoformat(),
    }
    data.update(over)
    return data


def _logged(membership, **over):
    data = {
        "caller_category": "relative",
        "topics": ["missing_relative"],
        "outcome": "follow_up",
        "follow_up_due": timezone.localdate(),
        "caller_name": MOTHER,
        "caller_phone": MOTHER_PHONE,
    }
    data.update(over)
    return save_call(membership=membership, data=data, finish=True)


def _stored_phone_column(call_id) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT caller_phone FROM hotline_call WHERE id = %s", [call_id])
        return cur.fetchone()[0]


# Destination country and agency ---------------------------------------------------------


def test_destination_country_and_agency_are_kept_with_the_call(client, login, operator, agency):
    login(operator)
    r = client.post("/hotline/new/", _form(destination_country="RU", agency=agency.pk))
    assert r.status_code == 302, r.content.decode()[:2000]
    call = Call.objects.get()
    assert call.destination_country == "RU" and call.agency == agency
    page = client.get(f"/hotline/{call.pk}/").content.decode()
    assert "Russia" in page and "Jumush Plus Test" in page and "revoked" in page


def test_agency_lookup_offers_each_agency_as_a_choice_of_the_call(client, login, operator, agency):
    login(operator)
    body = client.get("/hotline/agency-lookup/", {"q": "Жумуш"}).content.decode()
    assert f'name="agency" value="{agency.pk}" form="intake-form"' in body


def test_agency_outside_the_register_is_refused(operator, agency):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _logged(operator, agency=agency.pk + 1000)


def test_reopened_intake_shows_the_chosen_agency_checked(client, login, operator, agency):
    call = save_call(membership=operator, data={"agency": agency, "topics": ["other"]})
    login(operator)
    body = client.get(f"/hotline/{call.pk}/edit/").content.decode()
    assert f'name="agency" value="{agency.pk}" checked' in body


def test_case_from_call_gets_country_of_exploitation_and_agency(client, login, operator, agency):
    call = _logged(operator, destination_country="RU", agency=agency)
    login(operator)
    r = client.post(
        f"/hotline/{call.pk}/open-case/",
        {"given_name": "Бакыт", "family_name": "Асанов", "sex": "M", "case_type": "trafficking"},
    )
    assert r.status_code == 302
    call.refresh_from_db()
    assert call.case.countries_of_exploitation == ["RU"]
    page = client.get(f"/cases/{call.case_id}/").content.decode()
    assert "Jumush Plus Test" in page and call.reference in page


def test_case_page_shows_the_agency_to_a_lawyer_without_the_register_link(
    client, login, operator, agency, make_member, org
):
    call = _logged(operator, agency=agency)
    case = open_case_from_call(membership=operator, call=call, person_data={"given_name": "Б"})
    lawyer = make_member(org, "lawyer")
    login(lawyer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Jumush Plus Test" in page
    assert f"/agencies/{agency.pk}/" not in page


# Contact persons ---------------------------------------------------------------------


def test_open_case_form_proposes_the_calling_mother_as_contact_person(client, login, operator):
    call = _logged(operator)
    login(operator)
    body = client.get(f"/hotline/{call.pk}/open-case/").content.decode()
    assert MOTHER in body and MOTHER_PHONE in body and "contacts-TOTAL_FORMS" in body


def _open_with_mother(client, call):
    return client.post(
        f"/hotline/{call.pk}/open-case/",
        {
            "given_name": "Бакыт",
            "family_name": "Асанов",
            "sex": "M",
            "case_type": "trafficking",
            "contacts-TOTAL_FORMS": "2",
            "contacts-INITIAL_FORMS": "0",
            "contacts-0-name": MOTHER,
            "contacts-0-relation": "mother",
            "contacts-0-phone": MOTHER_PHONE,
            "contacts-1-name": "",
            "contacts-1-relation": "",
            "contacts-1-phone": "",
        },
    )


def test_mother_is_recorded_as_contact_person_of_the_case(client, login, operator):
    call = _logged(operator)
    login(operator)
    r = _open_with_mother(client, call)
    assert r.status_code == 302
    call.refresh_from_db()
    contact = ContactPerson.objects.get()
    assert (contact.case, contact.call, contact.name) == (call.case, call, MOTHER)
    assert contact.relation == "mother" and contact.phone == MOTHER_PHONE
    created = AuditEntry.objects.get(action="create", target_type="contactperson")
    assert created.detail["case"] == call.case_id
    assert MOTHER not in str(created.detail) and "555" not in str(created.detail)


def test_contact_person_without_relation_is_refused_and_nothing_is_written(client, login, operator):
    call = _logged(operator)
    login(operator)
    data = {
        "given_name": "Бакыт",
        "sex": "M",
        "case_type": "trafficking",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": MOTHER,
        "contacts-0-relation": "",
    }
    r = client.post(f"/hotline/{call.pk}/open-case/", data)
    assert r.status_code == 200
    assert "Say how each contact person is related to the person." in r.content.decode()
    call.refresh_from_db()
    assert call.case_id is None and not ContactPerson.objects.exists()


def test_case_page_shows_contact_persons_and_audits_it(client, login, operator, caseworker):
    call = _logged(operator)
    login(operator)
    _open_with_mother(client, call)
    call.refresh_from_db()
    login(caseworker)
    page = client.get(f"/cases/{call.case_id}/").content.decode()
    assert MOTHER in page and MOTHER_PHONE in page and "mother" in page
    contact = ContactPerson.objects.get()
    shown = AuditEntry.objects.filter(
        action="view", target_type="contactperson", actor=caseworker.user
    ).get()
    assert shown.detail["shown"] == [contact.pk]


def test_other_organisation_never_sees_the_contact_persons(
    client, login, operator, other_org, make_member
):
    call = _logged(operator)
    login(operator)
    _open_with_mother(client, call)
    call.refresh_from_db()
    stranger = make_member(other_org, "case_worker")
    login(stranger)
    assert client.get(f"/cases/{call.case_id}/").status_code == 404
    from apps.hotline.selectors import call_facts_of_case

    assert call_facts_of_case(stranger, call.case)["contact_persons"] == []


def test_contact_persons_via_the_api(client, login, operator):
    call = _logged(operator)
    login(operator)
    r = client.post(
        f"/api/v1/calls/{call.pk}/open-case/",
        {
            "given_name": "Бакыт",
            "case_type": "trafficking",
            "contact_persons": [{"name": MOTHER, "relation": "mother", "phone": MOTHER_PHONE}],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert ContactPerson.objects.get().name == MOTHER


# Earlier calls from the same number -------------------------------------------------------


def test_phone_is_indexed_never_stored_in_clear(operator):
    call = _logged(operator)
    assert call.caller_phone_key is not None
    stored = _stored_phone_column(call.pk)
    assert "555" not in stored and "123" not in stored
    again = _logged(operator, caller_phone="+996 555 123456")
    assert again.caller_phone_key == call.caller_phone_key


def test_operator_sees_earlier_calls_from_the_same_number(client, login, operator):
    first = _logged(operator, started_at=timezone.now() - timedelta(days=20), outcome="referred")
    _logged(operator, caller_phone="0700 999 888")
    login(operator)
    # Typed differently this time: the country code and no spaces.
    r = client.post("/hotline/earlier-calls/", {"caller_phone": "+996555123456"})
    assert r.status_code == 200
    body = r.content.decode()
    assert first.reference in body and f"/hotline/{first.pk}/" in body
    assert "referred to another service" in body
    assert body.count("<li>") == 1
    # The look-up of calls (the people with the number are a look-up of their own).
    entry = AuditEntry.objects.filter(action="search", target_type="call").latest("id")
    assert entry.detail["shown"] == [first.pk] and entry.detail["results"] == 1
    assert "555" not in str(entry.detail)


def test_look_up_without_earlier_calls_is_audited_too(client, login, operator):
    login(operator)
    body = client.post("/hotline/earlier-calls/", {"caller_phone": "0777 000 111"}).content
    assert "No earlier calls from this number." in body.decode()
    assert AuditEntry.objects.filter(action="search", detail__results=0).exists()


def test_earlier_calls_of_another_organisation_are_not_shown(
    client, login, operator, other_org, make_member
):
    ours = _logged(operator)
    stranger = make_member(other_org, "operator")
    login(stranger)
    body = client.post("/hotline/earlier-calls/", {"caller_phone": MOTHER_PHONE}).content.decode()
    assert "No earlier calls from this number." in body and ours.reference not in body
    # The same number in two organisations gives unrelated keys.
    assert _logged(stranger).caller_phone_key != ours.caller_phone_key


def test_earlier_calls_look_up_is_post_only(client, login, operator):
    login(operator)
    assert client.get("/hotline/earlier-calls/", {"caller_phone": MOTHER_PHONE}).status_code == 405


def test_intake_phone_field_asks_for_earlier_calls(client, login, operator):
    login(operator)
    body = client.get("/hotline/new/").content.decode()
    assert 'hx-post="/hotline/earlier-calls/"' in body and 'id="earlier-calls"' in body


def test_reopened_draft_lists_earlier_calls_of_its_number(client, login, operator):
    earlier = _logged(operator)
    draft = save_call(membership=operator, data={"caller_phone": "+996555123456"})
    login(operator)
    body = client.get(f"/hotline/{draft.pk}/edit/").content.decode()
    assert earlier.reference in body


def test_data_migration_indexes_existing_calls_and_back(operator):
    import importlib

    from django.apps import apps as global_apps

    call = _logged(operator)
    Call.objects.filter(pk=call.pk).update(caller_phone_key=None)
    module = importlib.import_module("apps.hotline.migrations.0004_index_callers_phones")
    module.index_phones(global_apps, None)
    call.refresh_from_db()
    assert call.caller_phone_key is not None
    module.forget_phone_index(global_apps, None)
    call.refresh_from_db()
    assert call.caller_phone_key is None


def test_index_key_rotation_rebuilds_the_phone_index(operator, settings):
    from dataclasses import replace

    from apps.core.crypto import reset_ciphers
    from apps.operations.key_rotation import rebuild_blind_indexes

    call = _logged(operator)
    old_key = call.caller_phone_key
    settings.KEYRING = replace(settings.KEYRING, index_key=b"another index key of 32 bytes..")
    reset_ciphers()
    try:
        rebuild_blind_indexes()
        call.refresh_from_db()
        assert call.caller_phone_key not in (None, old_key)
        assert _logged(operator).caller_phone_key == call.caller_phone_key
    finally:
        reset_ciphers()
