"""Importing a register from CSV or XLSX: all rows or none, with a report per cell."""

import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.cases.models import Case, CaseNote
from apps.core.models import AuditEntry
from apps.people import register_import
from apps.people.models import Person, PersonNameKey
from apps.people.register_import import apply_import, plan_import
from apps.people.selectors import search_people
from apps.people.services import NameKeyHasher, name_key_hashes


def by_number(number, organization=None):
    """The person holding a register number: the number is encrypted at rest, so it is
    found the way the import finds it, by its blind index."""
    from apps.people.selectors import person_with_register_number

    if organization is None:
        organization = Person.objects.first().organization
    person = person_with_register_number(organization.pk, number)
    assert person is not None, number
    return person


HEADER = (
    "external_id,family_name,given_name,patronymic,sex,birth_date,citizenship,region,phone,"
    "document_number,case_type,opened_on,exploitation,country_of_exploitation,status,notes"
)
GOOD_ROWS = [
    "R-1,Төлөнбаева,Айгүл,Асан кызы,F,1994-05-17,KG,osh,+996 700 123456,ID1234567,"
    "trafficking,2024-03-01,forced_labour;debt_collateral,RU,open,Met at the airport",
    "R-2,Jeenbekov,Chyngyz,,M,1988,KG,naryn,,,labour_rights,2024-02-10,,KZ,closed,",
    "R-3,Иванова,Анна,Сергеевна,,1990-07,RU,bishkek,,,,,,,,",
]


def csv_bytes(*rows, header=HEADER, bom=False, encoding="utf-8"):
    text = "\r\n".join([header, *rows]) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode(encoding)


@pytest.fixture
def admin(org, make_member):
    return make_member(org, "org_admin")


def errors_of(plan):
    return [(e.row, e.column, e.reason) for e in plan.report.errors]


def do_import(admin, data, name="register.csv"):
    plan = plan_import(admin.organization, data, name)
    assert plan.ok, errors_of(plan)
    return apply_import(admin, plan)


# --------------------------------------------------------------------------- good files


def test_good_csv_creates_people_cases_and_notes(admin):
    report = do_import(admin, csv_bytes(*GOOD_ROWS))
    assert (report.people_created, report.cases_created, report.notes_added) == (3, 2, 1)
    aigul = by_number("R-1", admin.organization)
    assert aigul.given_name == "Айгүл" and aigul.patronymic == "Асан кызы"
    assert (aigul.sex, aigul.birth_date, aigul.birth_year) == ("F", "1994-05-17", 1994)
    assert aigul.phones == ["+996 700 123456"] and aigul.document_numbers == ["ID1234567"]
    assert (aigul.citizenship, aigul.region, aigul.created_by) == ("KG", "osh", admin.user)
    case = Case.objects.get(person=aigul)
    assert case.case_type == "trafficking" and str(case.opened_on) == "2024-03-01"
    assert case.exploitation == ["forced_labour", "debt_collateral"]
    assert case.countries_of_exploitation == ["RU"] and case.status == "open"
    assert CaseNote.objects.get(case=case).body == "Met at the airport"
    anna = by_number("R-3")
    assert anna.sex == "U" and not Case.objects.filter(person=anna).exists()


def test_imported_people_are_searchable_in_any_script(admin):
    do_import(admin, csv_bytes(*GOOD_ROWS))
    aigul = by_number("R-1")
    assert search_people(admin, "Aigul Tolonbaeva")[0] == aigul
    assert search_people(admin, "Чыңгыз Жээнбеков")[0].external_id == "R-2"


def test_name_keys_equal_those_of_a_person_registered_by_hand(admin):
    do_import(admin, csv_bytes(*GOOD_ROWS))
    for person in Person.objects.all():
        stored = set(PersonNameKey.objects.filter(person=person).values_list("key", flat=True))
        assert stored == name_key_hashes(person)


def test_imported_name_keys_carry_the_shape_search_ranks_by(admin):
    # The import's fast writer and the one writer of services give the same rows:
    # the token count and spelling beside each key, so imported people rank like others.
    from apps.people.services import name_key_entries

    do_import(admin, csv_bytes(*GOOD_ROWS))
    for person in Person.objects.all():
        stored = {
            key: (tokens, spelling)
            for key, tokens, spelling in PersonNameKey.objects.filter(person=person).values_list(
                "key", "tokens", "spelling"
            )
        }
        assert stored == name_key_entries(person)


