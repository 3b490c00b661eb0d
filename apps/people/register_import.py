"""Importing an organisation's existing register (CSV or XLSX) of people and their cases.

Two steps, so that nothing is written unless the whole file is good:

1. `plan_import()` reads and checks every row and returns an `ImportPlan`: the rows
   to write and an `ImportReport` with every problem found (row, column, value,
   reason, in the user's language) and what would be created or updated.
2. `apply_import()` writes a clean plan in one transaction and leaves a single
   "import" audit entry with the counts (never a name).

Rules (also explained on the upload page):

- One row is one person with at most one case. `family_name` and `given_name` are
  required; every other column may be empty or left out of the file.
- A row whose `external_id` already exists in the organisation updates that person:
  filled cells replace the stored value, empty cells never erase anything, and a
  phone or document number is added to the person's list if it is new. If the row
  has a `case_type`, the person's most recent case is updated (or a case is opened
  when the person has none), and `notes` are added to it unless the same note is
  already there, so importing the same file twice does not duplicate notes.
- A row without `external_id` always registers a new person.
- A row without `case_type` registers or updates only the person; filling other case
  columns without a `case_type` is an error rather than silently dropping them.
- `status` "closed" records the closure reason "other" and closes the case on
  `opened_on` (or today).

Speed: a register of 100,000 rows must import in under a minute, so new people are
written in batches of multi-row statements (see `_Writer`), not one `create_person()`
per row; on PostgreSQL their six million name keys go in one COPY fed while the rows
are prepared (`_Writer._write_all_streaming`, docs/decisions/0018).
bench/bench_import.py measures it.
"""

import csv
import io
import logging
import os
import re
import socket
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.cases.models import Case, CaseNote, CaseStatus
from apps.core import audit
from apps.core.date_rules import past_event_problem
from apps.core.input_limits import check_zip, control_character_message, visible_text
from apps.core.models import AuditEntry
from apps.core.selectors import reference_codes
from apps.core.staged_upload import PlanChanged
from apps.people.models import (
    Person,
    PersonNameKey,
    PersonNumberKey,
    RegisterImportRun,
    Sex,
    register_number_key,
)
from apps.people.numbers import number_keys
from apps.people.selectors import RegisterNumbers
from apps.people.services import (
    NameKeyHasher,
    index_person_name,
    index_person_numbers,
    require,
)
from apps.people.validation import earliest_birth_day, parse_partial_date, split_list

logger = logging.getLogger(__name__)

COLUMNS = (
    "external_id",
    "family_name",
    "given_name",
    "patronymic",
    "sex",
    "birth_date",
    "citizenship",
    "region",
    "phone",
    "document_number",
    "case_type",
    "opened_on",
    "exploitation",
    "country_of_exploitation",
    "status",
    "notes",
)
REQUIRED_COLUMNS = ("family_name", "given_name")
CASE_COLUMNS = ("opened_on", "exploitation", "country_of_exploitation", "status", "notes")
# Longest accepted cell per column; the model's max_length where it has one.
MAX_LENGTHS = {
    "external_id": Person._meta.get_field("external_id").max_length,
    "family_name": 100,
    "given_name": 100,
    "patronymic": 100,
    "phone": 300,
    "document_number": 300,
    "notes": 20_000,
}
DEFAULT_MAX_LENGTH = 200
IMPORT_STATUSES = ("open", "active", "on_hold", "closed")
IMPORT_CLOSURE_REASON = "other"

MAX_ROWS = 200_000
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_ERRORS = 1000
# A value is kept in the report only up to this length; the page shortens it further.
REPORTED_VALUE_LENGTH = 200
BATCH_SIZE = 1000
# PostgreSQL: the name keys of this many people are sorted by key before they are sent.
KEY_SORT_PEOPLE = 10_000

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SEX_CODES = frozenset(Sex.values)
_XLSX_MAGIC = b"PK\x03\x04"


# --------------------------------------------------------------------------- data


@dataclass(slots=True)
class RowError:
    """One problem: spreadsheet row (header is row 1; None for the whole file)."""

    row: int | None
    column: str
    value: str
    reason: str


