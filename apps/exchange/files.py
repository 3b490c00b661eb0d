"""HTCDS records as JSON, CSV and XLSX files, and back.

Writing: JSON is a list with one object per case; CSV and XLSX have one header row of
HTCDS field names and one row per case, multi-select values joined with ";", and every
cell a spreadsheet would run as a formula neutralised.

Reading reuses the register import's CSV and XLSX readers (encoding, separator and
workbook handling, the same messages) and its ImportReport.
"""

import csv
import io
import json

from django.utils.translation import gettext as _

from apps.core.input_limits import (
    JsonTooDeep,
    control_character_message,
    load_json,
    visible_text,
)
from apps.exchange.htcds import HTCDS_FIELDS, REQUIRED_FIELDS
from apps.people.register_import import (
    MAX_FILE_BYTES,
    ImportReport,
    RegisterFile,
    _csv_lines,
    _xlsx_lines,
)
from apps.people.validation import neutralise_formula

FORMATS = ("json", "csv", "xlsx")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Exchange files are a referral's worth of cases, not a register. Each case goes through
# the people and cases services (about 13 ms a case on SQLite), so 1,000 cases take some
# 13 s in the request; a register belongs in the register import.
MAX_RECORDS = 1_000


# --------------------------------------------------------------------------- writing


def _cell(value):
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, list):
        value = ";".join(value)
    return neutralise_formula(value)


def _columns(records: list[dict]) -> list[str]:
    columns: list[str] = []
    for record in records:
        columns.extend(k for k in record if k not in columns)
    return columns


def to_json(records: list[dict]) -> bytes:
    return json.dumps(records, ensure_ascii=False, indent=2).encode()


def to_csv(records: list[dict]) -> bytes:
    columns = _columns(records)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_cell(record.get(c, "")) for c in columns])
    # A byte-order mark so that Excel opens the UTF-8 file with the right letters.
    return ("\ufeff" + out.getvalue()).encode()


def to_xlsx(records: list[dict]) -> bytes:
    from openpyxl import Workbook

    columns = _columns(records)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "HTCDS"
    sheet.append(columns)
    for record in records:
        sheet.append([_cell(record.get(c, "")) for c in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


WRITERS = {"json": to_json, "csv": to_csv, "xlsx": to_xlsx}


# --------------------------------------------------------------------------- reading


def read_records(data: bytes, filename: str) -> tuple[list[tuple[int, dict]], ImportReport]:
    """(row, record) pairs of a JSON, CSV or XLSX file, and the report of problems with
    the file as a whole. A JSON record's row is its position in the list (from 1); a
    spreadsheet row is its line, the header being row 1."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    report = ImportReport()
    if ext not in FORMATS:
        report.add_error(None, "", filename, _("Upload a .json, .csv or .xlsx file."))
        return [], report
    if len(data) > MAX_FILE_BYTES:
        report.add_error(
            None,
            "",
            "",
            _("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)},
        )
        return [], report
    records = _json_records(data, report) if ext == "json" else _sheet_records(data, ext, report)
    _check_control_characters(records, report)
    if report.ok and not records:
        report.add_error(None, "", "", _("The file holds no cases."))
    if len(records) > MAX_RECORDS:
        report.add_error(
            None,
            "",
            "",
            _("The file has more than %(limit)d cases. Split it into smaller files.")
            % {"limit": MAX_RECORDS},
        )
        records = []
    return records, report


def _check_control_characters(records: list[tuple[int, dict]], report: ImportReport) -> None:
    """Every name and text value of every record, in JSON lists too: no control characters."""
    for row, record in records:
        for name, value in record.items():
            texts = [name, *(value if isinstance(value, list) else [value])]
            for text in texts:
                message = control_character_message(text) if isinstance(text, str) else None
                if message:
                    report.add_error(row, visible_text(name), visible_text(text), message)
                    break


def _json_records(data: bytes, report: ImportReport) -> list[tuple[int, dict]]:
    try:
        content = load_json(data.decode("utf-8-sig"))
    except JsonTooDeep as exc:
        report.add_error(None, "", "", str(exc))
        return []
    except (UnicodeDecodeError, ValueError):
        report.add_error(None, "", "", _("The file is not valid JSON in UTF-8 encoding."))
        return []
    if isinstance(content, dict):
        content = [content]
    if not isinstance(content, list):
        report.add_error(
            None, "", "", _("The JSON file must be a list of cases, one object per case.")
        )
        return []
    records = []
    for row, item in enumerate(content, start=1):
        if not isinstance(item, dict):
            report.add_error(row, "", str(item)[:80], _("This entry is not a JSON object."))
            continue
        unknown = [k for k in item if k not in HTCDS_FIELDS]
        for name in unknown:
            report.add_error(row, name, name, _("Not a field of HTCDS v2."))
        records.append((row, item))
    return records


def _sheet_records(data: bytes, ext: str, report: ImportReport) -> list[tuple[int, dict]]:
    register = RegisterFile(format=ext, report=report)
    lines = _csv_lines(data, register) if ext == "csv" else _xlsx_lines(data, register)
    if lines is None:
        return []
    header: list[str] | None = None
    records: list[tuple[int, dict]] = []
    for row, cells in lines:
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            if not _check_header(header, row, report):
                return []
            continue
        values = {
            name: cells[i].strip() if i < len(cells) else ""
            for i, name in enumerate(header)
            if name
        }
        if not records and values.get("prs_FirstName") == "First Name":
            # IOM's Excel template has a row of field labels under the names.
            continue
        records.append((row, values))
    return records


def _check_header(header: list[str], row: int, report: ImportReport) -> bool:
    seen = set()
    for name in header:
        # Empty headers are tolerated: IOM's template numbers its rows in column A.
        if not name:
            continue
        if name not in HTCDS_FIELDS:
            report.add_error(row, name, name, _("Not a field of HTCDS v2."))
        elif name in seen:
            report.add_error(
                row, name, name, _("This column appears more than once in the header row.")
            )
        seen.add(name)
    for name in REQUIRED_FIELDS:
        if name not in seen:
            report.add_error(
                row, name, "", _("This required column is missing from the header row.")
            )
    return report.ok
