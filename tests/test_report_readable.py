"""A readable and useful national report: contents and sections on the page and in the PDF,
charts in the PDF, and margins published beside the three-way victims table with
suppression that keeps every hidden cell hidden across the linked tables."""

import dataclasses
import hashlib
import random
import re
from datetime import date
from itertools import product

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.statistics import display, sources
from apps.statistics.disclosure import protect, suppress_linked
from apps.statistics.pdf import report_pdf, report_story
from apps.statistics.report import MARGINS, SUPPRESSED, ReportScope, Table, build_report

URL = "/statistics/"
LAST_YEAR = timezone.localdate().year - 1
YEAR = (date(LAST_YEAR, 1, 1), date(LAST_YEAR, 12, 31))
# The report's own sections, then those of the domain apps' tables (apps.statistics.sources)
# in the order of INSTALLED_APPS.
SECTION_ORDER = ["victims", "cases", "assistance", "referrals", "shelters", "hotline"]
for _source in sources.source_tables():
    if _source.section[0] not in SECTION_ORDER:
        SECTION_ORDER.append(_source.section[0])


@pytest.fixture
def admin(org, make_member):
    return make_member(org, "org_admin")


@pytest.fixture
def victims(admin, make_person, make_case):
    """Twenty-six victims last year, mostly adults exploited for labour: a cross-tab with
    small cells, margins with large ones. The small groups have three persons each, so
    that whatever the noise (at most 2) each has another small or hidden group beside it
    and the large ones are never needed to protect them."""
    plan = [("F", "1990", ["forced_labour"])] * 12 + [("M", "1985", ["forced_begging"])] * 8
    plan += [("F", "2012", ["sexual"])] * 3 + [("M", "2011", ["forced_labour", "sexual"])] * 3
    for i, (sex, born, forms) in enumerate(plan):
        person = make_person(admin, sex=sex, birth_date=born)
        make_case(
            admin,
            person,
            exploitation=forms,
            opened_on=date(LAST_YEAR, 1 + i % 12, 10),
            exploitation_began_on=date(LAST_YEAR, 1, 5),
        )
    return plan


def controlled(org_ids, period=YEAR):
    return build_report(ReportScope(period[0], period[1], tuple(org_ids), disclosure_control=True))


# --- margins beside the cross-tab --------------------------------------------------------


def test_the_report_publishes_margins_of_the_victims_cross_tab(admin, victims):
    report = build_report(ReportScope(*YEAR, (admin.organization_id,), disclosure_control=False))
    by_form = {r["exploitation"]: r["count"] for r in report.table("victims_by_exploitation").rows}
    by_sex_age = {
        (r["sex"], r["age_group"]): r["count"] for r in report.table("victims_by_sex_age").rows
    }
    assert (by_form["labour"], by_form["sexual"], by_form["both"]) == (20, 3, 3)
    assert by_sex_age[("F", "adult")] == 12 and by_sex_age[("M", "child")] == 3
    assert report.table("victims_by_exploitation").total == 26


@pytest.mark.parametrize("installation", range(8))
def test_key_figures_survive_when_the_cross_tab_is_mostly_hidden(
    admin, victims, settings, installation
):
    # Each installation's key draws other noise, so other cells become small.
    key = hashlib.sha256(b"installation %d" % installation).digest()
    settings.KEYRING = dataclasses.replace(settings.KEYRING, index_key=key)
    report = controlled([admin.organization_id])
    cross = report.table("victims_by_exploitation_sex_age")
    by_form = report.table("victims_by_exploitation")
    by_sex_age = report.table("victims_by_sex_age")
    # The large groups are readable in the margins (perturbed, within 2 of the truth).
    labour = next(r["count"] for r in by_form.rows if r["exploitation"] == "labour")
    women = next(
        r["count"] for r in by_sex_age.rows if (r["sex"], r["age_group"]) == ("F", "adult")
    )
    assert isinstance(labour, int) and abs(labour - 20) <= 2
    assert isinstance(women, int) and abs(women - 12) <= 2
    # Zeros that protect nothing are not hidden wholesale any more.
    assert sum(r["count"] == SUPPRESSED for r in cross.rows) < len(cross.rows) // 2
    for table in (cross, by_form, by_sex_age):
        assert all(r["count"] == SUPPRESSED or not 0 < r["count"] < 5 for r in table.rows)


def test_a_margin_over_the_same_persons_carries_the_same_noise_as_the_cell(
    admin, make_person, make_case
):
    """Why margins are treated as exact: when the other cells of a line are zero, the
    margin's persons are the cell's persons, so its noise is the cell's noise and it would
    publish the cell's value to the unit."""
    for _ in range(7):
        person = make_person(admin, sex="F", birth_date="1990")
        make_case(admin, person, exploitation=["sexual"], opened_on=date(LAST_YEAR, 5, 1))
    report = controlled([admin.organization_id])
    cell = next(
        r["count"]
        for r in report.table("victims_by_exploitation_sex_age").rows
        if (r["exploitation"], r["sex"], r["age_group"]) == ("sexual", "F", "adult")
    )
    margin = next(
        r["count"]
        for r in report.table("victims_by_exploitation").rows
        if r["exploitation"] == "sexual"
    )
    assert cell == margin == report.table("victims_by_exploitation").total


