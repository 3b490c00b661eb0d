"""A spreadsheet that would expand to far more than it weighs is refused unopened, by what
its zip directory declares (size, parts, compression ratio), before openpyxl parses it."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from apps.core.input_limits import check_zip
from apps.exchange.services import plan_import as plan_htcds_import
from apps.people.register_import import plan_import

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"


def workbook_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["family_name", "given_name"])
    workbook.active.append(["Асанова", "Бермет"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def inflated(extra_bytes: int = 0, extra_parts: int = 0) -> bytes:
    """A real workbook whose sheet is padded with `extra_bytes` of blanks (valid XML that
    compresses about a thousand times) and `extra_parts` more tiny parts."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename != SHEET or not extra_bytes:
                target.writestr(info.filename, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with target.open(SHEET, "w", force_zip64=True) as part:
                part.write(head + b"<sheetData>")
                chunk = b" " * MB
                for _ in range(extra_bytes // MB):
                    part.write(chunk)
                part.write(tail)
        for i in range(extra_parts):
            target.writestr(f"customXml/item{i}.xml", b"<a/>")
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return inflated(extra_bytes=320 * MB)


def test_the_bomb_is_small_on_the_wire(bomb):
    assert len(bomb) < 2 * MB


def test_register_import_refuses_a_workbook_that_expands_to_hundreds_of_mb(org, bomb):
    plan = plan_import(org, bomb, "register.xlsx")
    assert not plan.ok
    [error] = plan.report.errors
    assert error.row is None
    assert "would expand to 320 MB" in error.reason and "refused unopened" in error.reason


def test_htcds_import_refuses_it_too(org, bomb):
    plan = plan_htcds_import(org, bomb, "cases.xlsx")
    assert not plan.ok
    assert any("would expand to" in e.reason for e in plan.report.errors)


def test_import_page_answers_400_with_the_message(client, org, make_member, login, bomb):
    login(make_member(org, "org_admin"))
    upload = io.BytesIO(bomb)
    upload.name = "register.xlsx"
    response = client.post("/people/import/", {"file": upload})
    assert response.status_code == 400
    assert "refused unopened" in response.content.decode()


def test_a_workbook_of_too_many_parts_is_refused(org):
    plan = plan_import(org, inflated(extra_parts=1500), "register.xlsx")
    assert not plan.ok
    assert "parts" in plan.report.errors[0].reason


def test_a_part_compressed_far_more_than_a_spreadsheet_is_refused():
    message = check_zip(inflated(extra_bytes=40 * MB))
    assert message and "compressed" in message


def test_limits_are_settings(settings):
    settings.KOLDOO_ZIP_MAX_UNCOMPRESSED_BYTES = 1024
    assert "would expand to" in check_zip(workbook_bytes())


def test_an_ordinary_workbook_still_imports(org):
    plan = plan_import(org, workbook_bytes(), "register.xlsx")
    assert plan.ok, plan.report.errors
    assert plan.report.people_created == 1
