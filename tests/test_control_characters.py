"""Invisible control characters (NUL, other C0 and C1 controls, bidirectional overrides
that disguise text) are refused wherever text comes in: every form, the API and the
imports, with a message naming the field, or the row and column."""

import io
import json

import pytest

from apps.core.input_limits import control_character
from apps.exchange.services import plan_import as plan_htcds_import
from apps.people.models import Person
from apps.people.register_import import plan_import

# NUL, bell, escape, DEL, a C1 control, right-to-left override, first strong isolate.
FORBIDDEN = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\u2068"]


@pytest.mark.parametrize("char", FORBIDDEN)
def test_every_forbidden_character_is_found(char):
    assert control_character(f"Асан{char}ова") == (5, f"U+{ord(char):04X}")


@pytest.mark.parametrize("text", ["Асанова", "line one\nline two\r\n\tindented", "Çağrı"])
def test_tab_newline_and_ordinary_letters_pass(text):
    assert control_character(text) is None


def test_person_form_refuses_a_disguised_name(client, org, make_member, login):
    login(make_member(org, "case_worker"))
    response = client.post(
        "/people/new/", {"given_name": "Айгүл\u202eавеабнөлөТ", "family_name": "Төлөнбаева"}
    )
    assert response.status_code in (200, 400)
    assert "invisible control character (U+202E" in response.content.decode()
    assert not Person.objects.exists()


def test_case_note_form_refuses_nul_but_keeps_newlines():
    from apps.cases.forms import NoteForm

    assert NoteForm({"body": "first\nsecond\tcolumn"}).is_valid()
    form = NoteForm({"body": "first\x00second"})
    assert not form.is_valid()
    assert "invisible control character" in form.errors["body"][0]


def test_sign_in_form_refuses_control_characters():
    from allauth.account.forms import LoginForm

    form = LoginForm({"login": "someone@example.org", "password": "secret\x1bpassword"})
    assert not form.is_valid()
    assert "invisible control character" in str(form.errors)


def test_api_refuses_control_characters_naming_the_field(client, org, make_member, login):
    login(make_member(org, "case_worker"))
    response = client.post(
        "/api/v1/people/",
        {"family_name": "Асанова", "given_name": "Бер\x07мет"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "invisible control character (U+0007" in response.json()["given_name"][0]
    assert not Person.objects.exists()


def test_register_import_names_row_and_column(org):
    data = ("family_name,given_name,notes\r\nАсанова,Бермет,\r\nИсаков,Нурл\u202dан,\r\n").encode()
    plan = plan_import(org, data, "register.csv")
    assert not plan.ok
    [error] = plan.report.errors
    assert (error.row, error.column) == (3, "given_name")
    assert "U+202D" in error.reason
    assert error.value == "Нурл[U+202D]ан"  # shown, not acted out, in the report


def test_htcds_import_names_row_and_field(org):
    records = [
        {"prs_FirstName": "Нурлан", "prs_SecondName": "Асанов"},
        {"prs_FirstName": "Айгүл", "prs_SecondName": "Төлөн\x00баева"},
    ]
    plan = plan_htcds_import(org, json.dumps(records).encode(), "cases.json")
    assert not plan.ok
    found = [e for e in plan.report.errors if "control character" in e.reason]
    assert [(e.row, e.column) for e in found] == [(2, "prs_SecondName")]


def test_htcds_import_page_shows_the_problem(client, org, make_member, login):
    login(make_member(org, "org_admin"))
    upload = io.BytesIO(json.dumps([{"prs_FirstName": "A\u202eB"}]).encode())
    upload.name = "cases.json"
    response = client.post("/exchange/import/", {"file": upload})
    assert response.status_code == 400
    assert "U+202E" in response.content.decode()
