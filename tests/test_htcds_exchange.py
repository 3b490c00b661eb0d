"""Case exchange in IOM's HTCDS v2 layout: export of a referral's consented fields, import
of HTCDS files (all cases or none), scoping, consent and audit."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from apps.cases.models import Case, CaseNote
from apps.cases.services import withdraw_consent
from apps.core.models import AuditEntry
from apps.exchange.services import apply_import, plan_import
from apps.people.models import Person
from apps.referrals import services as referral_services

PHONE = "+996 555 123 456"
NEEDS = "Нужен приют на три месяца"
# Shared with the referral; patronymic, address, document numbers, languages and the
# means of control are not.
SHARED = [
    "given_name",
    "family_name",
    "sex",
    "birth_date",
    "phones",
    "case_type",
    "exploitation",
    "countries_of_exploitation",
    "needs",
]


@pytest.fixture
def partner(make_org):
    return make_org("partner-htcds", type="international")


@pytest.fixture
def partner_admin(partner, make_member):
    return make_member(partner, "org_admin")


@pytest.fixture
def admin(org, make_member):
    return make_member(org, "org_admin")


@pytest.fixture
def person(caseworker, make_person):
    return make_person(
        caseworker,
        given_name="Айгүл",
        family_name="Төлөнбаева",
        patronymic="Асан кызы",
        sex="F",
        birth_date="1994-05-17",
        phones=[PHONE],
        document_numbers=["ID7654321"],
        address="ул. Секретная 7, Ош",
        languages=["ky", "ru"],
        citizenship="KG",
    )


@pytest.fixture
def case(caseworker, person, make_case):
    return make_case(
        caseworker,
        person,
        exploitation=["forced_labour", "debt_collateral"],
        countries_of_exploitation=["RU", "KZ"],
        means_of_control=["debt_bondage"],
        recruitment_channel="online_ad",
    )


def refer(caseworker, case, to, shared=SHARED, needs=NEEDS):
    return referral_services.create_referral(
        membership=caseworker,
        case=case,
        to_organization=to,
        services=["shelter"],
        shared_fields=shared,
        consent_valid_until=timezone.localdate() + datetime.timedelta(days=90),
        purpose="Размещение в приюте",
        needs=needs,
        confirm_unlisted=True,
    )


@pytest.fixture
def referral(caseworker, case, partner):
    return refer(caseworker, case, partner)


def download(client, referral, fmt):
    return client.get(f"/exchange/referrals/{referral.pk}/htcds.{fmt}")


def errors_of(plan):
    return {(e.row, e.column) for e in plan.report.errors}


def imported_person(org):
    return Person.objects.get(organization=org)


# --------------------------------------------------------------------------- export


def test_json_export_has_consented_fields_with_htcds_names_and_values(
    caseworker, referral, login, client
):
    login(caseworker)
    r = download(client, referral, "json")
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    body = r.content.decode()
    (record,) = json.loads(body)
    assert record["prs_FirstName"] == "Айгүл" and record["prs_SecondName"] == "Төлөнбаева"
    assert record["prs_Gender"] == "Feminine"
    assert record["prs_Birthdate"] == "1994-05-17"
    assert record["prs_MobilePhone"] == "996555123456"  # E.164, no "+" a spreadsheet would run
    # debt_collateral is HTCDS "Servitude": value names, not our codes.
    assert record["vic_TypeOfExploitation"] == ["ForcedLabour", "Servitude"]
    assert record["hte_Type"] == "Exploitation" and record["hte_Country"] == ["RU", "KZ"]
    assert record["cas_OutgoingReferralDetails"] == NEEDS
    assert record["cas_ReferredOrganisation"] == "Test partner-htcds"
    assert record["con_Consent"] is True
    # Not consented: absent from the file altogether.
    for name in ("prs_MiddleName", "prs_IdentityNumber", "prs_MailingStreet"):
        assert name not in record
    for name in ("prs_PrimaryLanguage", "prs_Citizenship", "vic_MethodsOfControl"):
        assert name not in record
    for secret in ("Асан кызы", "ID7654321", "Секретная", "DebtBondage", "kir"):
        assert secret not in body
    # Every key is an HTCDS v2 field name.
    assert all(k[:4] in ("prs_", "vic_", "cas_", "hte_", "con_") for k in record)


def test_export_is_audited_without_personal_data(caseworker, referral, login, client):
    login(caseworker)
    assert download(client, referral, "csv").status_code == 200
    entry = AuditEntry.objects.filter(action="export", target_type="referral").get()
    assert entry.target_id == str(referral.pk) and entry.actor_id == caseworker.user_id
    assert entry.detail["format"] == "htcds-csv"
    assert "prs_FirstName" in entry.detail["htcds_fields"]
    assert "Айгүл" not in json.dumps(entry.detail, ensure_ascii=False)


def test_csv_and_xlsx_have_htcds_headers_and_neutralise_formulas(
    caseworker, case, partner, login, client
):
    referral = refer(caseworker, case, partner, needs='=HYPERLINK("http://evil","x")')
    login(caseworker)
    text = download(client, referral, "csv").content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    assert header[:2] == ["prs_FirstName", "prs_SecondName"]
    cells = dict(zip(header, row, strict=True))
    assert cells["cas_OutgoingReferralDetails"].startswith("'=")
    assert cells["vic_TypeOfExploitation"] == "ForcedLabour;Servitude"
    r = download(client, referral, "xlsx")
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == header
    value = dict(zip(rows[0], rows[1], strict=True))["cas_OutgoingReferralDetails"]
    assert value.startswith("'=")  # text, not a formula cell


def test_partial_birth_date_is_left_out_not_invented(caseworker, make_person, make_case, partner,
                                                     login, client):  # fmt: skip
    person = make_person(caseworker, birth_date="1994-05")
    referral = refer(caseworker, make_case(caseworker, person), partner)
    login(caseworker)
    (record,) = download(client, referral, "json").json()
    assert "prs_Birthdate" not in record
    page = client.get(f"/exchange/referrals/{referral.pk}/").content.decode()
    assert "known only in part" in page and "prs_FirstName" in page
    assert "1994" not in page  # the page shows no value of the person


def test_withdrawn_consent_refuses_export(caseworker, referral, login, client, tmp_path):
    withdraw_consent(membership=caseworker, consent=referral.consent)
    login(caseworker)
    r = download(client, referral, "json")
    assert r.status_code == 403
    page = r.content.decode()
    assert "consent" in page and "Айгүл" not in page and "prs_FirstName" not in page
    assert client.get(f"/exchange/referrals/{referral.pk}/").status_code == 403
    out = tmp_path / "out.json"
    with pytest.raises(CommandError, match="consent"):
        call_command("export_htcds", referral=referral.pk, format="json", output=str(out))
    assert not out.exists()
    assert not AuditEntry.objects.filter(action="export").exists()


def test_cancelled_referral_refuses_export(caseworker, referral, login, client):
    referral_services.change_status(membership=caseworker, referral=referral, status="cancelled")
    login(caseworker)
    assert download(client, referral, "json").status_code == 403


def test_other_organisation_and_receiver_get_404(referral, other_org, partner_admin, make_member,
                                                 login, client):  # fmt: skip
    login(make_member(other_org, "org_admin"))
    assert download(client, referral, "json").status_code == 404
    assert client.get(f"/exchange/referrals/{referral.pk}/").status_code == 404
    # The receiving side reads the referral on its own page, never as an export.
    login(partner_admin)
    assert download(client, referral, "json").status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


@pytest.mark.parametrize("role", ["me_officer", "auditor", "national_coordinator", "monitor"])
def test_weaker_role_gets_403(referral, org, make_member, login, client, role):
    login(make_member(org, role))
    r = download(client, referral, "json")
    assert r.status_code == 403 and "Айгүл" not in r.content.decode()


# --------------------------------------------------------------------------- round trip


def assert_consented_fields_arrived(partner, case):
    person = imported_person(partner)
    assert (person.given_name, person.family_name) == ("Айгүл", "Төлөнбаева")
    assert (person.sex, person.birth_date, person.birth_year) == ("F", "1994-05-17", 1994)
    assert person.phones == ["+996555123456"]
    # Not consented: not there.
    assert person.patronymic == "" and person.address == ""
    assert person.document_numbers == [] and person.languages == []
    assert person.citizenship == ""
    imported = Case.objects.get(person=person)
    assert imported.organization_id == partner.pk and imported.case_type == "trafficking"
    assert imported.exploitation == case.exploitation
    assert imported.countries_of_exploitation == case.countries_of_exploitation
    assert imported.means_of_control == [] and imported.recruitment_channel == ""
    note = CaseNote.objects.get(case=imported)
    assert NEEDS in note.body and "Test home" in note.body


def test_round_trip_json_through_the_pages(caseworker, case, referral, partner, partner_admin,
                                           login, client):  # fmt: skip
    login(caseworker)
    body = download(client, referral, "json").content
    login(partner_admin)
    assert client.get("/exchange/import/").status_code == 200
    upload = io.BytesIO(body)
    upload.name = "case.json"
    r = client.post("/exchange/import/", {"action": "upload", "file": upload})
    assert r.status_code == 200
    assert not Person.objects.filter(organization=partner).exists()  # preview writes nothing
    token = r.context["token"]
    r = client.post("/exchange/import/", {"action": "confirm", "token": token})
    assert r.status_code == 302
    assert_consented_fields_arrived(partner, case)
    entry = AuditEntry.objects.get(action="import", organization=partner)
    assert entry.detail["people_created"] == 1 and entry.detail["format"] == "htcds-json"
    # The people and cases services wrote their own audit entries.
    assert AuditEntry.objects.filter(action="create", organization=partner, target_type="person")


def test_round_trip_csv_through_the_commands(case, referral, partner, partner_admin, tmp_path):
    out = tmp_path / "case.csv"
    call_command("export_htcds", referral=referral.pk, format="csv", output=str(out))
    stdout = io.StringIO()
    call_command("import_htcds", str(out), organization=partner.slug, dry_run=True, stdout=stdout)
    assert "Dry run" in stdout.getvalue() and "cases created: 1" in stdout.getvalue()
    assert not Person.objects.filter(organization=partner).exists()
    call_command("import_htcds", str(out), organization=partner.slug, stdout=io.StringIO())
    assert_consented_fields_arrived(partner, case)


def test_round_trip_xlsx(caseworker, case, referral, partner, partner_admin, login, client):
    login(caseworker)
    body = download(client, referral, "xlsx").content
    plan = plan_import(partner, body, "case.xlsx")
    assert plan.ok, plan.report.errors
    apply_import(partner_admin, plan)
    assert_consented_fields_arrived(partner, case)


# --------------------------------------------------------------------------- import


GOOD = {
    "prs_FirstName": "Нурлан",
    "prs_SecondName": "Асанов",
    "prs_Gender": "Masculine",
    "prs_Birthdate": "1990-02-03",
    "prs_Citizenship": ["KG"],
    "prs_PrimaryLanguage": "kir",
    "vic_TypeOfExploitation": ["ForcedLabour", "Surrogacy"],
    "vic_MethodsOfControl": ["WithholdsDocuments", "DebtBondage"],
    "vic_MethodOfRecruitment": ["ThroughOnlineSocialNetworks"],
    "hte_Type": "Exploitation",
    "hte_Country": "RU;TR",
    "prs_Email": "someone@example.org",
}


def test_import_maps_htcds_values_to_our_codes(partner, partner_admin):
    plan = plan_import(partner, json.dumps([GOOD]).encode(), "cases.json")
    assert plan.ok, plan.report.errors
    assert plan.left_out == {"prs_Email": 1}  # an HTCDS field Koldoo has no place for
    apply_import(partner_admin, plan)
    person = imported_person(partner)
    assert (person.sex, person.citizenship, person.languages) == ("M", "KG", ["ky"])
    case = Case.objects.get(person=person)
    # Surrogacy has no Koldoo counterpart: it becomes our "other", never a refusal.
    assert case.exploitation == ["forced_labour", "other"]
    assert case.means_of_control == ["document_retention", "debt_bondage"]
    assert case.recruitment_channel == "online_ad"
    assert case.countries_of_exploitation == ["RU", "TR"]


def test_bad_file_writes_nothing_and_names_row_and_field(partner, partner_admin):
    records = [
        GOOD,
        {**GOOD, "vic_TypeOfExploitation": ["ForcedDancing"]},
        {**GOOD, "prs_Birthdate": "1990-13-01"},
        {k: v for k, v in GOOD.items() if k != "prs_FirstName"},
        {**GOOD, "prs_SecondName": "x" * 1000},
        {**GOOD, "favourite_colour": "blue"},
        {**GOOD, "con_Consent": False},
    ]
    with translation.override("ru"):
        plan = plan_import(partner, json.dumps(records).encode(), "cases.json")
    assert not plan.ok
    assert errors_of(plan) == {
        (2, "vic_TypeOfExploitation"),
        (3, "prs_Birthdate"),
        (4, "prs_FirstName"),
        (5, "prs_SecondName"),
        (6, "favourite_colour"),
        (7, "con_Consent"),
    }
    by_row = {e.row: e for e in plan.report.errors}
    assert by_row[2].value == "ForcedDancing" and "ForcedLabour" in by_row[2].reason
    assert by_row[3].reason == "Месяц должен быть в диапазоне от 01 до 12."  # user's language
    with pytest.raises(ValueError):
        apply_import(partner_admin, plan)
    assert not Person.objects.filter(organization=partner).exists()
    assert not Case.objects.filter(organization=partner).exists()


def test_bad_csv_refused_by_the_command_and_the_page(partner, partner_admin, tmp_path, login,
                                                     client):  # fmt: skip
    path = tmp_path / "bad.csv"
    path.write_text(
        "prs_FirstName,prs_Birthdate,prs_MobilePhone\r\n"
        "Айгүл,1994-05-17,+996 555 123 456\r\n"
        "Нурлан,03.02.1990,\r\n"
        "Бакыт,,not a phone\r\n",
        encoding="utf-8",
    )
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_htcds", str(path), organization=partner.slug, stderr=stderr)
    assert "3\tprs_Birthdate\t03.02.1990" in stderr.getvalue()
    assert "4\tprs_MobilePhone" in stderr.getvalue()
    assert not Person.objects.exists()
    login(partner_admin)
    upload = io.BytesIO(path.read_bytes())
    upload.name = "bad.csv"
    r = client.post("/exchange/import/", {"action": "upload", "file": upload})
    assert r.status_code == 400
    page = r.content.decode()
    assert "prs_Birthdate" in page and "03.02.1990" in page and 'name="token"' not in page
    assert not Person.objects.exists()


def test_iom_excel_template_layout_is_read(partner, partner_admin):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([None, "cas_CaseOwner", "prs_FirstName", "prs_SecondName", "prs_Birthdate"])
    sheet.append([None, "Case Owner", "First Name", "Second Name", "Birthdate"])
    sheet.append([1, None, "Айжан", "Маматова", datetime.datetime(1999, 4, 2)])
    out = io.BytesIO()
    workbook.save(out)
    plan = plan_import(partner, out.getvalue(), "template.xlsx")
    assert plan.ok, plan.report.errors
    assert [p.row for p in plan.rows] == [3]
    apply_import(partner_admin, plan)
    assert imported_person(partner).birth_date == "1999-04-02"


def test_import_page_needs_the_import_permission(partner, make_member, login, client):
    login(make_member(partner, "case_worker"))
    assert client.get("/exchange/import/").status_code == 403
    upload = io.BytesIO(json.dumps([GOOD]).encode())
    upload.name = "cases.json"
    r = client.post("/exchange/import/", {"action": "upload", "file": upload})
    assert r.status_code == 403
    assert not Person.objects.exists()


def test_confirm_with_another_sessions_token_writes_nothing(partner_admin, login, client):
    login(partner_admin)
    r = client.post("/exchange/import/", {"action": "confirm", "token": "a" * 40})
    assert r.status_code == 302
    assert not Person.objects.exists()


def test_citizenship_recruitment_and_control_travel_when_consented(
    caseworker, case, partner, partner_admin, login, client
):
    shared = SHARED + ["citizenship", "recruitment_channel", "means_of_control"]
    referral = refer(caseworker, case, partner, shared=shared)
    login(caseworker)
    body = download(client, referral, "json").content
    plan = plan_import(partner, body, "case.json")
    assert plan.ok, plan.report.errors
    apply_import(partner_admin, plan)
    person = imported_person(partner)
    imported = Case.objects.get(person=person)
    assert person.citizenship == "KG"
    assert imported.means_of_control == ["debt_bondage"]
    # HTCDS's recruitment methods are coarser than Koldoo's channels: an online
    # advertisement comes back as one.
    assert imported.recruitment_channel == "online_ad"


def test_receiver_sees_the_new_consented_fields_with_labels(caseworker, case, partner):
    from apps.referrals.selectors import shared_rows, shared_view

    referral = refer(caseworker, case, partner, shared=["citizenship", "means_of_control"])
    rows = dict(shared_rows(referral, shared_view(referral)))
    assert rows == {"citizenship": "Kyrgyzstan", "means of control": "Debt bondage"}