def reference_entries(organization_id, *names):
    """The name-index rule written out plainly, one blind_hash per key: what the cached
    NameKeyHasher (used by name_key_entries and the import alike) must reproduce."""
    from itertools import combinations

    from apps.core.crypto import blind_hash, organization_index_key
    from apps.people.name_keys import name_tokens, stored_keys
    from apps.people.name_shape import spelling_hash, written_forms

    org_key = organization_index_key(organization_id)
    entries = {}
    for parts in names:
        tokens, written = name_tokens(*parts), written_forms(*parts)
        spellings = {}
        for a, b in combinations(tokens, 2):
            pair = "|".join(sorted((written.get(a, a), written.get(b, b))))
            for k in stored_keys([a, b]):
                if k.startswith("p:"):
                    spellings.setdefault(k, pair)
        for a in tokens:
            for k in stored_keys([a]):
                spellings.setdefault(k, written.get(a, a))
        for k in stored_keys(tokens):
            entries.setdefault(
                blind_hash(org_key, k), (len(tokens), spelling_hash(org_key, spellings[k]))
            )
    return entries


def test_fast_hasher_matches_the_plain_rule_on_many_names(org):
    from apps.people.demo_names import make_name, spelled
    from apps.people.services import name_key_entries

    rng = random.Random(11)
    hasher = NameKeyHasher(org.pk)
    for _ in range(300):
        name = spelled(make_name(rng), rng)
        aliases = [spelled(make_name(rng), rng)["given_name"]] if rng.random() < 0.3 else []
        person = Person(
            organization_id=org.pk,
            other_names=aliases,
            **{k: v for k, v in name.items() if k != "sex"},
        )
        parts = (name["family_name"], name["given_name"], name["patronymic"])
        expected = reference_entries(org.pk, parts, *[(a,) for a in aliases])
        assert name_key_entries(person) == expected
        if not aliases:
            assert hasher.entries(*parts) == expected
            assert hasher.hashes(*parts) == set(expected) == name_key_hashes(person)
    assert hasher.hashes("", "", "") == set() == name_key_hashes(Person(organization_id=org.pk))


def test_many_batches_keep_people_cases_and_notes_together(admin, monkeypatch):
    # Small batches: ids of people, cases and notes must line up across batches.
    monkeypatch.setattr(register_import, "BATCH_SIZE", 2)
    rows = [
        f"B-{i},Фамилия{i},Имя{i},,,,,,,,"
        + (f"legal_aid,2024-01-{i + 1:02d},,,,note {i}" if i % 3 else ",,,,,")
        for i in range(7)
    ]
    report = do_import(admin, csv_bytes(*rows))
    assert (report.people_created, report.cases_created, report.notes_added) == (7, 4, 4)
    for i in range(7):
        person = by_number(f"B-{i}")
        assert person.given_name == f"Имя{i}"
        cases = list(Case.objects.filter(person=person))
        if i % 3:
            assert [str(c.opened_on) for c in cases] == [f"2024-01-{i + 1:02d}"]
            assert cases[0].notes.get().body == f"note {i}"
        else:
            assert cases == []
        stored = set(PersonNameKey.objects.filter(person=person).values_list("key", flat=True))
        assert stored == name_key_hashes(person)


def name_index_exists():
    with connection.cursor() as cur:
        constraints = connection.introspection.get_constraints(cur, "people_personnamekey")
    return "person_name_key_idx" in constraints


def test_name_index_is_rebuilt_after_a_large_import(admin, monkeypatch):
    monkeypatch.setattr(register_import._name_index_deferred, "MIN_PEOPLE", 1)
    do_import(admin, csv_bytes(*GOOD_ROWS))
    assert name_index_exists()
    assert search_people(admin, "Aigul Tolonbaeva")[0].external_id == "R-1"


def test_a_failed_write_leaves_nothing_and_keeps_the_name_index(admin, monkeypatch):
    monkeypatch.setattr(register_import._name_index_deferred, "MIN_PEOPLE", 1)

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(register_import, "_copy_history", broken)
    plan = plan_import(admin.organization, csv_bytes(*GOOD_ROWS), "r.csv")
    with pytest.raises(RuntimeError):
        apply_import(admin, plan)
    assert not Person.objects.exists() and not AuditEntry.objects.filter(action="import")
    assert name_index_exists()