@dataclass
class ImportReport:
    """What a file holds and what importing it does or would do."""

    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    rows: int = 0
    empty_rows: int = 0
    people_created: int = 0
    people_updated: int = 0
    cases_created: int = 0
    cases_updated: int = 0
    notes_added: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def more_errors(self) -> int:
        """Problems found but left out of `errors` to keep the report readable."""
        return self.error_count - len(self.errors)

    def add_error(self, row, column: str, value, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            value = "" if value is None else str(value)
            if len(value) > REPORTED_VALUE_LENGTH:
                value = value[: REPORTED_VALUE_LENGTH - 1] + "…"
            self.errors.append(RowError(row, column, value, str(reason)))

    def counts(self) -> dict[str, int]:
        """The figures, for the audit entry and the command's summary (no names)."""
        return {
            "rows": self.rows,
            "people_created": self.people_created,
            "people_updated": self.people_updated,
            "cases_created": self.cases_created,
            "cases_updated": self.cases_updated,
            "notes_added": self.notes_added,
        }


@dataclass
class RegisterFile:
    """A file split into its header and rows of text cells, before any checks."""

    format: str
    header: list[str] = field(default_factory=list)
    # (spreadsheet row number, cells) of every non-empty row.
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    empty_rows: int = 0
    report: ImportReport = field(default_factory=ImportReport)


@dataclass(slots=True)
class PlannedRow:
    """One checked row, ready to write."""

    row: int
    external_id: str
    person: dict
    case: dict | None
    note: str
    existing_id: int | None = None
    existing_has_case: bool = False


@dataclass
class ImportPlan:
    organization_id: int | None
    format: str
    rows: list[PlannedRow]
    report: ImportReport

    @property
    def ok(self) -> bool:
        return self.report.ok


class RegisterChanged(PlanChanged):
    """The organisation's people changed between checking and writing; check again."""

    def __init__(self):
        super().__init__(
            _("The register changed while the file was being checked. Check the file again.")
        )


# --------------------------------------------------------------------------- reading


def read_register(data: bytes, filename: str) -> RegisterFile:
    """Split an uploaded CSV or XLSX file into header and text rows.

    Problems with the file as a whole (encoding, not a workbook, empty, too many
    rows) are reported with row None or the line where they were found.
    """
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in ("csv", "xlsx"):
        register = RegisterFile(format=ext)
        register.report.add_error(None, "", filename, _("Upload a .csv or .xlsx file."))
        return register
    register = RegisterFile(format=ext)
    if len(data) > MAX_FILE_BYTES:
        register.report.add_error(
            None,
            "",
            "",
            _("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)},
        )
        return register
    lines = _csv_lines(data, register) if ext == "csv" else _xlsx_lines(data, register)
    if lines is not None:
        _split_rows(lines, register)
    return register


def _csv_lines(data: bytes, register: RegisterFile):
    if data.startswith(_XLSX_MAGIC):
        register.report.add_error(
            None,
            "",
            "",
            _("This is an Excel workbook, not a CSV file: upload it with the .xlsx extension."),
        )
        return None
    try:
        # utf-8-sig accepts the byte-order mark Excel writes and files without one.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        register.report.add_error(
            line,
            "",
            "",
            _(
                "The file is not in UTF-8 encoding (first problem on line %(line)d); it may "
                "have been saved as Windows-1251. In Excel choose “Save as: CSV UTF-8”, in "
                "LibreOffice choose the character set “Unicode (UTF-8)”, then upload it again."
            )
            % {"line": line},
        )
        return None
    first_line = text.split("\n", 1)[0]
    # Excel in Russian or Kyrgyz settings writes ";" between cells; take whichever
    # separator splits the header row into the most cells.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    return _csv_reader(text, delimiter, register)


def _csv_reader(text: str, delimiter: str, register: RegisterFile):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    row = 0
    try:
        for cells in reader:
            row += 1
            yield row, cells
    except csv.Error:
        register.report.add_error(
            row + 1,
            "",
            "",
            _(
                "Row %(row)d cannot be read as CSV: check its quotation marks, and that "
                "no cell is longer than the limits."
            )
            % {"row": row + 1},
        )


def _xlsx_lines(data: bytes, register: RegisterFile):
    from openpyxl import load_workbook

    # A workbook is a zip: refused by what it declares before openpyxl expands it.
    refusal = check_zip(data)
    if refusal:
        register.report.add_error(None, "", "", refusal)
        return None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # Workbooks written by other programs often state wrong dimensions.
        sheet.reset_dimensions()
    except Exception:  # noqa: BLE001 - whatever the parser trips on, the file is unreadable
        register.report.add_error(
            None, "", "", _("The file is not a valid Excel workbook (.xlsx).")
        )
        return None
    return _xlsx_rows(workbook, sheet, register)


def _xlsx_rows(workbook, sheet, register: RegisterFile):
    row = 0
    try:
        for values in sheet.iter_rows(values_only=True):
            row += 1
            yield row, [_cell_text(v) for v in values]
    except Exception:  # noqa: BLE001 - a damaged sheet part: unreadable too
        register.report.add_error(
            None, "", "", _("The file is not a valid Excel workbook (.xlsx).")
        )
    finally:
        workbook.close()


def _cell_text(value) -> str:
    """A workbook cell as the text a person would have typed."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        # Phone numbers and years typed into a number cell come back as floats.
        return str(int(value))
    if isinstance(value, datetime):
        # Excel keeps dates as date-times; a date typed without a time is midnight.
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _split_rows(lines, register: RegisterFile) -> None:
    report = register.report
    header = None
    for row, cells in lines:
        if header is None:
            if not any(c.strip() for c in cells):
                # Blank lines above the header are tolerated but counted as rows.
                continue
            header = [c.strip() for c in cells]
            while header and not header[-1]:
                header.pop()
            register.header = header
            header_row = row
            if not _check_header(header, header_row, report):
                return
            continue
        if not any(c.strip() for c in cells):
            register.empty_rows += 1
            continue
        if len(register.rows) >= MAX_ROWS:
            report.add_error(
                row,
                "",
                "",
                _("The file has more than %(limit)d rows. Split it into smaller files.")
                % {"limit": MAX_ROWS},
            )
            register.rows.clear()
            return
        register.rows.append((row, cells))
    if header is None:
        if report.ok:
            report.add_error(None, "", "", _("The file is empty."))
    elif not register.rows and report.ok:
        report.add_error(None, "", "", _("The file has a header row but no rows of data."))


def _check_header(header: list[str], header_row: int, report: ImportReport) -> bool:
    seen = set()
    columns = ", ".join(COLUMNS)
    for position, name in enumerate(header, start=1):
        if not name:
            report.add_error(
                header_row,
                "",
                "",
                _("Column %(n)d has no name in the header row.") % {"n": position},
            )
        elif name not in COLUMNS:
            report.add_error(
                header_row,
                name,
                name,
                _("Unknown column. The columns are: %(columns)s.") % {"columns": columns},
            )
        elif name in seen:
            report.add_error(
                header_row, name, name, _("This column appears more than once in the header row.")
            )
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            report.add_error(
                header_row, name, "", _("This required column is missing from the header row.")
            )
    return report.ok


# --------------------------------------------------------------------------- checking


class _Checker:
    """Checks rows against the reference data, loaded once per file."""

    def __init__(self, organization_id, report: ImportReport):
        self.report = report
        self.today = timezone.localdate()
        self.countries = reference_codes("country")
        self.regions = reference_codes("region")
        self.case_types = reference_codes("case_type")
        self.exploitation = reference_codes("exploitation")
        self.seen_ids: dict[str, int] = {}
        self.existing: dict[str, int] = {}
        if organization_id is not None:
            self.existing = _existing_external_ids(organization_id)

    def error(self, row, column, value, reason):
        self.report.add_error(row, column, value, reason)

    def text(self, row, column, value) -> bool:
        """Length and control-character checks shared by every column; True when fine.

        Text starting with "-", "+", "=" or "@" is ordinary text here ("- brother
        missing"); the exports neutralise it where a spreadsheet would run it."""
        limit = MAX_LENGTHS.get(column, DEFAULT_MAX_LENGTH)
        control = control_character_message(value)
        if control:
            self.error(row, column, visible_text(value), control)
            return False
        if len(value) > limit:
            self.error(
                row,
                column,
                value,
                _("Too long: %(length)d characters, at most %(limit)d.")
                % {"length": len(value), "limit": limit},
            )
            return False
        return True

    def check(self, row: int, cells: dict[str, str]) -> PlannedRow | None:
        errors_before = self.report.error_count
        for column, value in cells.items():
            if value:
                self.text(row, column, value)
        if self.report.error_count > errors_before:
            # An over-long value or a control character: say that, not also "unknown code".
            return None

        external_id = cells.get("external_id", "")
        person = {}
        for column in REQUIRED_COLUMNS:
            if not cells.get(column):
                self.error(row, column, "", _("This column is required; the cell is empty."))
            person[column] = cells.get(column, "")
        person["patronymic"] = cells.get("patronymic", "")

        sex = cells.get("sex", "").upper()
        if sex and sex not in _SEX_CODES:
            self.error(row, "sex", cells["sex"], _("Unknown sex; use F, M, X or U."))
        person["sex"] = sex

        person["birth_date"], person["birth_year"] = "", None
        if cells.get("birth_date"):
            try:
                person["birth_date"], person["birth_year"] = parse_partial_date(
                    cells["birth_date"], allow_dotted=False
                )
            except ValidationError as exc:
                self.error(row, "birth_date", cells["birth_date"], exc.messages[0])

        citizenship = cells.get("citizenship", "").upper()
        if citizenship and citizenship not in self.countries:
            self.error(row, "citizenship", cells["citizenship"], self._country_msg())
        person["citizenship"] = citizenship

        region = cells.get("region", "").lower()
        if region and region not in self.regions:
            self.error(
                row,
                "region",
                cells["region"],
                _("Unknown region; use one of: %(codes)s.")
                % {"codes": ", ".join(sorted(self.regions))},
            )
        person["region"] = region

        person["phones"] = self._numbers(row, "phone", cells.get("phone", ""))
        person["document_numbers"] = self._numbers(
            row, "document_number", cells.get("document_number", "")
        )

        case = self._case(row, cells)
        note = cells.get("notes", "")

        if external_id:
            first = self.seen_ids.get(external_id)
            if first is not None:
                self.error(
                    row,
                    "external_id",
                    external_id,
                    _("The same external_id is already on row %(row)d.") % {"row": first},
                )
            else:
                self.seen_ids[external_id] = row
        if self.report.error_count > errors_before:
            return None
        return PlannedRow(
            row=row,
            external_id=external_id,
            person=person,
            case=case,
            note=note,
            existing_id=self.existing.get(external_id) if external_id else None,
        )

    def _country_msg(self):
        return _("Unknown country; use the two-letter ISO 3166 code, for example KG.")

    def _numbers(self, row, column, value) -> list[str]:
        return split_list(value)

    def _case(self, row, cells) -> dict | None:
        case_type = cells.get("case_type", "").lower()
        if not case_type:
            filled = [c for c in CASE_COLUMNS if cells.get(c)]
            if filled:
                self.error(
                    row,
                    "case_type",
                    "",
                    _(
                        "The row has case details (%(columns)s) but no case_type; "
                        "fill case_type or empty those cells."
                    )
                    % {"columns": ", ".join(filled)},
                )
            return None
        if case_type not in self.case_types:
            self.error(
                row,
                "case_type",
                cells["case_type"],
                _("Unknown case type; use one of: %(codes)s.")
                % {"codes": ", ".join(sorted(self.case_types))},
            )
        opened_on = None
        if cells.get("opened_on"):
            opened_on = self._date(row, "opened_on", cells["opened_on"], born=_born(cells))

        exploitation = []
        for code in _split_codes(cells.get("exploitation", "")):
            code = code.lower()
            if code not in self.exploitation:
                self.error(
                    row,
                    "exploitation",
                    cells["exploitation"],
                    _("Unknown form of exploitation “%(code)s”; use one of: %(codes)s.")
                    % {"code": code, "codes": ", ".join(sorted(self.exploitation))},
                )
            elif code not in exploitation:
                exploitation.append(code)

        countries = []
        for code in _split_codes(cells.get("country_of_exploitation", "")):
            code = code.upper()
            if code not in self.countries:
                self.error(row, "country_of_exploitation", code, self._country_msg())
            elif code not in countries:
                countries.append(code)

        status = cells.get("status", "").lower()
        if status and status not in IMPORT_STATUSES:
            self.error(
                row,
                "status",
                cells["status"],
                _("Unknown status; use one of: %(codes)s.") % {"codes": ", ".join(IMPORT_STATUSES)},
            )
        return {
            "case_type": case_type,
            "opened_on": opened_on,
            "exploitation": exploitation,
            "countries_of_exploitation": countries,
            "status": status,
        }

    def _date(self, row, column, value, born=None) -> date | None:
        try:
            if not _ISO_DATE.match(value):
                raise ValueError
            day = date.fromisoformat(value)
        except ValueError:
            self.error(
                row, column, value, _("Enter the date as YYYY-MM-DD, for example 2024-03-31.")
            )
            return None
        # The same rule as a case opened through a form or the API (apps.core.date_rules).
        problem = past_event_problem(day, born=born)
        if problem:
            self.error(row, column, value, problem)
            return None
        return day


def _born(cells) -> date | None:
    """The earliest birth day the row's birth date allows; None when it has none or a bad one
    (the birth date column reports that itself)."""
    try:
        text, year = parse_partial_date(cells.get("birth_date", ""))
    except ValidationError:
        return None
    return earliest_birth_day(text, year)


def _split_codes(value: str) -> list[str]:
    # The documented separator is ";"; a "," is accepted too, codes never contain one.
    return [p.strip() for p in re.split(r"[;,]", value) if p.strip()]


def _existing_external_ids(organization_id) -> RegisterNumbers:
    # The numbers are encrypted: found by their blind index, `.get(number)` -> person id.
    return RegisterNumbers(organization_id)


def plan_import(organization, data: bytes, filename: str) -> ImportPlan:
    """Read and check a whole register file without writing anything.

    Every problem is collected (the report keeps the first MAX_ERRORS), so the
    user can fix the file in one go. The counts say what importing would do.
    """
    register = read_register(data, filename)
    report = register.report
    report.rows = len(register.rows)
    report.empty_rows = register.empty_rows
    organization_id = getattr(organization, "pk", organization)
    if not report.ok:
        return ImportPlan(organization_id, register.format, [], report)

    checker = _Checker(organization_id, report)
    width = len(register.header)
    planned = []
    for row, cells in register.rows:
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            report.add_error(
                row,
                "",
                next(c for c in cells[width:] if c.strip()),
                _("This row has more cells than the header row."),
            )
            continue
        values = {
            name: cells[i].strip() if i < len(cells) else ""
            for i, name in enumerate(register.header)
        }
        result = checker.check(row, values)
        if result is not None:
            planned.append(result)

    if not report.ok:
        return ImportPlan(organization_id, register.format, [], report)
    _mark_existing_cases(planned)
    _count(planned, report)
    return ImportPlan(organization_id, register.format, planned, report)


def _mark_existing_cases(planned: list[PlannedRow]) -> None:
    updates = [r for r in planned if r.existing_id is not None and r.case is not None]
    with_case = set()
    ids = [r.existing_id for r in updates]
    for i in range(0, len(ids), BATCH_SIZE):
        with_case.update(
            Case.objects.filter(person_id__in=ids[i : i + BATCH_SIZE])
            .values_list("person_id", flat=True)
            .distinct()
        )
    for r in updates:
        r.existing_has_case = r.existing_id in with_case


def _count(planned: list[PlannedRow], report: ImportReport) -> None:
    for r in planned:
        if r.existing_id is None:
            report.people_created += 1
        else:
            report.people_updated += 1
        if r.case is not None:
            if r.existing_has_case:
                report.cases_updated += 1
            else:
                report.cases_created += 1
            if r.note:
                report.notes_added += 1


# --------------------------------------------------------------------------- writing


def apply_import(
    membership, plan: ImportPlan, *, request=None, progress=None, then=None
) -> ImportReport:
    """Write a checked plan, all of it or nothing, and audit it once.

    Raises NotAllowed without the import permission, ValueError for a plan with
    errors or of another organisation, and RegisterChanged if people were added
    or renumbered since the plan was made (nothing is written then).
    `progress(rows)`, if given, hears the number of the plan's rows written so far,
    once per batch (the job's progress bar). `then(report)`, if given, runs inside the
    last transaction, so that what the caller records of the import commits with it.

    On PostgreSQL the plan is written in one transaction: row locks keep other
    organisations' writes going meanwhile. SQLite has a single write lock, and
    other organisations' requests (every look at a person writes an audit entry)
    wait for it at most the busy timeout: a large plan is therefore written in
    transactions of BATCH_SIZE new people (see _write_in_batches), and the updates
    of existing people and the audit entry in a last one.

    Either way a RegisterImportRun is recorded first and the people written carry
    its id; the last transaction marks it finished. Until then its people are hidden
    (people_visible_to), and if the process is killed meanwhile,
    recover_interrupted_imports() removes what the batches wrote.
    """
    require(membership, Permission.IMPORT_REGISTER)
    if not plan.ok:
        raise ValueError("A register file with errors cannot be imported.")
    if plan.organization_id != membership.organization.pk:
        raise ValueError("The plan was made for another organisation.")
    report = plan.report
    organization = membership.organization
    user = membership.user if getattr(membership, "user", None) is not None else None
    now = timezone.now()
    updates = [r for r in plan.rows if r.existing_id is not None]
    creates = [r for r in plan.rows if r.existing_id is None]
    # Counted again as written: a case may have been opened since the check.
    report.cases_created = report.cases_updated = report.notes_added = 0
    batched = (
        connection.vendor == "sqlite"
        and len(creates) > BATCH_SIZE
        and not connection.in_atomic_block  # inside a caller's transaction: no gain
    )
    # Leftovers of imports killed earlier go first (their external_ids would clash).
    recover_interrupted_imports()
    run = _start_run(organization)
    writer = _Writer(organization, user, now, NameKeyHasher(organization.pk), run=run)
    writer.progress = _progress_of(progress, len(creates), len(plan.rows))
    try:
        if batched:
            with transaction.atomic():
                _check_register_unchanged(organization, plan)
            _write_in_batches(writer, creates, report, run)
        with transaction.atomic():
            # Checked again under the write transaction: a person registered with one
            # of the file's external_ids since the check would otherwise be duplicated.
            _check_register_unchanged(organization, plan, written=creates if batched else ())
            _update_people(updates, organization, user, now, report)
            if not batched:
                with _name_index_deferred(len(creates)):
                    writer.write_all(creates, report)
            audit.record(
                AuditEntry.Action.IMPORT,
                user=user,
                organization=organization,
                target_type="person",
                detail={**report.counts(), "format": plan.format},
                request=request,
            )
            RegisterImportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
            if then is not None:
                then(report)
    except BaseException as exc:
        try:
            _roll_back_run(run)
        except Exception:
            # The database itself failed (a restart): the run stays unfinished, its people
            # hidden, and recover_interrupted_imports() removes them once it answers.
            logger.exception("Could not roll back register import run %s now.", run.pk)
        if isinstance(exc, IntegrityError):
            # Another import or registration took one of the file's external_ids meanwhile.
            raise RegisterChanged()
        raise
    if progress is not None:
        progress(len(plan.rows))
    return report


def _progress_of(progress, creates: int, rows: int):
    """The writer's callback (new people written) as rows of the plan written: the
    updates of existing people are written last, with the audit entry."""
    if progress is None:
        return None
    return lambda written: progress(min(written, creates) * rows // creates if creates else 0)


def _check_register_unchanged(organization, plan: ImportPlan, written=()) -> None:
    """RegisterChanged unless each row's external_id still belongs to the person the
    plan found (or to nobody, or to the person this import has just `written`)."""
    existing = _existing_external_ids(organization.pk)
    just_written = {r.external_id for r in written if r.external_id}
    for r in plan.rows:
        if not r.external_id or (r.existing_id is None and r.external_id in just_written):
            continue
        if existing.get(r.external_id) != r.existing_id:
            raise RegisterChanged()


def _write_in_batches(writer: "_Writer", creates: list[PlannedRow], report, run) -> None:
    """New people in transactions of BATCH_SIZE rows each, so that the SQLite write lock
    is never held for more than a fraction of a second (about 0.5 s a batch) and other
    organisations' writes slip in between. The people carry the run's id, so that the
    caller (after an exception) or recover_interrupted_imports (after a kill) can remove
    them and the import stays all-or-nothing; until the run is marked finished they are
    hidden from every selector."""
    written = 0
    for i in range(0, len(creates), BATCH_SIZE):
        batch = writer.prepare(creates[i : i + BATCH_SIZE])  # no database: outside the lock
        with transaction.atomic():
            written += len(writer.write(batch, report))
            RegisterImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
        if writer.progress is not None:
            writer.progress(written)


def _remove_written(person_ids: list[int]) -> None:
    """Undo the batches of a failed import: the people it created, with their name keys,
    number keys, cases, notes and history rows; in short transactions too."""
    for i in range(0, len(person_ids), BATCH_SIZE):
        chunk = person_ids[i : i + BATCH_SIZE]
        with transaction.atomic():
            case_ids = list(Case.objects.filter(person_id__in=chunk).values_list("id", flat=True))
            CaseNote.objects.filter(case_id__in=case_ids)._raw_delete(connection.alias)
            Case.history.filter(id__in=case_ids)._raw_delete(connection.alias)
            Case.objects.filter(id__in=case_ids)._raw_delete(connection.alias)
            PersonNameKey.objects.filter(person_id__in=chunk)._raw_delete(connection.alias)
            PersonNumberKey.objects.filter(person_id__in=chunk)._raw_delete(connection.alias)
            Person.history.filter(id__in=chunk)._raw_delete(connection.alias)
            Person.objects.filter(id__in=chunk)._raw_delete(connection.alias)
    person_ids.clear()


# --------------------------------------------------------------------------- runs

# A SQLite run moves its heartbeat at every batch (under a second each); one silent
# this long belongs to a process that is gone even if its pid was reused meanwhile.
RUN_SILENT_SECONDS = 15 * 60


def _owner() -> dict:
    return {"host": socket.gethostname()[:255], "pid": os.getpid(), "thread": threading.get_ident()}


def _backend_pid():
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


def _start_run(organization) -> RegisterImportRun:
    """The run record, committed before anything is written (unless the caller holds a
    transaction, which then takes the whole import with it)."""
    return RegisterImportRun.objects.create(
        organization=organization, backend_pid=_backend_pid(), **_owner()
    )


def _roll_back_run(run: RegisterImportRun) -> int:
    """Delete what a run wrote (its people and everything written with them), then the
    run; returns the number of people removed."""
    ids = list(Person.objects.filter(import_run_id=run.pk).values_list("id", flat=True))
    n = len(ids)
    _remove_written(ids)
    RegisterImportRun.objects.filter(pk=run.pk, finished_at__isnull=True).delete()
    return n


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _abandoned(run: RegisterImportRun, me: dict, sessions, now) -> bool:
    if run.backend_pid is not None and sessions is not None:
        # PostgreSQL: the import is one transaction on one server session. Its session
        # gone (killed, crashed, disconnected) means rolled back; this very session
        # means an earlier attempt of this thread, over.
        live, own = sessions
        return run.backend_pid not in live or run.backend_pid == own
    if run.host == me["host"]:
        if run.pid == me["pid"]:
            # This process: only a run of this thread is over (its import has returned).
            return run.thread == me["thread"]
        if not _process_alive(run.pid):
            return True
    return (now - run.heartbeat_at).total_seconds() > RUN_SILENT_SECONDS


def _sessions() -> tuple[set[int], int] | None:
    """PostgreSQL: the server sessions alive, and this one."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity")
        live = {r[0] for r in cur.fetchall()}
    return live, _backend_pid()


def recover_interrupted_imports(*, now=None) -> int:
    """Roll back every register import whose process is gone before it finished (a
    killed worker, a power cut): its people are deleted with their name and number
    keys, cases, notes and history. Run when the worker starts (`manage.py
    recover_interrupted`), before every import, and harmless at any time: imports
    still running are left alone. Returns the number of runs rolled back."""
    pending = list(RegisterImportRun.objects.filter(finished_at__isnull=True))
    if not pending:
        return 0
    me, sessions, now = _owner(), _sessions(), now or timezone.now()
    n = 0
    for run in pending:
        if _abandoned(run, me, sessions, now):
            removed = _roll_back_run(run)
            logger.warning(
                "Rolled back interrupted register import run %s (%d people).", run.pk, removed
            )
            n += 1
    return n


def import_register(membership, data: bytes, filename: str, *, dry_run=False, request=None):
    """Check a file and, when it is clean and this is not a dry run, import it.

    Returns the plan; its report holds the errors or the counts.
    """
    require(membership, Permission.IMPORT_REGISTER)
    plan = plan_import(membership.organization, data, filename)
    if plan.ok and not dry_run:
        apply_import(membership, plan, request=request)
    return plan


class _name_index_deferred:
    """On SQLite, build the name search index after a large import, not row by row.

    A person has about 60 name keys, each at a random place in the (key, person)
    index: 100,000 people are six million random B-tree inserts, most of the
    import's time. Dropping the index and creating it again once the keys are in
    (a sort) is several times faster when the import is large next to the
    register. Both happen in the import's transaction, so a failed import leaves
    the index as it was, and readers keep seeing their snapshot meanwhile. Not
    done on PostgreSQL, where dropping the index would block every search of every
    organisation until the import commits; a large import is slower there.
    """

    MIN_PEOPLE = 5_000
    KEYS_PER_PERSON = 60

    def __init__(self, new_people: int):
        self.index = None
        if connection.vendor != "sqlite" or new_people < self.MIN_PEOPLE:
            return
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT MAX(id) FROM {connection.ops.quote_name(PersonNameKey._meta.db_table)}"  # noqa: S608
            )
            existing = cur.fetchone()[0] or 0
        # Rebuilding sorts every key; worth it while the new keys are a good share.
        if new_people * self.KEYS_PER_PERSON * 4 >= existing:
            self.index = next(i for i in PersonNameKey._meta.indexes if "key" in i.fields)

    def __enter__(self):
        if self.index is not None:
            with connection.cursor() as cur:
                cur.execute(f"DROP INDEX {connection.ops.quote_name(self.index.name)}")
        return self

    def __exit__(self, exc_type, *exc):
        if self.index is not None and exc_type is None:
            sql = str(self.index.create_sql(PersonNameKey, connection.schema_editor()))
            with connection.cursor() as cur:
                cur.execute(sql)
        # On an error the transaction rolls back, and the drop with it.
        return False


def _new_case(r: PlannedRow, person_id, organization, user, now) -> Case:
    """A case for a row (used for people being updated; new people get theirs in bulk)."""
    return Case(
        organization_id=organization.pk,
        person_id=person_id,
        created_at=now,
        updated_at=now,
        created_by_id=user.pk if user else None,
        **_case_values(r),
    )


def _case_values(r: PlannedRow) -> dict:
    c = r.case
    opened_on = c["opened_on"] or timezone.localdate()
    status = c["status"] or CaseStatus.OPEN
    closed = status == CaseStatus.CLOSED
    return {
        "case_type": c["case_type"],
        "status": status,
        "closure_reason": IMPORT_CLOSURE_REASON if closed else "",
        "closed_on": opened_on if closed else None,
        "exploitation": c["exploitation"],
        "countries_of_exploitation": c["countries_of_exploitation"],
        "opened_on": opened_on,
    }


def _person_values(r: PlannedRow) -> dict:
    p = r.person
    return {
        "external_id": r.external_id,
        "family_name": p["family_name"],
        "given_name": p["given_name"],
        "patronymic": p["patronymic"],
        "sex": p["sex"] or Sex.UNKNOWN,
        "birth_date": p["birth_date"],
        "birth_year": p["birth_year"],
        "citizenship": p["citizenship"],
        "region": p["region"],
        "phones": p["phones"],
        "document_numbers": p["document_numbers"],
    }


class _Inserter:
    """Multi-row INSERTs of new records of one model, returning their ids.

    Why not bulk_create: for 100,000 people, cases and notes the ORM's per-value
    compilation costs more than the database work. Values still go through each
    field's get_db_prep_save(), so encrypted fields encrypt and JSON fields
    serialise exactly as with save(); columns the import does not fill get the
    field's default once per import, and `fixed` values (organisation, author,
    time) are prepared once too. Signals are not sent: history rows are copied
    by _copy_history and the name index is written by the caller.

    prepare() touches no database; `late` columns (ids of records written just
    before, such as a case's person) are given to insert().
    """

    def __init__(self, model, per_row: tuple[str, ...], fixed: dict, late: tuple[str, ...] = ()):
        self.model = model
        self.connection = connection
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        by_name = {f.name: f for f in fields}
        row_fields = [by_name[n] for n in per_row]
        self.plain = [f.name for f in row_fields if type(f) in _PLAIN_FIELDS]
        self.prepared = [
            (f.name, f.get_db_prep_save) for f in row_fields if f.name not in self.plain
        ]
        self.fixed_fields = [f for f in fields if f.name not in per_row and f.name not in late]
        self.fixed_values = [
            f.get_db_prep_save(fixed[f.name] if f.name in fixed else f.get_default(), connection)
            for f in self.fixed_fields
        ]
        ordered = (
            [by_name[n] for n in late]
            + [by_name[n] for n in self.plain]
            + [by_name[n] for n, _prep in self.prepared]
            + self.fixed_fields
        )
        qn = connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in ordered)
        table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
        # Quoted names from the model's metadata only; every value is a parameter.
        self.head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608
        self.copy = f"COPY {table} ({pk}, {columns}) FROM STDIN"
        self.tail = f" RETURNING {qn(model._meta.pk.column)}"
        self.placeholder = "(" + ", ".join(["%s"] * len(ordered)) + ")"
        self.per_statement = max(1, min(BATCH_SIZE, _max_params() // len(ordered)))

    def prepare(self, rows: list[dict]) -> list[list]:
        """The database values of each row (encrypting, serialising); no query."""
        conn, plain, prepared = self.connection, self.plain, self.prepared
        return [
            [row[name] for name in plain] + [prep(row[name], conn) for name, prep in prepared]
            for row in rows
        ]

    def insert(self, rows: list[list], late: list | None = None, ids=None) -> list[int]:
        """Insert prepared rows (after their `late` values) and return their ids in order.
        On PostgreSQL `ids` may be given, taken beforehand with next_ids()."""
        if connection.vendor == "postgresql":
            return self._copy(rows, late, ids)
        ids: list[int] = []
        with connection.cursor() as cur:
            for i in range(0, len(rows), self.per_statement):
                chunk = rows[i : i + self.per_statement]
                params = []
                for j, values in enumerate(chunk, start=i):
                    if late is not None:
                        params.append(late[j])
                    params += values
                    params += self.fixed_values
                sql = self.head + ", ".join([self.placeholder] * len(chunk)) + self.tail
                cur.execute(sql, params)
                # Ids are handed out in the order of the VALUES rows on SQLite and
                # PostgreSQL alike; RETURNING itself promises no order, so sort.
                ids += sorted(r[0] for r in cur.fetchall())
        return ids

    def next_ids(self, n: int) -> list[int]:
        """PostgreSQL: n ids from the table's sequence (COPY cannot return them)."""
        if not n:
            return []
        with connection.cursor() as cur:
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [self.model._meta.db_table, self.model._meta.pk.column, n],
            )
            return [r[0] for r in cur.fetchall()]

    def _copy(self, rows: list[list], late: list | None, ids=None) -> list[int]:
        """PostgreSQL: COPY, several times faster than INSERT."""
        if ids is None:
            ids = self.next_ids(len(rows))
        with connection.cursor() as cur:
            fixed = self.fixed_values
            with cur.cursor.copy(self.copy) as copy:
                for i, values in enumerate(rows):
                    head = [ids[i]] if late is None else [ids[i], late[i]]
                    copy.write_row(head + values + fixed)
        return ids


# Fields whose database value is the Python value itself (str, int, bool, None).
# Exact types only: a subclass, such as an encrypted field, must prepare its value.
_PLAIN_FIELDS = {
    models.CharField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.BigIntegerField,
    models.BooleanField,
    models.ForeignKey,
}


def _max_params() -> int:
    """Bound parameters allowed in one statement."""
    if connection.vendor == "sqlite":
        import sqlite3

        try:
            return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except AttributeError:  # Python before 3.11
            return 999
    return 65_535


@dataclass
class _Batch:
    """One batch of new people, prepared for the database (see _Writer.prepare)."""

    people: list[list]
    keys: list[dict[int, tuple[int, int | None]]]  # key hash -> (tokens, spelling)
    cases: list[list]
    case_of: list[int]  # for each case, its person's position in the batch
    notes: list[list]
    note_of: list[int]  # for each note, its case's position in the batch
    numbers: list[set[tuple[str, int]]]  # each person's phone and document keys


class _Writer:
    """Writes new people with their name keys, cases and notes, batch by batch.

    Each batch is first prepared (names and notes encrypted, name keys hashed: no
    database) and then written with a few multi-row statements. Preparing in a
    helper thread while the previous batch is written was tried: encryption
    holds the interpreter lock, and on a busy two-core machine the overlap made
    the import slower, not faster.
    """

    def __init__(self, organization, user, now, hasher, run=None):
        user_id = user.pk if user else None
        self.now, self.user_id, self.hasher = now, user_id, hasher
        self.organization_id = organization.pk
        # progress(n): n new people written so far (or, on PostgreSQL, counted half
        # when their name keys are sent and half when the people are written).
        self.progress = None
        made = {"organization": organization.pk, "created_by": user_id}
        made |= {"created_at": now, "updated_at": now}
        self.people = _Inserter(
            Person, PERSON_COLUMNS, made | {"import_run": run.pk if run else None}
        )
        self.cases = _Inserter(Case, CASE_VALUE_COLUMNS, made, late=("person",))
        self.notes = _Inserter(
            CaseNote, ("body",), {"author": user_id, "created_at": now}, late=("case",)
        )

    def write_all(self, rows: list[PlannedRow], report: ImportReport) -> None:
        if connection.vendor == "postgresql":
            self._write_all_streaming(rows, report)
            return
        for i in range(0, len(rows), BATCH_SIZE):
            self.write(self.prepare(rows[i : i + BATCH_SIZE]), report)
            self._report(i + BATCH_SIZE, len(rows))

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(min(done, total))

    def _write_all_streaming(self, rows: list[PlannedRow], report: ImportReport) -> None:
        """PostgreSQL: the name keys (about 60 rows a person, most of the database's
        work) first, in one COPY fed while the rows are prepared, then the prepared
        people, cases and notes batch by batch.

        The database inserts the keys on one core while this process hashes and
        encrypts the following rows on the other: sending runs in psycopg's writer
        thread, which waits for the server without holding the interpreter lock.
        The people's ids are taken from the sequence beforehand, and the keys' foreign
        key is checked at commit (it is deferred), so the keys may precede the people.
        Still one transaction: a failure anywhere writes nothing.
        """
        person_ids = self.people.next_ids(len(rows))
        batches: list[_Batch] = []

        def key_lines():
            pending: list = []
            for i in range(0, len(rows), BATCH_SIZE):
                batch = self.prepare(rows[i : i + BATCH_SIZE])
                pending += zip(person_ids[i : i + BATCH_SIZE], batch.keys, strict=True)
                batch.keys = []
                batches.append(batch)
                self._report(min(i + BATCH_SIZE, len(rows)) // 2, len(rows))
                if len(pending) >= KEY_SORT_PEOPLE:
                    yield _name_key_lines(pending, by_key=True)
                    pending = []
            yield _name_key_lines(pending, by_key=True)

        _copy_name_key_lines(key_lines())
        for n, batch in enumerate(batches):
            self.write(batch, report, person_ids=person_ids[n * BATCH_SIZE : (n + 1) * BATCH_SIZE])
            self._report((len(rows) + min((n + 1) * BATCH_SIZE, len(rows))) // 2, len(rows))

    def prepare(self, rows: list[PlannedRow]) -> _Batch:
        """Everything about a batch that needs no database."""
        entries = self.hasher.entries
        with_case = [i for i, r in enumerate(rows) if r.case]
        noted = [n for n, i in enumerate(with_case) if rows[i].note]
        return _Batch(
            people=self.people.prepare(
                [
                    _person_values(r)
                    | {"external_id_key": register_number_key(self.organization_id, r.external_id)}
                    for r in rows
                ]
            ),
            keys=[
                entries(r.person["family_name"], r.person["given_name"], r.person["patronymic"])
                for r in rows
            ],
            cases=self.cases.prepare([_case_values(rows[i]) for i in with_case]),
            case_of=with_case,
            notes=self.notes.prepare([{"body": rows[with_case[n]].note} for n in noted]),
            note_of=noted,
            numbers=[
                number_keys(self.organization_id, r.person["phones"], r.person["document_numbers"])
                for r in rows
            ],
        )

    def write(self, batch: _Batch, report: ImportReport, person_ids=None) -> list[int]:
        """Writes a prepared batch; returns the new people's ids. Given `person_ids`
        (taken beforehand), its name keys are taken as written already."""
        keys_written = person_ids is not None
        person_ids = self.people.insert(batch.people, ids=person_ids)
        _copy_history(Person, person_ids, self.now, self.user_id)
        if not keys_written:
            _insert_name_keys(zip(person_ids, batch.keys, strict=True))
        _insert_number_keys(zip(person_ids, batch.numbers, strict=True))
        if not batch.cases:
            return person_ids
        case_ids = self.cases.insert(batch.cases, late=[person_ids[i] for i in batch.case_of])
        report.cases_created += len(case_ids)
        _copy_history(Case, case_ids, self.now, self.user_id)
        if batch.notes:
            self.notes.insert(batch.notes, late=[case_ids[n] for n in batch.note_of])
        report.notes_added += len(batch.notes)
        return person_ids


PERSON_COLUMNS = (
    "external_id",
    "external_id_key",
    "family_name",
    "given_name",
    "patronymic",
    "sex",
    "birth_date",
    "birth_year",
    "citizenship",
    "region",
    "phones",
    "document_numbers",
)
CASE_VALUE_COLUMNS = (
    "case_type",
    "status",
    "closure_reason",
    "closed_on",
    "exploitation",
    "countries_of_exploitation",
    "opened_on",
)

_HISTORY_OWN = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}


def _copy_history(model, ids: list[int], now, user_id) -> None:
    """The "created" history rows of freshly inserted records, copied in SQL.

    Copying the stored (already encrypted) columns avoids encrypting every name a
    second time, which bulk_create_with_history would do and which doubles the
    import time. The rows are what simple_history writes on save().
    """
    if not ids:
        return
    history = model.history.model
    qn = connection.ops.quote_name
    columns = [f.column for f in history._meta.concrete_fields if f.column not in _HISTORY_OWN]
    # The historical model repeats the tracked columns under the same names.
    source = [qn(c) for c in columns]
    target = ", ".join([*source, "history_date", "history_type", "history_user_id"])
    target += ", history_change_reason"
    values = ", ".join([*source, "%s", "%s", "%s", "%s"])
    if connection.vendor == "postgresql":
        where, ids = f"{qn(model._meta.pk.column)} = ANY(%s)", [list(ids)]
    else:
        where = f"{qn(model._meta.pk.column)} IN ({', '.join(['%s'] * len(ids))})"
    # Only quoted names from the models' metadata are put into the text; values are parameters.
    sql = f"INSERT INTO {qn(history._meta.db_table)} ({target}) SELECT {values} FROM {qn(model._meta.db_table)} WHERE {where}"  # noqa: S608, E501
    with connection.cursor() as cur:
        cur.execute(
            sql,
            [connection.ops.adapt_datetimefield_value(now), "+", user_id, "register import", *ids],
        )


def _insert_name_keys(people) -> None:
    """Write the blind-index rows of (person id, {key hash: (tokens, spelling)}) pairs,
    fast, with the shape search ranks by (services.name_key_entries).

    About 60 rows per person: millions for a large register. COPY on PostgreSQL;
    on SQLite multi-row INSERTs, several times cheaper than executemany().
    """
    qn = connection.ops.quote_name
    table = qn(PersonNameKey._meta.db_table)
    person = qn(PersonNameKey._meta.get_field("person").column)
    columns = f"{person}, {qn('key')}, {qn('tokens')}, {qn('spelling')}"
    rows = (
        (person_id, key, tokens, spelling)
        for person_id, entries in people
        for key, (tokens, spelling) in entries.items()
    )
    if connection.vendor == "postgresql":
        _copy_name_key_lines([_name_key_lines(people)])
        return
    with connection.cursor() as cur:
        if connection.vendor != "sqlite":
            sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s)"  # noqa: S608
            cur.executemany(sql, list(rows))
            return
        flat: list = [value for row in rows for value in row]
        # The sqlite3 connection itself, with its own placeholders: Django's cursor
        # would rewrite the long statement text thousands of times.
        raw = connection.connection
        per_statement = min(2000, _max_params() // 4)
        head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608
        full = head + ", ".join(["(?, ?, ?, ?)"] * per_statement)
        step = 4 * per_statement
        for i in range(0, len(flat), step):
            chunk = flat[i : i + step]
            if len(chunk) == step:
                raw.execute(full, chunk)
            else:
                raw.execute(head + ", ".join(["(?, ?, ?, ?)"] * (len(chunk) // 4)), chunk)


_NAME_KEY_COPY_COLUMNS = ("key", "person_id", "tokens", "spelling")
_COPY_NULL = "\\N"


def _name_key_lines(people, *, by_key: bool = False) -> str:
    """COPY text (_NAME_KEY_COPY_COLUMNS) of name-key rows of (person id, {key hash:
    (tokens, spelling)}) pairs: whole numbers only, so nothing needs escaping; None is
    COPY's null. `by_key` sorts the lines, which start with the key: rows of one key
    then arrive together and the database fills each page of the (key, …) index once
    rather than jumping between pages for every row (a third less of its work). The
    text order of the numbers is not their numeric order, but it keeps them in runs,
    which is what counts, and sorts twice as fast as the numbers would."""
    lines = [
        f"{key}\t{person_id}\t{tokens}\t{_COPY_NULL if spelling is None else spelling}\n"
        for person_id, entries in people
        for key, (tokens, spelling) in entries.items()
    ]
    if by_key:
        lines.sort()
    return "".join(lines)


def _copy_name_key_lines(chunks) -> None:
    """PostgreSQL: one COPY of the name keys from an iterable of text chunks. A writer
    thread sends each chunk while the next one is made (psycopg's QueuedLibpqWriter)."""
    from psycopg.copy import QueuedLibpqWriter

    qn = connection.ops.quote_name
    table = qn(PersonNameKey._meta.db_table)
    columns = ", ".join(qn(c) for c in _NAME_KEY_COPY_COLUMNS)
    with connection.cursor() as cur:
        raw = cur.cursor
        with raw.copy(
            f"COPY {table} ({columns}) FROM STDIN", writer=QueuedLibpqWriter(raw)
        ) as copy:
            for chunk in chunks:
                if chunk:
                    copy.write(chunk)


def _insert_number_keys(people) -> None:
    """Write the phone and document-number keys of (person id, {(kind, hash)}) pairs:
    one or two a person, so COPY on PostgreSQL and one executemany() elsewhere."""
    rows = [(person_id, kind, key) for person_id, keys in people for kind, key in keys]
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(PersonNumberKey._meta.db_table)
    person = qn(PersonNumberKey._meta.get_field("person").column)
    columns = f"{person}, {qn('kind')}, {qn('key')}"
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        cur.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s)", rows)  # noqa: S608


def _update_people(rows, organization, user, now, report) -> None:
    """Update people already in the register, one at a time (a re-import is rare).

    Filled cells replace stored values; empty cells keep them; phones and document
    numbers are added when new. Saving writes the history row as any edit does.
    """
    if not rows:
        return
    people = {}
    ids = [r.existing_id for r in rows]
    for i in range(0, len(ids), BATCH_SIZE):
        # Locked until the import commits: an edit saved meanwhile in a form would
        # otherwise be overwritten (the form's save waits, then sees the new version).
        people.update(
            Person.objects.select_for_update()
            .filter(organization_id=organization.pk)
            .in_bulk(ids[i : i + BATCH_SIZE])
        )
    for r in rows:
        person = people[r.existing_id]
        values = r.person
        names_before = (person.family_name, person.given_name, person.patronymic)
        numbers_before = (list(person.phones or []), list(person.document_numbers or []))
        person.family_name = values["family_name"]
        person.given_name = values["given_name"]
        for name in ("patronymic", "citizenship", "region", "sex"):
            if values[name]:
                setattr(person, name, values[name])
        if values["birth_date"]:
            person.birth_date, person.birth_year = values["birth_date"], values["birth_year"]
        for name, new in (
            ("phones", values["phones"]),
            ("document_numbers", values["document_numbers"]),
        ):
            current = list(getattr(person, name) or [])
            current += [n for n in new if n not in current]
            setattr(person, name, current)
        person.version += 1
        person.updated_at = now
        person._history_user = user
        person.save()
        if names_before != (person.family_name, person.given_name, person.patronymic):
            index_person_name(person)
        if numbers_before != (person.phones, person.document_numbers):
            index_person_numbers(person)
        if r.case is not None:
            _update_or_open_case(person, r, organization, user, now, report)


def _update_or_open_case(person, r: PlannedRow, organization, user, now, report) -> None:
    """The row's case details go to the person's most recent case, or open one."""
    case = (
        Case.objects.select_for_update().filter(person=person).order_by("-opened_on", "-id").first()
    )
    c = r.case
    if case is None:
        case = _new_case(r, person.pk, organization, user, now)
        report.cases_created += 1
    else:
        report.cases_updated += 1
        case.case_type = c["case_type"]
        if c["opened_on"]:
            case.opened_on = c["opened_on"]
        if c["exploitation"]:
            case.exploitation = c["exploitation"]
        if c["countries_of_exploitation"]:
            case.countries_of_exploitation = c["countries_of_exploitation"]
        status = c["status"]
        if status == CaseStatus.CLOSED:
            if case.status != CaseStatus.CLOSED:
                case.closure_reason = IMPORT_CLOSURE_REASON
                case.closed_on = case.opened_on or timezone.localdate()
            case.status = status
        elif status:
            if case.status == CaseStatus.CLOSED:
                # The workflow reopens a closed case rather than making it new again.
                status = CaseStatus.REOPENED if status == CaseStatus.OPEN else status
                case.closure_reason, case.closed_on = "", None
            case.status = status
        case.version += 1
        case.updated_at = now
    case._history_user = user
    case.save()
    if r.note and r.note not in set(
        CaseNote.objects.filter(case=case).values_list("body", flat=True)
    ):
        CaseNote.objects.create(case=case, body=r.note, author=user, created_at=now)
        report.notes_added += 1