def grid_with_margins(cells: dict):
    rows = sorted({r for r, _c in cells})
    cols = sorted({c for _r, c in cells})
    return (
        {r: sum(cells[(r, c)] for c in cols) for r in rows},
        {c: sum(cells[(r, c)] for r in rows) for c in cols},
    )


def test_margins_protected_one_by_one_would_give_a_hidden_cell_away():
    """The attack the linked suppression stops: the cross-tab protected alone hides
    (labour, M) = 3 with (labour, F) = 20 in its row; publish the row margin
    labour = 23 and the column margins, and with the sexual row shown whole,
    labour x M = margin(M) - sexual x M."""
    cells = {("labour", "F"): 20, ("labour", "M"): 3, ("sexual", "F"): 30, ("sexual", "M"): 9}
    rows, cols = grid_with_margins(cells)
    table = Table(
        "t",
        ["e", "s"],
        [{"e": e, "s": s, "count": n} for (e, s), n in cells.items()],
        sum(cells.values()),
    )
    # One table alone: 3 and its row, column and opposite corner are hidden, and nothing
    # is determined from the table's own lines...
    hidden_alone = {(r["e"], r["s"]) for r in protect(table, 5).rows if r["count"] == SUPPRESSED}
    assert ("labour", "M") in hidden_alone
    # ...which is what the linked suppression must also guarantee with the margins shown.
    hidden, hidden_rows, hidden_cols = suppress_linked(cells, rows, cols, 5)
    assert ("labour", "M") in hidden
    for key in hidden:
        if cells[key]:
            assert other_values(cells, hidden, hidden_rows, hidden_cols, key)


def other_values(cells, hidden, hidden_rows, hidden_cols, target) -> bool:
    """Exhaustively: is there a non-negative integer assignment of the hidden cells,
    agreeing with every shown cell, every shown row and column total and the grand total,
    in which `target` (a cell, or ("row", r) / ("col", c) for a hidden total) differs from
    its true value?"""
    rows = sorted({r for r, _c in cells})
    cols = sorted({c for _r, c in cells})
    unknown = sorted(hidden)
    mass = sum(cells[k] for k in unknown)
    row_need = {
        r: sum(cells[(r, c)] for c in cols if (r, c) in hidden)
        for r in rows
        if r not in hidden_rows
    }
    col_need = {
        c: sum(cells[(r, c)] for r in rows if (r, c) in hidden)
        for c in cols
        if c not in hidden_cols
    }

    def true_value(assign):
        if target[0] == "row":
            return sum(assign.get((target[1], c), cells[(target[1], c)]) for c in cols)
        if target[0] == "col":
            return sum(assign.get((r, target[1]), cells[(r, target[1])]) for r in rows)
        return assign[target]

    want = true_value({k: cells[k] for k in unknown})

    def search(i, left, assign):
        if i == len(unknown):
            return (
                left == 0
                and all(v == 0 for v in row_need.values())
                and all(v == 0 for v in col_need.values())
                and true_value(assign) != want
            )
        r, c = unknown[i]
        top = min(left, row_need.get(r, left), col_need.get(c, left))
        for v in range(top + 1):
            assign[(r, c)] = v
            if r in row_need:
                row_need[r] -= v
            if c in col_need:
                col_need[c] -= v
            found = search(i + 1, left - v, assign)
            if r in row_need:
                row_need[r] += v
            if c in col_need:
                col_need[c] += v
            if found:
                return True
        del assign[(r, c)]
        return False

    return search(0, mass, {})


@pytest.mark.parametrize("shape", [(2, 2), (2, 3), (3, 2), (3, 3)])
def test_property_no_hidden_cell_or_margin_follows_from_the_linked_tables(shape):
    """Random small cross-tabs published with both margins and the grand total: nothing
    small is shown, and every hidden non-zero cell and hidden non-zero margin cell could
    still have another value given everything shown."""
    rng = random.Random(f"linked-{shape}")
    tested = 0
    while tested < 100:
        cells = {
            key: rng.choice([0, 0, 0, 1, 2, 3, 4, 6, 9])
            for key in product(range(shape[0]), range(shape[1]))
        }
        rows, cols = grid_with_margins(cells)
        if sum(cells.values()) < 5:
            continue
        hidden, hidden_rows, hidden_cols = suppress_linked(cells, rows, cols, 5)
        if sum(cells[k] for k in hidden) > 20:
            continue  # keep the exhaustive search small
        tested += 1
        for key, n in cells.items():
            assert key in hidden or not 0 < n < 5, (cells, hidden)
        assert all(r in hidden_rows or not 0 < n < 5 for r, n in rows.items())
        assert all(c in hidden_cols or not 0 < n < 5 for c, n in cols.items())
        for key in hidden:
            if cells[key]:
                assert other_values(cells, hidden, hidden_rows, hidden_cols, key), (
                    cells,
                    hidden,
                    hidden_rows,
                    hidden_cols,
                    key,
                )
        for r in hidden_rows:
            if rows[r]:
                assert other_values(cells, hidden, hidden_rows, hidden_cols, ("row", r))
        for c in hidden_cols:
            if cols[c]:
                assert other_values(cells, hidden, hidden_rows, hidden_cols, ("col", c))