@pytest.mark.parametrize("failing", ["preparing the last row", "writing the last batch"])
def test_a_failure_at_the_last_of_300_rows_writes_nothing(admin, monkeypatch, failing):
    # The write path streams name keys ahead of the people on PostgreSQL and writes in
    # batches: a failure at the very end must still leave no person, key, case or note.
    monkeypatch.setattr(register_import, "BATCH_SIZE", 40)
    rows = [
        f"B-{i},Фамилия{i},Имя{i},,,,,,+996 700 {i:06d},ID{i:07d},"
        + (f"legal_aid,2024-01-01,,,,note {i}" if i % 2 else ",,,,,")
        for i in range(300)
    ]
    plan = plan_import(admin.organization, csv_bytes(*rows), "r.csv")
    assert plan.ok, errors_of(plan)
    if failing == "preparing the last row":
        values = register_import._person_values

        def broken(r):
            if r.external_id == "B-299":
                raise RuntimeError("cannot encrypt")
            return values(r)

        monkeypatch.setattr(register_import, "_person_values", broken)
    else:
        copy_history = register_import._copy_history
        case_batches = []

        def broken(model, ids, *args):
            if model is Case:
                case_batches.append(ids)
                if len(case_batches) == 8:  # 300 rows in batches of 40: the last one
                    raise RuntimeError("disk full")
            return copy_history(model, ids, *args)

        monkeypatch.setattr(register_import, "_copy_history", broken)
    with pytest.raises(RuntimeError):
        apply_import(admin, plan)
    from apps.people.models import PersonNumberKey

    assert not Person.objects.exists() and not Person.history.exists()
    assert not PersonNameKey.objects.exists() and not PersonNumberKey.objects.exists()
    assert not Case.objects.exists() and not CaseNote.objects.exists()
    assert not AuditEntry.objects.filter(action="import").exists()


def test_imported_identities_are_encrypted_at_rest_and_have_history(admin):
    do_import(admin, csv_bytes(*GOOD_ROWS))
    aigul = by_number("R-1")
    with connection.cursor() as cur:
        cur.execute("SELECT family_name, phones FROM people_person WHERE id = %s", [aigul.pk])
        family, phones = cur.fetchone()
    assert "Төлөнбаева" not in family and "123456" not in phones
    history = aigul.history.get()
    assert (history.history_type, history.given_name, history.history_user) == (
        "+",
        "Айгүл",
        admin.user,
    )
    note = CaseNote.objects.get()
    with connection.cursor() as cur:
        cur.execute("SELECT body FROM cases_casenote WHERE id = %s", [note.pk])
        assert "airport" not in cur.fetchone()[0]
    assert Case.objects.get(person=aigul).history.count() == 1


def test_closed_status_gets_reason_other_and_closing_date(admin):
    do_import(admin, csv_bytes(*GOOD_ROWS))
    case = Case.objects.get(person=by_number("R-2"))
    assert (case.status, case.closure_reason, str(case.closed_on)) == (
        "closed",
        "other",
        "2024-02-10",
    )


def test_import_is_audited_once_with_counts_and_no_names(admin):
    before = AuditEntry.objects.count()
    do_import(admin, csv_bytes(*GOOD_ROWS))
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.get(action="import")
    assert entry.actor == admin.user and entry.organization == admin.organization
    assert entry.detail["people_created"] == 3 and entry.detail["cases_created"] == 2
    assert "Айгүл" not in str(entry.detail) and "R-1" not in str(entry.detail)
    call_command("verify_audit")


def test_bom_semicolons_lower_case_codes_and_empty_rows(admin):
    # In a ";" file a list of codes is quoted, as Excel does.
    rows = [
        r.replace(",", ";").replace("forced_labour;debt_collateral", '"forced_labour;sexual"')
        for r in GOOD_ROWS[:1]
    ]
    data = csv_bytes(
        rows[0].replace("KG", "kg").replace(";F;", ";f;").replace(";osh;", ";OSH;"),
        ";;;;;;;;;;;;;;;",
        "",
        header=HEADER.replace(",", ";"),
        bom=True,
    )
    plan = plan_import(admin.organization, data, "register.CSV")
    assert plan.ok, errors_of(plan)
    assert plan.report.rows == 1 and plan.report.empty_rows == 2
    apply_import(admin, plan)
    person = Person.objects.get()
    assert (person.citizenship, person.sex, person.region) == ("KG", "F", "osh")


