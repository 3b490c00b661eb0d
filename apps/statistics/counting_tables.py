"""Lays the counts of apps.statistics.counting out as the report's tables, applies
disclosure control when the scope asks for it and writes the notes."""

from __future__ import annotations

from collections import Counter
from itertools import product

from django.utils.translation import gettext as _

from apps.statistics import age, cellkey, counting, disclosure, sources
from apps.statistics.report import MARGINS, TABLES, Report, ReportScope, Table


def _domains(scope: ReportScope) -> dict[str, list[str]]:
    from apps.hotline.models import CallerCategory, Urgency
    from apps.referrals.models import ReferralStatus

    return {
        "status": list(counting.VICTIM_STATUSES),
        "exploitation": list(counting.EXPLOITATION_GROUPS),
        "sex": list(counting.SEXES),
        "age_group": list(age.AGE_GROUPS),
        "month": counting.months_between(scope.date_from, scope.date_to),
        "urgency": [v for v, _label in Urgency.choices],
        "caller_category": [v for v, _label in CallerCategory.choices],
        "referral_status": [v for v, _label in ReferralStatus.choices],
    }


def layout(
    name: str, dimensions: list[str], counts: Counter, total, domains: dict, total_key=None
) -> Table:
    """A table whose rows are the full grid over its dimensions: the fixed values of a
    dimension (in their order) plus any other value that occurs, every combination, zeros
    included. A one-dimensional table without fixed values lists only what occurs."""
    values = []
    for i, dim in enumerate(dimensions):
        key = "referral_status" if (dim == "status" and name.startswith("referrals")) else dim
        fixed = list(domains.get(key, []))
        present = sorted({k[i] for k, n in counts.items() if n} - set(fixed))
        values.append(fixed + present)
    rows = []
    for key in product(*values):
        row = dict(zip(dimensions, key, strict=True))
        row["count"] = int(counts.get(key, 0))
        rows.append(row)
    key_sums = dict(getattr(counts, "key_sums", {}))
    if total is None:
        total = sum(counts.values())
    if total_key is None:
        # A total over single-valued cells has the records of all its cells.
        total_key = sum(key_sums.values())
    return Table(
        name=name,
        dimensions=list(dimensions),
        rows=rows,
        total=int(total),
        key_sums=key_sums,
        total_key=int(total_key),
    )


def margin(cells: counting.Cells, keep: list[int]) -> counting.Cells:
    """The counts of a cross-tab summed over the dimensions not kept. A person is in one
    cell of the cross-tab, so a margin cell's records are those of the cells it sums and
    its record keys add up likewise: its noise is the one any table over the same persons
    gets."""
    out = counting.Cells()
    for key, n in cells.items():
        out.add(tuple(key[i] for i in keep), n, cells.key_sums[key])
    return out


def count_all(scope: ReportScope) -> tuple[dict[str, Table], Table]:
    """Every table before disclosure control, and the stays behind the bed-nights."""
    ids, date_from, date_to = scope.organization_ids, scope.date_from, scope.date_to
    with counting.report_transaction():
        cases = counting.case_counts(ids, date_from, date_to)
        victims = counting.victim_counts(ids, date_from, date_to)
        assisted = counting.assisted_counts(ids, date_from, date_to)
        services = counting.service_counts(ids, date_from, date_to)
        referrals = counting.referral_counts(ids, date_from, date_to)
        shelters = counting.shelter_counts(ids, date_from, date_to)
        calls = counting.call_counts(ids, date_from, date_to)
    counts = {
        "cases_opened_by_type": (cases["opened_by_type"], None),
        "cases_closed_by_reason": (cases["closed_by_reason"], None),
        "cases_opened_by_month": (cases["opened_by_month"], None),
        "victims_by_status": (victims["by_status"], None),
        "victims_by_exploitation_sex_age": (victims["by_exploitation_sex_age"], None),
        "victims_by_exploitation": (margin(victims["by_exploitation_sex_age"], [0]), None),
        "victims_by_sex_age": (margin(victims["by_exploitation_sex_age"], [1, 2]), None),
        "victims_by_citizenship": (victims["by_citizenship"], None),
        "victims_by_country_of_exploitation": (
            victims["by_country_of_exploitation"],
            victims["total"],
            victims["total_key"],
        ),
        "victims_by_region_of_origin": (victims["by_region"], None),
        "victims_by_recruitment_channel": (
            victims["by_recruitment_channel"],
            victims["total"],
            victims["total_key"],
        ),
        "victims_assisted_by_sex_age": (assisted, None),
        "services_delivered_by_type": (services, None),
        "referrals_by_status_and_receiver_type": (referrals, None),
        "shelter_admissions": (shelters["admissions"], None),
        "shelter_bed_nights": (shelters["bed_nights"], None),
        "hotline_calls_by_topic": (calls["by_topic"], calls["total"], calls["total_key"]),
        "hotline_calls_by_region": (calls["by_region"], None),
        "hotline_calls_by_caller_category": (calls["by_caller_category"], None),
        "hotline_calls_by_urgency": (calls["by_urgency"], None),
        "hotline_calls_by_month": (calls["by_month"], None),
    }
    domains = _domains(scope)
    tables = {
        name: layout(name, dims, *counts[name][:2], domains, *counts[name][2:])
        for name, dims in TABLES
    }
    for source in sources.source_tables():
        # Each domain app's tables (apps.statistics.sources), counted in their own
        # transaction: they read other tables than the ones above.
        with counting.report_transaction():
            counted = source.count(scope)
        tables[source.name] = layout(
            source.name,
            list(source.dimensions),
            counted.cells,
            counted.total,
            {**domains, **{d: list(v) for d, v in source.domains.items()}},
            counted.total_key,
        )
    stays = layout("shelter_stays", ["shelter_type"], shelters["stays"], None, domains)
    # The stays table must have the same rows as the bed-nights table.
    nights_keys = [r["shelter_type"] for r in tables["shelter_bed_nights"].rows]
    stays.rows = [
        {"shelter_type": k, "count": int(shelters["stays"].get((k,), 0))} for k in nights_keys
    ]
    stays.key_sums = dict(shelters["stays"].key_sums)
    return tables, stays