def test_every_margin_named_is_a_table_of_the_report():
    from apps.statistics.report import TABLES

    names = {n for n, _d in TABLES}
    dims = dict(TABLES)
    for cross, (rows, cols) in MARGINS.items():
        assert {cross, rows, cols} <= names
        assert sorted(dims[rows] + dims[cols]) == sorted(dims[cross])


# --- contents and sections on the page ---------------------------------------------------


def test_the_page_has_contents_linking_to_every_section_in_order(client, login, admin, victims):
    login(admin)
    html = client.get(
        URL, {"period": "year", "year": str(LAST_YEAR), "disclosure_control": "on"}
    ).content.decode()
    toc = html[html.index('class="stats-toc"') :]
    toc = toc[: toc.index("</nav>")]
    links = re.findall(r'href="#section-([a-z_-]+)"', toc)
    assert links == SECTION_ORDER
    for slug in SECTION_ORDER:
        assert f'<section id="section-{slug}"' in html
    # Every table is reachable from the contents, and every link has its target.
    for target in re.findall(r'href="#([a-z0-9-]+)"', toc):
        assert f'id="{target}"' in html, target
    assert 'href="#chart-victims-by-sex-age-h"' in toc


def test_every_table_of_the_report_is_in_a_section(admin, victims):
    report = controlled([admin.organization_id])
    sections = display.shown_sections(report)
    assert [s.slug for s in sections] == SECTION_ORDER
    placed = [t.name for s in sections for t in s.tables]
    assert sorted(placed) == sorted(t.name for t in report.tables)


# --- the PDF -----------------------------------------------------------------------------


def test_the_pdf_has_contents_sections_and_a_chart_per_table_with_numbers(admin, victims):
    from reportlab.graphics.shapes import Drawing
    from reportlab.platypus import KeepTogether, Paragraph

    report = build_report(ReportScope(*YEAR, (admin.organization_id,), disclosure_control=False))

    def flat(flowables):
        for f in flowables:
            if isinstance(f, KeepTogether):
                yield from flat(f._content)
            else:
                yield f

    story = list(flat(report_story(report, ["Org"], 500)))
    drawings = [f for f in story if isinstance(f, Drawing)]
    with_numbers = [
        t for t in report.tables if any(isinstance(r["count"], int) and r["count"] for r in t.rows)
    ]
    assert len(drawings) == len(with_numbers) >= 5
    texts = [f.text for f in story if isinstance(f, Paragraph)]
    # Contents: a link to each section, each section heading an anchor.
    for section in display.shown_sections(report):
        assert any(f'href="#{section.anchor}"' in t for t in texts), section.slug
        assert any(f'name="{section.anchor}"' in t for t in texts), section.slug


def test_the_pdf_draws_the_trend_as_a_line_broken_at_a_suppressed_month(admin, victims):
    from reportlab.graphics.charts.linecharts import HorizontalLineChart

    from apps.statistics.pdf import chart_drawing

    report = controlled([admin.organization_id])
    months = display.shown_table(report.table("cases_opened_by_month"), report)
    drawing = chart_drawing(months, 500)
    if drawing is None:  # every month suppressed: nothing to draw, the table says it
        assert all(r.suppressed or r.count == 0 for r in months.rows)
        return
    line = next(c for c in drawing.contents if isinstance(c, HorizontalLineChart))
    for i, row in enumerate(months.rows):
        drawn = [series[i] for series in line.data if series[i] is not None]
        assert drawn == ([] if row.suppressed else [row.count])
    # No series runs across a suppressed month (ReportLab would join the points).
    for series in line.data:
        present = [i for i, v in enumerate(series) if v is not None]
        assert present == list(range(present[0], present[-1] + 1))


def test_the_pdf_download_builds_in_kyrgyz_with_charts(client, login, admin, victims):
    login(admin)
    response = client.get(
        reverse("statistics_download", args=["pdf"]),
        {"period": "year", "year": str(LAST_YEAR), "lang": "ky"},
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    pdf = report_pdf(
        build_report(ReportScope(*YEAR, (admin.organization_id,), disclosure_control=False)),
        ["Org"],
    )
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