def test_columns_may_be_left_out(admin):
    report = do_import(admin, csv_bytes("Асанова,Бермет", header="family_name,given_name"))
    assert report.people_created == 1 and report.cases_created == 0


def test_good_xlsx(admin):
    from datetime import datetime

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append(["X-1", "Осмонова", "Гүлнара", None, "F", datetime(1991, 2, 3), "KG", "talas",
               996700111222, None, "legal_aid", datetime(2024, 1, 15), None, None, "active",
               "Imported from Excel"])  # fmt: skip
    ws.append([None] * 16)
    ws.append(["X-2", "Sydykov", "Nurlan", None, None, 1979, None, None, None, None, None,
               None, None, None, None, None])  # fmt: skip
    buf = io.BytesIO()
    wb.save(buf)
    report = do_import(admin, buf.getvalue(), "register.xlsx")
    assert (report.people_created, report.cases_created, report.empty_rows) == (2, 1, 1)
    gulnara = by_number("X-1")
    assert gulnara.birth_date == "1991-02-03" and gulnara.phones == ["996700111222"]
    assert by_number("X-2").birth_year == 1979
    case = Case.objects.get(person=gulnara)
    assert case.status == "active" and str(case.opened_on) == "2024-01-15"


# --------------------------------------------------------------------------- updates


def test_known_external_id_updates_the_person_and_their_latest_case(admin):
    do_import(admin, csv_bytes(*GOOD_ROWS))
    aigul = by_number("R-1")
    version = aigul.version
    update = (
        "R-1,Tolonbaeva,Aigul,,,,,chuy,+996 555 000111,,trafficking,,sexual,,closed,"
        "Met at the airport"
    )
    plan = plan_import(admin.organization, csv_bytes(update, "R-9,Новая,Жылдыз"), "r.csv")
    assert plan.ok, errors_of(plan)
    assert (plan.report.people_updated, plan.report.people_created) == (1, 1)
    assert (plan.report.cases_updated, plan.report.cases_created) == (1, 0)
    apply_import(admin, plan)

    aigul.refresh_from_db()
    assert (aigul.family_name, aigul.given_name, aigul.region) == ("Tolonbaeva", "Aigul", "chuy")
    # Empty cells keep what was stored; new numbers are added to the list.
    assert aigul.patronymic == "Асан кызы" and aigul.birth_date == "1994-05-17"
    assert aigul.phones == ["+996 700 123456", "+996 555 000111"]
    assert aigul.version == version + 1
    case = Case.objects.get(person=aigul)
    assert case.exploitation == ["sexual"] and case.status == "closed"
    assert case.closure_reason == "other" and str(case.closed_on) == "2024-03-01"
    # The same note again is not duplicated.
    assert CaseNote.objects.filter(case=case).count() == 1
    assert Person.objects.filter(organization=admin.organization).count() == 4
    stored = set(PersonNameKey.objects.filter(person=aigul).values_list("key", flat=True))
    assert stored == name_key_hashes(aigul)
    assert search_people(admin, "Aigul Tolonbaeva")[0] == aigul


def test_update_opens_a_case_for_a_person_without_one(admin):
    do_import(admin, csv_bytes(*GOOD_ROWS))
    plan = plan_import(
        admin.organization, csv_bytes("R-3,Иванова,Анна,,,,,,,,legal_aid,,,,,Called"), "r.csv"
    )
    assert (plan.report.cases_created, plan.report.cases_updated) == (1, 0)
    apply_import(admin, plan)
    case = Case.objects.get(person=by_number("R-3"))
    assert case.case_type == "legal_aid" and case.notes.get().body == "Called"


def test_a_closed_case_given_status_open_is_reopened(admin):
    do_import(admin, csv_bytes(*GOOD_ROWS))
    plan = plan_import(
        admin.organization,
        csv_bytes("R-2,Jeenbekov,Chyngyz,,,,,,,,labour_rights,,,,open,"),
        "r.csv",
    )
    report = apply_import(admin, plan)
    assert (report.cases_updated, report.cases_created) == (1, 0)
    case = Case.objects.get(person=by_number("R-2"))
    assert (case.status, case.closure_reason, case.closed_on) == ("reopened", "", None)


def test_same_external_id_in_another_organisation_is_a_new_person(admin, other_org, make_member):
    do_import(admin, csv_bytes(*GOOD_ROWS))
    other_admin = make_member(other_org, "org_admin")
    report = do_import(other_admin, csv_bytes(*GOOD_ROWS))
    assert report.people_created == 3 and report.people_updated == 0