def notes(scope: ReportScope) -> list[str]:
    """What a reader must know to read the numbers (docs/statistics/counting-rules.md)."""
    out = [
        _(
            "A victim is a person with a trafficking case opened in the period, or "
            "identified as a victim by the competent authority in the period. Each person "
            "counts once in each table, however many cases they have."
        ),
        *_linkage_notes(),
        _(
            "Identified: formally identified as a victim by the competent authority by the "
            "end of the period. Presumed: a trafficking case without that identification."
        ),
        _(
            "Forms of exploitation over all of a person's cases in the period: labour "
            "(forced labour, domestic servitude, forced begging, debt collateral, forced "
            "criminality), sexual, both, other forms, or not recorded."
        ),
        _(
            "Child or adult by age when exploitation began: the earliest start recorded on "
            "the person's cases, or the day a case was opened when none is recorded. A "
            "partial birth date that cannot settle it counts as unknown."
        ),
        _(
            "Countries of exploitation and recruitment channels: a person counts once under "
            "each value found on their cases, so these cells add up to more than the "
            "total, which counts each person once. The same holds for call topics."
        ),
        _(
            "Victims assisted: persons with a trafficking case who received a service or "
            "stayed in a shelter on a day of the period."
        ),
        _(
            "Cases, services, referrals and shelter stays are counted under the "
            "organisation that holds the case; hotline calls under the organisation that "
            "logged them. Draft calls are never counted; days are cut in Bishkek time."
        ),
        _(
            "Bed-nights are a sum of nights spent in a shelter inside the period, not a "
            "number of persons: a cell is suppressed when fewer stays than the threshold "
            "contribute to it."
        ),
    ]
    for source in sources.source_tables():
        out.extend(str(note) for note in source.notes)
    if scope.disclosure_control:
        out.append(perturbation_note())
        out.append(
            _(
                "Disclosure control: after the noise is added, numbers from 1 to %(below)s are "
                "suppressed, and further cells are suppressed so that none can be worked out "
                "from the totals."
            )
            % {"below": disclosure.effective_threshold(scope.threshold) - 1}
        )
    else:
        out.append(
            _(
                "No disclosure control was applied: small numbers are shown. Do not "
                "publish this report outside the organisation."
            )
        )
    return out


def _linkage_notes() -> list[str]:
    """How persons of several organisations are counted: the rule only, never how many
    records were linked (comparing that with the counts would tell something)."""
    provider = sources.person_identity()
    if provider is None:
        return [
            _(
                "Persons are counted within each organisation: until records are linked "
                "across organisations, a person helped by two organisations counts twice "
                "in a report over both."
            )
        ]
    return [str(note) for note in provider.notes]


def perturbation_note() -> str:
    """The label of every report whose counts carry noise (page, downloads, dashboards)."""
    return _(
        "The counts are perturbed: a small random amount (at most %(noise)s either way) is "
        "added to every count and total that is not zero, so that comparing reports cannot "
        "single out a person. The same group of records always gets the same amount, so "
        "cells and totals may not add up exactly. Bed-nights are not perturbed."
    ) % {"noise": cellkey.MAX_NOISE}


def assemble(scope: ReportScope) -> Report:
    tables, stays = count_all(scope)
    if scope.disclosure_control:
        # Noise first, then suppression on the published (noisy) values, so that whether a
        # cell is suppressed depends on the same consistent value in every report.
        unperturbed = {"shelter_bed_nights"} | {
            s.name for s in sources.source_tables() if not s.perturbed
        }
        for name, table in tables.items():
            if name not in unperturbed:
                cellkey.perturb(table)
        cellkey.perturb(stays)
        threshold = disclosure.effective_threshold(scope.threshold)
        linked = {m for pair in MARGINS.values() for m in pair}
        for name, table in tables.items():
            if name == "shelter_bed_nights":
                disclosure.protect_like(table, stays, threshold)
            elif name in MARGINS:
                rows, cols = MARGINS[name]
                disclosure.protect_with_margins(table, tables[rows], tables[cols], threshold)
            elif name not in linked:
                disclosure.protect(table, threshold)
    order = [name for name, _dims in TABLES] + [s.name for s in sources.source_tables()]
    return Report(scope=scope, tables=[tables[name] for name in order], notes=notes(scope))
