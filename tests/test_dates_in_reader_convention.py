"""Dates and times in the reader's convention: 07.03.2025 and 14:30 in Kyrgyz and Russian,
ISO (2025-03-07 14:30) in English; date fields take what people type that way, ISO
always, and show the value back the same way."""

import datetime
import io
import zoneinfo

import pytest
from django.utils import translation

from apps.cases.models import CaseNote, Task

OPENED = datetime.date(2025, 3, 7)
BISHKEK = zoneinfo.ZoneInfo("Asia/Bishkek")


@pytest.fixture
def case(caseworker, make_person, make_case):
    person = make_person(caseworker, birth_date="1994-05-17", sex="F")
    return make_case(caseworker, person, opened_on=OPENED)


def _speaking(membership, language):
    membership.user.language = language
    membership.user.save(update_fields=["language"])
    return membership


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_case_page_shows_day_first_dates_and_24_hour_times(
    client, login, caseworker, case, language
):
    note = CaseNote.objects.create(case=case, author=caseworker.user, body="Met at the office")
    CaseNote.objects.filter(pk=note.pk).update(
        created_at=datetime.datetime(2025, 3, 8, 14, 30, tzinfo=BISHKEK)
    )
    login(_speaking(caseworker, language))
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "07.03.2025" in page
    assert "08.03.2025 14:30" in page
    assert "2025-03-07" not in page and "p.m." not in page


def test_english_keeps_iso_dates(client, login, caseworker, case):
    login(_speaking(caseworker, "en"))
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "2025-03-07" in page and "07.03.2025" not in page


@pytest.mark.parametrize(
    ("language", "typed"),
    [("ky", "15.01.2030"), ("ru", "15.01.2030"), ("ru", "2030-01-15"), ("en", "15.01.2030"),
     ("en", "2030-01-15")],
)  # fmt: skip
def test_date_field_accepts_day_first_and_iso(client, login, caseworker, case, language, typed):
    login(_speaking(caseworker, language))
    r = client.post(f"/cases/{case.pk}/tasks/", {"title": "Call the consulate", "due_on": typed})
    assert r.status_code == 302
    assert Task.objects.get(case=case).due_on == datetime.date(2030, 1, 15)


def test_date_field_refuses_a_month_first_date(client, login, caseworker, case):
    login(_speaking(caseworker, "ru"))
    r = client.post(f"/cases/{case.pk}/tasks/", {"title": "Call", "due_on": "01/15/2030"})
    assert r.status_code == 400
    assert not Task.objects.filter(case=case).exists()


@pytest.mark.parametrize(("language", "shown"), [("ky", "07.03.2025"), ("en", "2025-03-07")])
def test_date_field_shows_its_value_in_the_readers_convention(
    client, login, caseworker, case, language, shown
):
    login(_speaking(caseworker, language))
    form = client.get(f"/cases/{case.pk}/edit/").content.decode()
    assert f'name="opened_on" value="{shown}"' in form
    # A text box, not the browser's picker, which would follow the browser's locale.
    assert 'type="date"' not in form


def test_a_form_sent_back_as_shown_keeps_the_date(client, login, caseworker, case):
    login(_speaking(caseworker, "ky"))
    r = client.post(
        f"/cases/{case.pk}/edit/",
        {"case_type": "trafficking", "opened_on": "07.03.2025", "version": case.version},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.opened_on == OPENED


def test_partial_birth_dates_show_and_read_back_day_first(client, login, caseworker, case):
    person = case.person
    login(_speaking(caseworker, "ru"))
    assert "17.05.1994" in client.get(f"/people/{person.pk}/").content.decode()
    edit = client.get(f"/people/{person.pk}/edit/").content.decode()
    assert 'value="17.05.1994"' in edit

    from apps.people.forms import PersonForm

    for typed, stored in [("05.1994", "1994-05"), ("17.05.1994", "1994-05-17"),
                          ("1994-05", "1994-05"), ("1994", "1994")]:  # fmt: skip
        form = PersonForm({"given_name": "A", "sex": "F", "birth_date": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["birth_date"] == stored

    person.birth_date, person.birth_year = "1994-05", 1994
    person.save()
    assert "05.1994" in client.get(f"/people/{person.pk}/").content.decode()


def test_referral_form_pdf_prints_the_date_day_first(caseworker, case, monkeypatch):
    from apps.referrals import pdf, services
    from apps.referrals.models import DirectoryEntry

    printed = []
    real = pdf.Paragraph
    monkeypatch.setattr(
        pdf, "Paragraph", lambda text, style: printed.append(text) or real(text, style)
    )  # noqa: E501
    entry = DirectoryEntry.objects.create(name="Sezim", regions=["bishkek"])
    referral = services.create_referral(
        membership=caseworker,
        case=case,
        to_entry=entry,
        services=["shelter"],
        shared_fields=["sex"],
        consent_valid_until=datetime.date(2099, 1, 31),
        confirm_unlisted=True,
    )
    pdf.referral_form_pdf(referral, [], "ru")
    text = "\n".join(printed)
    assert "31.01.2099" in text and "2099-01-31" not in text
    sent = referral.sent_at.astimezone(BISHKEK).strftime("%d.%m.%Y")
    assert sent in text


def test_statistics_pdf_and_xlsx_headers_in_the_readers_convention(
    client, login, org, make_member, monkeypatch
):
    from openpyxl import load_workbook

    from apps.statistics import pdf

    admin = make_member(org, "org_admin")
    login(admin)
    printed = []
    real = pdf.Paragraph
    monkeypatch.setattr(
        pdf, "Paragraph", lambda text, style: printed.append(text) or real(text, style)
    )  # noqa: E501
    query = {"period": "year", "year": "2025"}
    r = client.get("/statistics/download.pdf", {**query, "lang": "ky"})
    assert r.status_code == 200
    assert any("01.01.2025" in t and "31.12.2025" in t for t in printed)

    r = client.get("/statistics/download.xlsx", {**query, "lang": "ru"})
    book = load_workbook(io.BytesIO(r.content))
    first = book.worksheets[0].cell(row=1, column=1).value
    assert first == "01.01.2025 – 31.12.2025"


def test_hotline_export_keeps_iso_in_data_cells(client, login, org, make_member):
    # Data cells are for machines: ISO whatever the language; headers are translated.
    import csv

    admin = make_member(org, "org_admin")
    login(_speaking(admin, "ru"))
    r = client.get("/hotline/statistics/export.csv", {"from": "2025-01-01", "to": "2025-01-31"})
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert "2025-01-01" in cells and "01.01.2025" not in cells
    with translation.override("ru"):
        from django.utils.translation import gettext

        assert gettext("Hotline statistics") in cells