def test_register_changed_between_check_and_write(admin, make_person):
    plan = plan_import(admin.organization, csv_bytes(*GOOD_ROWS), "r.csv")
    make_person(admin, external_id="R-2")
    with pytest.raises(register_import.RegisterChanged):
        apply_import(admin, plan)
    assert Person.objects.count() == 1


# --------------------------------------------------------------------------- bad rows


def rejected(admin, *rows, header=HEADER, name="r.csv"):
    plan = plan_import(admin.organization, csv_bytes(*rows, header=header), name)
    assert not plan.ok
    return plan


def test_duplicate_external_id_in_the_file(admin):
    plan = rejected(admin, GOOD_ROWS[0], GOOD_ROWS[1], GOOD_ROWS[0])
    assert errors_of(plan) == [(4, "external_id", "The same external_id is already on row 2.")]


@pytest.mark.parametrize("value", ["1994-13-01", "17.05.1994", "1994-02-30", "2999", "soon"])
def test_bad_birth_date(admin, value):
    row = f"R-1,Асанова,Бермет,,,{value}"
    plan = rejected(
        admin, row, header="external_id,family_name,given_name,patronymic,sex,birth_date"
    )
    [error] = plan.report.errors
    assert (error.row, error.column, error.value) == (2, "birth_date", value)


def test_bad_opened_on(admin):
    plan = rejected(
        admin,
        "Асанова,Бермет,legal_aid,2024-3-1",
        header="family_name,given_name,case_type,opened_on",
    )
    assert errors_of(plan) == [
        (2, "opened_on", "Enter the date as YYYY-MM-DD, for example 2024-03-31.")
    ]


@pytest.mark.parametrize(
    "column,value,reason",
    [
        ("region", "moscow", "Unknown region"),
        ("citizenship", "XX", "Unknown country"),
        ("case_type", "burglary", "Unknown case type"),
        ("exploitation", "sexual;slavery", "Unknown form of exploitation “slavery”"),
        ("country_of_exploitation", "SU", "Unknown country"),
        ("status", "reopened", "Unknown status"),
        ("sex", "W", "Unknown sex"),
    ],
)
def test_unknown_codes(admin, column, value, reason):
    cells = {"family_name": "Асанова", "given_name": "Бермет", "case_type": "trafficking"}
    cells[column] = value
    plan = rejected(admin, ",".join(cells.values()), header=",".join(cells))
    [error] = plan.report.errors
    assert (error.row, error.column, error.value) == (2, column, value)
    assert error.reason.startswith(reason)


def test_empty_required_names(admin):
    plan = rejected(
        admin, "R-1,,Бермет", "R-2,Асанова,  ", header="external_id,family_name,given_name"
    )
    assert errors_of(plan) == [
        (2, "family_name", "This column is required; the cell is empty."),
        (3, "given_name", "This column is required; the cell is empty."),
    ]


def test_over_long_values(admin):
    plan = rejected(
        admin,
        f"{'R' * 65},Асанова,{'Б' * 101},other,{'x' * 20001}",
        header="external_id,family_name,given_name,case_type,notes",
    )
    assert [(e.column, e.reason) for e in plan.report.errors] == [
        ("external_id", "Too long: 65 characters, at most 64."),
        ("given_name", "Too long: 101 characters, at most 100."),
        ("notes", "Too long: 20001 characters, at most 20000."),
    ]
    # The report keeps a shortened value, not the whole cell.
    assert len(plan.report.errors[2].value) <= register_import.REPORTED_VALUE_LENGTH


def test_plain_numbers_starting_with_plus_or_minus_are_data(admin):
    report = do_import(
        admin,
        csv_bytes(
            "-17,Асанова,Бермет,+996 (700) 12-34-56;+7 900 1234567",
            header="external_id,family_name,given_name,phone",
        ),
    )
    assert report.people_created == 1
    assert Person.objects.get().phones == ["+996 (700) 12-34-56", "+7 900 1234567"]


def test_case_details_without_case_type(admin):
    plan = rejected(
        admin, "Асанова,Бермет,,closed,note", header="family_name,given_name,case_type,status,notes"
    )
    [error] = plan.report.errors
    assert (error.row, error.column) == (2, "case_type")
    assert "status, notes" in error.reason


