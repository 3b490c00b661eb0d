"""Text that starts with "-", "+", "=" or "@" is ordinary text when it is typed or imported
(a list typed as "- brother missing"); only the exports neutralise it, where a spreadsheet
would run it as a formula."""

import csv
import io

import pytest
from openpyxl import load_workbook

from apps.hotline.models import Call
from apps.people.models import Person
from tests.test_register_import import do_import

LIST = "- brother missing\n- mother ill"


@pytest.fixture
def operator(org, make_member):
    return make_member(org, "operator")


def test_a_list_typed_in_a_call_summary_is_kept_as_typed(client, login, operator):
    login(operator)
    r = client.post(
        "/hotline/new/",
        {
            "channel": "phone",
            "direction": "incoming",
            "caller_category": "relative",
            "urgency": "urgent",
            "topics": ["missing_relative"],
            "summary": LIST,
            "answer": "+ told her about the consulate",
            "outcome": "information_given",
        },
    )
    assert r.status_code == 302
    call = Call.objects.get()
    assert call.summary == LIST and call.answer == "+ told her about the consulate"


def test_person_fields_starting_with_a_sign_are_kept(client, login, caseworker):
    login(caseworker)
    r = client.post(
        "/people/new/",
        {"given_name": "Бермет", "family_name": "Асанова", "sex": "F", "address": "- flat 5, Osh"},
    )
    assert r.status_code == 302
    person = Person.objects.get()
    assert person.address == "- flat 5, Osh"


def test_register_import_keeps_text_starting_with_a_sign(org, make_member):
    admin = make_member(org, "org_admin")
    do_import(
        admin,
        (
            "external_id,family_name,given_name,case_type,notes\n"
            'R-1,@Асанова,+Бермет,other,"- brother missing; - passport kept by the employer"\n'
        ).encode(),
    )
    person = Person.objects.get()
    assert (person.family_name, person.given_name) == ("@Асанова", "+Бермет")
    note = person.cases.get().notes.get()
    assert note.body == "- brother missing; - passport kept by the employer"


def test_exports_still_neutralise_what_a_spreadsheet_would_run(
    client, login, org, make_member, make_person
):
    admin = make_member(org, "org_admin")
    make_person(admin, given_name="=HYPERLINK(1)", family_name="- Асанова")
    login(admin)
    rows = list(
        csv.DictReader(io.StringIO(client.get("/people/export.csv").content.decode("utf-8-sig")))
    )
    assert rows[0]["given_name"] == "'=HYPERLINK(1)"
    assert rows[0]["family_name"] == "'- Асанова"
    sheet = load_workbook(io.BytesIO(client.get("/people/export.xlsx").content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "'=HYPERLINK(1)" in values and "=HYPERLINK(1)" not in values
    # The record itself keeps the text as typed.
    assert Person.objects.get().given_name == "=HYPERLINK(1)"
