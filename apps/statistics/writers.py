"""The national report as a file: JSON, CSV or XLSX. Used by the command and by the
downloads of the statistics pages, so that both give the same file.

- JSON: the list of tables of `Report.as_json()` (codes only, no labels).
- CSV (long format, one line per cell): table, row_type ("cell" or "total"), then for
  each of up to three dimensions its name, the code and the label in the chosen
  language, then count (a number or "suppressed"). UTF-8 with a BOM for Excel. A
  perturbed report starts with a line of row_type "note" saying so (text in label_1).
- XLSX: a sheet of notes, then one sheet per table with codes and labels side by side
  and the total last. Sheets are named by the table's title in the chosen language (the
  table's code stays in the first row).

Text that a spreadsheet would run as a formula is neutralised
(apps.people.validation.neutralise_formula).
"""

from __future__ import annotations

import csv
import io
import json

from django.utils import translation
from django.utils.translation import gettext as _

from apps.core.dates import local_date
from apps.core.spreadsheets import sheet_name
from apps.people.validation import neutralise_formula
from apps.statistics.report import Report

FORMATS = ("json", "csv", "xlsx")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_DIMENSIONS = 3


def _labels(table_name: str, dimension: str) -> dict[str, str]:
    try:
        from apps.statistics.display import code_labels
    except ImportError:  # the labels module is optional for the files: codes still say it all
        return {}
    return code_labels(table_name, dimension)


def _title(kind: str, name: str) -> str:
    try:
        from apps.statistics import display

        return str(display.table_title(name) if kind == "table" else display.dimension_title(name))
    except (ImportError, AttributeError):
        return name


def write_json(report: Report, language: str = "en") -> bytes:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2).encode("utf-8")


def write_csv(report: Report, language: str = "en") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = ["table", "row_type"]
    for i in range(1, MAX_DIMENSIONS + 1):
        header += [f"dimension_{i}", f"code_{i}", f"label_{i}"]
    writer.writerow(header + ["count"])
    with translation.override(language):
        if any(t.perturbed for t in report.tables):
            from apps.statistics.display import perturbation_note

            note = neutralise_formula(perturbation_note())
            writer.writerow(["notes", "note", "", "", note] + [""] * (3 * MAX_DIMENSIONS - 2))
        for table in report.tables:
            labels = {d: _labels(table.name, d) for d in table.dimensions}
            for row in table.rows:
                line = [table.name, "cell"]
                for d in table.dimensions:
                    code = str(row[d])
                    line += [d, code, str(labels[d].get(code, code))]
                line += [""] * (3 * (MAX_DIMENSIONS - len(table.dimensions)))
                writer.writerow([neutralise_formula(v) for v in line] + [row["count"]])
            writer.writerow([table.name, "total"] + [""] * (3 * MAX_DIMENSIONS) + [table.total])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(report: Report, language: str = "en") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    with translation.override(language):
        # Sheet names are what the reader sees first: words in their language.
        notes = book.create_sheet(sheet_name(_("Notes"), taken))
        scope = report.scope
        # The period as the reader writes dates; the data cells below carry no dates.
        notes.append([f"{local_date(scope.date_from)} – {local_date(scope.date_to)}"])
        if any(t.perturbed for t in report.tables):
            from apps.statistics.display import perturbation_note

            notes.append([neutralise_formula(perturbation_note())])
            notes.cell(row=notes.max_row, column=1).font = bold
        for note in report.notes:
            notes.append([neutralise_formula(str(note))])
        notes.column_dimensions["A"].width = 120
        for table in report.tables:
            sheet = book.create_sheet(sheet_name(_title("table", table.name), taken))
            sheet.append([neutralise_formula(_title("table", table.name)), table.name])
            sheet.cell(row=1, column=1).font = bold
            header = []
            for d in table.dimensions:
                header += [d, neutralise_formula(_title("dimension", d))]
            sheet.append(header + ["count"])
            for cell in sheet[2]:
                cell.font = bold
            labels = {d: _labels(table.name, d) for d in table.dimensions}
            for row in table.rows:
                line = []
                for d in table.dimensions:
                    code = str(row[d])
                    line += [
                        neutralise_formula(code),
                        neutralise_formula(str(labels[d].get(code, code))),
                    ]
                sheet.append(line + [row["count"]])
            sheet.append(["total"] + [""] * (2 * len(table.dimensions) - 1) + [table.total])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for i in range(2 * len(table.dimensions)):
                sheet.column_dimensions[chr(ord("A") + i)].width = 28 if i % 2 else 18
            sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WRITERS = {"json": write_json, "csv": write_csv, "xlsx": write_xlsx}


def write(report: Report, fmt: str, language: str = "en") -> bytes:
    if fmt not in WRITERS:
        raise ValueError(f"format must be one of {FORMATS}")
    return WRITERS[fmt](report, language)