def test_cp1251_file_is_refused_with_a_clear_message(admin):
    data = "family_name,given_name\r\nАсанова,Бермет\r\n".encode("cp1251")
    plan = plan_import(admin.organization, data, "r.csv")
    [error] = plan.report.errors
    assert error.row == 2 and "UTF-8" in error.reason and "1251" in error.reason
    assert plan.rows == []


@pytest.mark.parametrize(
    "header,column,reason",
    [
        ("family_name,given_name,nickname", "nickname", "Unknown column."),
        ("family_name,given_name,Region", "Region", "Unknown column."),
        ("family_name,given_name,given_name", "given_name", "This column appears more than once"),
        ("family_name,patronymic", "given_name", "This required column is missing"),
    ],
)
def test_header_problems(admin, header, column, reason):
    plan = rejected(admin, "Асанова,Бермет,x", header=header)
    [error] = plan.report.errors
    assert (error.row, error.column) == (1, column) and error.reason.startswith(reason)


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf\r\n\r\n", "The file is empty."),
        (b"family_name,given_name\r\n", "The file has a header row but no rows of data."),
        (b"family_name,given_name\r\n,\r\n", "The file has a header row but no rows of data."),
    ],
)
def test_empty_files(admin, data, reason):
    plan = plan_import(admin.organization, data, "r.csv")
    assert errors_of(plan) == [(None, "", reason)]


def test_broken_workbook_and_wrong_extensions(admin):
    plan = plan_import(admin.organization, b"PK\x03\x04 not really a zip", "r.xlsx")
    assert errors_of(plan) == [(None, "", "The file is not a valid Excel workbook (.xlsx).")]
    for name in ("r.xls", "register"):
        plan = plan_import(admin.organization, csv_bytes(*GOOD_ROWS), name)
        assert [e.reason for e in plan.report.errors] == ["Upload a .csv or .xlsx file."]
    plan = plan_import(admin.organization, b"PK\x03\x04", "r.csv")
    assert "Excel workbook" in plan.report.errors[0].reason


def test_row_with_more_cells_than_the_header(admin):
    plan = rejected(
        admin, "Асанова,Бермет,,", "Осмонов,Улан,extra", header="family_name,given_name"
    )
    assert errors_of(plan) == [(3, "", "This row has more cells than the header row.")]


def test_too_many_rows(admin, monkeypatch):
    monkeypatch.setattr(register_import, "MAX_ROWS", 3)
    plan = rejected(
        admin, *(f"Асанова,Бермет{i}" for i in range(5)), header="family_name,given_name"
    )
    assert errors_of(plan) == [
        (5, "", "The file has more than 3 rows. Split it into smaller files.")
    ]


def test_all_problems_are_reported_and_capped(admin, monkeypatch):
    monkeypatch.setattr(register_import, "MAX_ERRORS", 5)
    rows = [f"R-{i},Асанова,Бермет,,,19{i:02d}-13" for i in range(12)]
    plan = rejected(
        admin, *rows, header="external_id,family_name,given_name,patronymic,sex,birth_date"
    )
    assert len(plan.report.errors) == 5 and plan.report.error_count == 12
    assert plan.report.more_errors == 7
    assert [e.row for e in plan.report.errors] == [2, 3, 4, 5, 6]


def test_one_bad_row_means_nothing_is_written(admin):
    people = Person.objects.count()
    bad = GOOD_ROWS[2].replace("1990-07", "1990-07-32")
    plan = plan_import(admin.organization, csv_bytes(*GOOD_ROWS, bad), "r.csv")
    assert not plan.ok and plan.rows == []
    with pytest.raises(ValueError):
        apply_import(admin, plan)
    assert Person.objects.count() == people
    assert not Case.objects.exists() and not PersonNameKey.objects.exists()
    assert not AuditEntry.objects.filter(action="import").exists()


def test_reasons_go_through_gettext(admin, monkeypatch):
    monkeypatch.setattr(register_import, "_", lambda s: "[tr]" + s)
    plan = rejected(admin, "Асанова,,nowhere", header="family_name,given_name,region")
    assert [e.reason[:4] for e in plan.report.errors] == ["[tr]", "[tr]"]


def test_reasons_follow_the_active_language(admin):
    from django.utils import translation

    with translation.override("en"):
        plan = rejected(admin, "Асанова,", header="family_name,given_name")
    assert plan.report.errors[0].reason == "This column is required; the cell is empty."


