"""The audit trail reads like the product: references as the pages show them, details
as phrases in the reader's language, filters by record and record type, and filters that
cannot be met answered with a message."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from apps.cases.models import Case, CaseStatus
from apps.cases.services import add_case_note, change_case_status, record_consent
from apps.core import audit
from apps.core.models import AuditEntry


@pytest.fixture
def auditor(org, make_member):
    return make_member(org, "auditor")


@pytest.fixture
def admin(org, make_member):
    return make_member(org, "org_admin")


def _rows(response) -> str:
    body = response.content.decode()
    return body[body.index("<tbody") : body.index("</tbody>")]


def test_records_appear_by_the_reference_the_pages_show(
    client, login, caseworker, auditor, make_person, make_case
):
    person = make_person(caseworker)
    case = make_case(caseworker, person)
    login(caseworker)
    client.get(f"/people/{person.pk}/")
    login(auditor)
    rows = _rows(client.get("/audit/"))
    assert person.code in rows and case.reference in rows  # P-000001, C-000001
    assert f"person {person.pk}" not in rows and f"case {case.pk}" not in rows


def test_a_reference_links_only_for_a_reader_who_may_open_the_record(
    client, login, caseworker, auditor, admin, make_person
):
    person = make_person(caseworker)
    link = f'<a href="/people/{person.pk}/">{person.code}</a>'
    login(admin)
    assert link in _rows(client.get("/audit/"))
    # The auditor sees who looked at what, never the records themselves.
    login(auditor)
    rows = _rows(client.get("/audit/"))
    assert person.code in rows and f'href="/people/{person.pk}/"' not in rows


def test_details_read_as_phrases_never_as_json(client, login, caseworker, auditor, make_person):
    first, second = make_person(caseworker), make_person(caseworker, given_name="Азамат")
    audit.shown(caseworker, [first, second], detail={"results": 2, "query": True})
    audit.record(
        "export",
        user=caseworker.user,
        organization=caseworker.organization,
        target_type="person",
        detail={"format": "csv", "count": 2, "via": "api", "from": "2026-01-31"},
    )
    login(auditor)
    rows = _rows(client.get("/audit/"))
    assert f'shown: <span title="person">{first.code}</span>, ' in rows
    assert f'<span title="person">{second.code}</span>' in rows
    assert "found by a name search" in rows and "results: 2" in rows
    assert "format: CSV" in rows and "number of records: 2" in rows
    assert "through: the API" in rows and "from: 2026-01-31" in rows
    assert "{" not in rows and "[" not in rows and "True" not in rows


def test_keys_the_trail_does_not_know_are_shown_plainly(client, login, caseworker, auditor):
    audit.record(
        "change",
        user=caseworker.user,
        organization=caseworker.organization,
        target_type="gadget",
        target_id="7",
        detail={"odd_setting": {"depth": 3}, "tags": ["a", "b"], "on": False},
    )
    login(auditor)
    rows = _rows(client.get("/audit/"))
    assert "odd setting: depth: 3" in rows and "tags: a, b" in rows and "on: no" in rows
    assert "gadget #7" in rows
    assert "{" not in rows and "[" not in rows


def test_actions_values_and_dates_come_in_the_readers_language(
    client, login, caseworker, auditor, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker))
    change_case_status(
        membership=caseworker, case=case, status=CaseStatus.ACTIVE, expected_version=case.version
    )
    auditor.user.language = "ru"
    auditor.user.save(update_fields=["language"])
    login(auditor)
    client.cookies["koldoo_language"] = "ru"
    rows = _rows(client.get("/audit/", {"action": "change"}))
    with translation.override("ru"):
        before, after = str(CaseStatus.OPEN.label), str(CaseStatus.ACTIVE.label)
        changed = str(AuditEntry.Action.CHANGE.label)
    assert after != "active"  # the catalogue has the status in Russian
    assert f"{before} → {after}" in rows and changed in rows
    assert "open → active" not in rows
    entry = AuditEntry.objects.filter(action="change").latest("id")
    assert entry.at.astimezone().strftime("%d.%m.%Y") in rows or entry.at.strftime(".%Y") in rows


def test_filter_by_a_person_reference_finds_every_entry_about_them(
    client, login, caseworker, auditor, make_person
):
    person, other = make_person(caseworker), make_person(caseworker, given_name="Азамат")
    login(caseworker)
    client.get(f"/people/{person.pk}/")
    client.get(f"/people/{other.pk}/")
    client.get("/people/")  # a list showing both
    record_consent(membership=caseworker, person=person, scope="referral")
    login(auditor)
    response = client.get("/audit/", {"record": person.code})
    entries = list(response.context["page"].object_list)
    about = {(e.action, e.target_type, e.target_id) for e in entries}
    assert ("create", "person", str(person.pk)) in about
    assert ("view", "person", str(person.pk)) in about
    assert ("search", "person", "") in about  # the list that showed them
    assert any(e.target_type == "consent" for e in entries)  # names them in its detail
    assert ("view", "person", str(other.pk)) not in about
    assert ("create", "person", str(other.pk)) not in about
    # Typed loosely, the same record.
    loose = client.get("/audit/", {"record": f" p{person.pk} "})
    assert {e.id for e in loose.context["page"].object_list} == {e.id for e in entries}


def test_filter_by_a_case_reference_finds_its_notes(
    client, login, caseworker, auditor, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker))
    other = make_case(caseworker, make_person(caseworker, given_name="Азамат"))
    note = add_case_note(membership=caseworker, case=case, body="Called the consulate")
    add_case_note(membership=caseworker, case=other, body="Another")
    login(auditor)
    entries = client.get("/audit/", {"record": case.reference}).context["page"].object_list
    assert {(e.target_type, e.target_id) for e in entries} == {
        ("case", str(case.pk)),
        ("casenote", str(note.pk)),
    }


def test_a_bare_number_with_a_record_type_finds_that_record(
    client, login, caseworker, auditor, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker))
    note = add_case_note(membership=caseworker, case=case, body="Called")
    login(auditor)
    entries = client.get("/audit/", {"target_type": "casenote", "record": str(note.pk)})
    assert [(e.target_type, e.target_id) for e in entries.context["page"].object_list] == [
        ("casenote", str(note.pk))
    ]


def test_record_types_offered_are_those_present_by_their_names(
    client, login, caseworker, auditor, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker))
    add_case_note(membership=caseworker, case=case, body="Called")
    login(auditor)
    form = client.get("/audit/").context["form"]
    choices = dict(form.fields["target_type"].choices)
    assert choices["casenote"] == "case note" and choices["person"] == "person"
    assert "referral" not in choices  # none recorded yet
    assert "task" not in choices


@pytest.mark.parametrize(
    "query, message",
    [
        ({"record": "X-000012"}, "is not a record reference"),
        ({"record": "P-99999999999999999999999999"}, "is not a record reference"),
        ({"record": "P-0"}, "No record has the number"),
        ({"record": "241"}, "Choose a record type"),
        ({"target_type": "person", "record": "²"}, "is not a record reference"),
        ({"target_type": "person", "record": "9" * 30}, "No record has the number"),
        ({"date_from": "31.02.2026"}, "Enter a valid date"),
        ({"date_from": "99999-01-01"}, "Enter a valid date"),
        ({"date_from": "2026-03-01", "date_to": "2026-01-01"}, "before its start"),
        ({"target_type": "spaceship"}, "Select a valid choice"),
        ({"action": "teleport"}, "Select a valid choice"),
    ],
)
def test_a_filter_that_cannot_be_met_is_answered_on_the_form(
    client, login, caseworker, auditor, make_person, query, message
):
    make_person(caseworker)
    login(auditor)
    response = client.get("/audit/", query)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and "cannot be applied" in body
    assert list(response.context["page"].object_list) == []


def test_a_page_number_beyond_the_end_shows_the_last_page(client, login, caseworker, auditor):
    login(auditor)
    assert client.get("/audit/", {"page": "999999"}).status_code == 200
    # Beyond any integer: the rule of every page (apps.core.middleware), a message.
    huge = client.get("/audit/", {"page": "9" * 40})
    assert huge.status_code == 400 and "too large" in huge.content.decode()


def test_another_organisations_entries_stay_hidden_even_by_reference(
    client, login, auditor, other_org, make_member, make_person
):
    theirs = make_member(other_org, "case_worker")
    stranger = make_person(theirs)
    login(theirs)
    client.get(f"/people/{stranger.pk}/")
    login(auditor)
    response = client.get("/audit/", {"record": stranger.code})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert "theirs" not in _rows(response) and stranger.code not in _rows(response)
    choices = dict(client.get("/audit/").context["form"].fields["target_type"].choices)
    assert "person" not in choices


def test_reading_a_filtered_trail_is_audited(client, login, caseworker, auditor, make_person):
    person = make_person(caseworker)
    login(auditor)
    client.get("/audit/", {"record": person.code})
    entry = AuditEntry.objects.filter(target_type="auditentry").latest("id")
    assert entry.actor == auditor.user and entry.action == "view" and entry.detail["shown"]


def test_references_of_a_full_page_cost_a_fixed_number_of_queries(
    client, login, caseworker, admin, make_person, make_case
):
    def queries_for_first_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/audit/").status_code == 200
        return len(captured)

    login(admin)
    make_case(caseworker, make_person(caseworker))
    queries_for_first_page()  # the session and the cached record types settle
    few = queries_for_first_page()
    for i in range(30):
        person = make_person(caseworker, given_name=f"Айгүл{i}")
        make_case(caseworker, person)
    assert AuditEntry.objects.count() > 50
    many = queries_for_first_page()
    assert Case.objects.count() == 31
    assert many == few