def test_a_caseworker_may_not_apply_an_import(admin, caseworker):
    plan = plan_import(admin.organization, csv_bytes(*GOOD_ROWS), "r.csv")
    from apps.people.services import NotAllowed

    with pytest.raises(NotAllowed):
        apply_import(caseworker, plan)
    assert not Person.objects.exists()


# --------------------------------------------------------------------------- command


@pytest.fixture
def register_file(tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes(*GOOD_ROWS))
    return path


def test_command_imports(org, register_file, capsys):
    call_command("import_register", str(register_file), "--organization", org.slug)
    assert "people created: 3" in capsys.readouterr().out
    assert Person.objects.filter(organization=org).count() == 3
    entry = AuditEntry.objects.get(action="import")
    assert entry.actor is None and entry.organization == org


def test_command_records_the_named_admin(admin, register_file):
    call_command(
        "import_register", str(register_file), "--organization", "home", "--user", admin.user.email
    )
    assert AuditEntry.objects.get(action="import").actor == admin.user
    assert Person.objects.first().created_by == admin.user


def test_command_dry_run_writes_nothing(org, register_file, capsys):
    audit_before = AuditEntry.objects.count()
    call_command("import_register", str(register_file), "--organization", org.slug, "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run" in out and "people created: 3" in out
    assert not Person.objects.exists() and AuditEntry.objects.count() == audit_before


def test_command_rejects_a_bad_file_with_the_report(org, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS[0], GOOD_ROWS[1].replace("naryn", "mars")))
    with pytest.raises(CommandError, match="rejected: 1 problem"):
        call_command("import_register", str(path), "--organization", org.slug)
    err = capsys.readouterr().err
    assert "3\tregion\tmars\tUnknown region" in err
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    "args,message",
    [
        (["--organization", "nowhere"], "No organisation"),
        (["--organization", "home", "--user", "nobody@test.example"], "not an active admin"),
    ],
)
def test_command_argument_errors(org, register_file, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_register", str(register_file), *args)


def test_command_file_errors(org, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_register", str(tmp_path / "missing.csv"), "--organization", "home")
    other = tmp_path / "register.ods"
    other.write_bytes(b"x")
    with pytest.raises(CommandError, match=r"\.csv or \.xlsx"):
        call_command("import_register", str(other), "--organization", "home")


def test_command_runs_through_manage_py_with_exit_codes(org, tmp_path):
    """The process exits non-zero on a refused file (CommandError -> exit status 1)."""
    from django.core.management import ManagementUtility

    path = tmp_path / "bad.csv"
    path.write_bytes(b"family_name\r\nX\r\n")
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(
            ["manage.py", "import_register", str(path), "--organization", "home"]
        ).execute()
    assert exit_info.value.code == 1


# --------------------------------------------------------------------------- pages


def upload(client, data, name="register.csv"):
    f = io.BytesIO(data)
    f.name = name
    return client.post("/people/import/", {"action": "upload", "file": f})


def test_upload_preview_confirm(admin, login, client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    login(admin)
    page = client.get("/people/import/")
    assert page.status_code == 200 and b"family_name" in page.content

    preview = upload(client, csv_bytes(*GOOD_ROWS))
    assert preview.status_code == 200
    assert preview.context["report"].people_created == 3
    assert b"Confirm import" in preview.content
    # No names on the preview, and nothing written yet.
    assert "Айгүл" not in preview.content.decode() and not Person.objects.exists()
    token = preview.context["token"]
    stored = tmp_path / "imports" / f"{token}.bin"
    assert stored.is_file() and "Төлөнбаева".encode() not in stored.read_bytes()

    done = client.post("/people/import/", {"action": "confirm", "token": token}, follow=True)
    assert done.status_code == 200
    assert "3 people registered" in done.content.decode()
    assert Person.objects.filter(organization=admin.organization).count() == 3
    assert not stored.exists()
    # A second confirmation of the same upload does nothing.
    again = client.post("/people/import/", {"action": "confirm", "token": token}, follow=True)
    assert "expired" in again.content.decode()
    assert Person.objects.count() == 3


def test_cancel_removes_the_stored_upload(admin, login, client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    login(admin)
    token = upload(client, csv_bytes(*GOOD_ROWS)).context["token"]
    client.post("/people/import/", {"action": "cancel"})
    assert not (tmp_path / "imports" / f"{token}.bin").exists()
    client.post("/people/import/", {"action": "confirm", "token": token})
    assert not Person.objects.exists()


def test_error_report_page(admin, login, client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    login(admin)
    bad = GOOD_ROWS[1].replace("naryn", "<script>alert(1)</script>")
    response = upload(client, csv_bytes(GOOD_ROWS[0], bad))
    assert response.status_code == 400
    html = response.content.decode()
    assert '<td class="nowrap">3</td><td>region</td>' in html and "Unknown region" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Confirm import" not in html
    assert not Person.objects.exists()
    assert not list((tmp_path / "imports").glob("*")) if (tmp_path / "imports").exists() else True


def test_report_is_in_the_users_language(admin, login, client, settings, tmp_path):
    from django.utils import translation

    settings.VAR_DIR = tmp_path
    admin.user.language = "ru"
    admin.user.save()
    login(admin)
    response = upload(client, csv_bytes("Асанова,", header="family_name,given_name"))
    assert response.status_code == 400 and '<html lang="ru">' in response.content.decode()
    with translation.override("ru"):
        expected = translation.gettext("This column is required; the cell is empty.")
    assert response.context["report"].errors[0].reason == expected


def test_upload_without_a_file(admin, login, client):
    login(admin)
    response = client.post("/people/import/", {"action": "upload"})
    assert response.status_code == 400 and response.context["form"].errors["file"]


def test_template_csv_download(admin, login, client):
    login(admin)
    response = client.get("/people/import/", {"template": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER
    plan = plan_import(admin.organization, response.content, "template.csv")
    assert plan.ok, errors_of(plan)


def test_caseworker_gets_403(caseworker, login, client):
    login(caseworker)
    assert client.get("/people/import/").status_code == 403
    assert upload(client, csv_bytes(*GOOD_ROWS)).status_code == 403
    assert not Person.objects.exists()


def _workbook_with_entity(levels: int) -> bytes:
    """A real workbook whose given name is an XML entity nested `levels` deep
    (the 'billion laughs' when deep); the parser must refuse any entity."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["given_name", "family_name"])
    book.active.append(["Айгүл", "Токтогулова"])
    out = io.BytesIO()
    book.save(out)
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    bomb = io.BytesIO()
    entities = '<!ENTITY a "haha">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(levels)
    )
    with zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            text = data.decode("utf-8", "replace")
            if "Айгүл" in text:
                if text.startswith("<?xml"):
                    head, text = text.split("?>", 1)
                    head += "?>"
                else:
                    head = ""
                root = text.lstrip().split()[0].lstrip("<").rstrip(">")
                data = f"{head}<!DOCTYPE {root} [{entities}]>{text}".replace(
                    "Айгүл", f"&{chr(97 + levels)};"
                ).encode()
            target.writestr(item, data)
    return bomb.getvalue()


@pytest.mark.parametrize("levels", [0, 8])
def test_a_workbook_with_xml_entities_is_refused_and_nothing_imported(admin, levels):
    plan = plan_import(admin.organization, _workbook_with_entity(levels), "register.xlsx")
    assert errors_of(plan) == [(None, "", "The file is not a valid Excel workbook (.xlsx).")]
    assert Person.objects.count() == 0


def test_register_changed_while_writing_keeps_the_upload_to_check_again(
    admin, login, client, settings, tmp_path, monkeypatch
):
    # The import runs as a job (apps.operations): it finds the register changed, writes
    # nothing, and hands the kept file back to be checked again without an upload.
    from apps.operations.models import Job

    settings.VAR_DIR = tmp_path
    login(admin)
    token = upload(client, csv_bytes(*GOOD_ROWS)).context["token"]

    def changed_meanwhile(*args, **kwargs):
        raise register_import.RegisterChanged()

    real_apply = register_import.apply_import
    monkeypatch.setattr(register_import, "apply_import", changed_meanwhile)
    conflict = client.post("/people/import/", {"action": "confirm", "token": token}, follow=True)
    assert "The register changed" in conflict.content.decode()
    assert (tmp_path / "imports" / f"{token}.bin").is_file() and not Person.objects.exists()

    monkeypatch.setattr(register_import, "apply_import", real_apply)
    job = Job.objects.get()
    again = client.post("/people/import/", {"action": "recheck", "job": str(job.token)})
    assert again.status_code == 200 and again.context["token"] == token
    done = client.post("/people/import/", {"action": "confirm", "token": token}, follow=True)
    assert "3 people registered" in done.content.decode()
