"""The counts behind the national report, one function per group of tables.

The counting rules are written down in docs/statistics/counting-rules.md; this
module implements them and nothing else (disclosure control is applied later,
by `apps.statistics.disclosure`). Every count is done in the database where the
two databases allow it: person-level facts are grouped per person in SQL and
then per cell, so that a million cases never travel to Python. A "person" is an
identity: the persons of different records that an app linked as one (apps.linkage,
through the `PersonIdentity` contract of apps.statistics.sources), or the record
alone. Only persons whose age group the clear birth year cannot settle (turning 18
in the year exploitation began) have their encrypted birth date read.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Case as Choose
from django.db.models import Count, IntegerField, Q, Sum, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, TruncMonth

from apps.core.db_router import reading_reports
from apps.core.db_router import report_connection as connection
from apps.statistics import age, cellkey, sources

NOT_RECORDED = "unknown"
TRAFFICKING = "trafficking"

# Forms of exploitation (register codes) grouped the way the TIP chapter reports them.
LABOUR_CODES = (
    "forced_labour",
    "domestic_servitude",
    "forced_begging",
    "debt_collateral",
    "forced_criminality",
)
SEXUAL_CODES = ("sexual",)
LABOUR, SEXUAL, BOTH, OTHER = "labour", "sexual", "both", "other"
EXPLOITATION_GROUPS = (LABOUR, SEXUAL, BOTH, OTHER, NOT_RECORDED)
IDENTIFIED, PRESUMED = "identified", "presumed"
VICTIM_STATUSES = (IDENTIFIED, PRESUMED)
SEXES = ("F", "M", "X", "U")


@contextmanager
def report_transaction():
    """One transaction for all the report's statements (one snapshot of the data). On
    PostgreSQL, for this transaction only: grouping 150,000 persons in memory rather than
    on disk, and no JIT compilation, which costs more than it saves on these plans."""
    with reading_reports() as alias, transaction.atomic(using=alias):  # replica if set
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET LOCAL work_mem = '64MB'")
                cur.execute("SET LOCAL jit = off")
        yield


class Cells(Counter):
    """Counts by cell, and beside them (`key_sums`) the sum of the record keys of each
    cell's records, from which cell-key perturbation takes its noise (apps.statistics.
    cellkey)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_sums: Counter = Counter()

    def add(self, cell, n: int, key_sum) -> None:
        self[cell] += n
        self.key_sums[cell] += int(key_sum or 0)


def record_key(model, kind: str):
    """The record key of each row of a model, as an expression over the base table."""
    qn = connection.ops.quote_name
    sql, params = cellkey.record_key_sql(kind, f"{qn(model._meta.db_table)}.{qn('id')}")
    # Fixed SQL from cellkey; the key material and the kind are parameters.
    return RawSQL(sql, params, output_field=IntegerField())  # noqa: S611


def record_keys(model, kind: str):
    """Sum of the record keys of a model's rows, as an aggregate."""
    return Sum(record_key(model, kind))


def exploitation_group(labour: bool, sexual: bool, recorded: bool) -> str:
    """The group of a person from flags over all their counted cases."""
    if labour and sexual:
        return BOTH
    if labour:
        return LABOUR
    if sexual:
        return SEXUAL
    return OTHER if recorded else NOT_RECORDED


def code(value) -> str:
    return value if value not in (None, "") else NOT_RECORDED


def local_day_bounds(date_from: date, date_to: date):
    """[start, end) datetimes of the period's days in settings.TIME_ZONE."""
    from apps.hotline.statistics import local_zone

    tz = local_zone()
    return (
        datetime.combine(date_from, time.min, tzinfo=tz),
        datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz),
    )


def months_between(date_from: date, date_to: date) -> list[str]:
    months = []
    y, m = date_from.year, date_from.month
    while (y, m) <= (date_to.year, date_to.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _month_code(value) -> str:
    if isinstance(value, datetime):
        value = value.date()
    return f"{value.year:04d}-{value.month:02d}"


# --- cases -----------------------------------------------------------------------------


def cases_in_scope(organization_ids):
    from apps.cases.models import Case

    return Case.objects.filter(organization_id__in=list(organization_ids)).order_by()


def case_counts(organization_ids, date_from: date, date_to: date) -> dict:
    """Cases of every type opened in the period (by type and by month) and closed in it
    (by reason), in one pass over the organisations' cases."""
    from apps.cases.models import Case

    opened_in = Q(opened_on__gte=date_from, opened_on__lte=date_to)
    closed_in = Q(closed_on__gte=date_from, closed_on__lte=date_to)
    rows = (
        cases_in_scope(organization_ids)
        .filter(opened_in | closed_in)
        .annotate(
            month=TruncMonth("opened_on"),
            was_opened=Choose(When(opened_in, then=Value(1)), default=Value(0)),
            was_closed=Choose(When(closed_in, then=Value(1)), default=Value(0)),
        )
        .values_list("case_type", "month", "was_opened", "closure_reason", "was_closed")
        .annotate(n=Count("id"), k=record_keys(Case, cellkey.CASE))
    )
    by_type, by_month, closed = Cells(), Cells(), Cells()
    for case_type, month, was_opened, reason, was_closed, n, k in rows:
        if was_opened:
            by_type.add((code(case_type),), n, k)
            by_month.add((_month_code(month),), n, k)
        if was_closed:
            closed.add((code(reason),), n, k)
    return {"opened_by_type": by_type, "opened_by_month": by_month, "closed_by_reason": closed}


# --- victims: facts per person, then cells ---------------------------------------------


def victim_cases(organization_ids, date_from: date, date_to: date):
    """Trafficking cases identified or opened in the period: what makes a person a victim
    of the period."""
    return cases_in_scope(organization_ids).filter(
        Q(case_type=TRAFFICKING)
        & (
            Q(opened_on__gte=date_from, opened_on__lte=date_to)
            | Q(identified_on__gte=date_from, identified_on__lte=date_to)
        )
    )


# Columns of the per-person facts, in the order of the statement's output.
FACT_COLUMNS = (
    "identified",
    "labour",
    "sexual",
    "recorded",
    "sex",
    "birth_year",
    "began_year",
    "citizenship",
    "region",
)
INT_COLUMNS = {"identified", "labour", "sexual", "recorded", "birth_year", "began_year"}
# Columns of one identity, listed only for the persons whose age needs the full date: the
# lowest and highest person id of her records, her linked identity (or NULL), the start.
ROW_COLUMNS = ("person_id", "person_hi", "linked", "began")
EDGE = -1  # the branch that lists, one row each, persons whose age needs the full date
COUNTRIES, ANY_COUNTRY, CHANNELS, ANY_CHANNEL = 100, 101, 102, 103


def _edge_differences() -> list[int]:
    """Year differences (year exploitation began - birth year) at which the birth year
    cannot settle child or adult, as apps.statistics.age decides it."""
    probe = 2000
    return [d for d in range(-1, 150) if age.needs_full_date(probe - d, date(probe, 1, 1))]


def _sql_text(expression: str) -> str:
    return f"CAST({expression} AS TEXT)"


def _sql_year(expression: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {expression}) AS INTEGER)"
    return f"CAST(strftime('%%Y', {expression}) AS INTEGER)"


def _sql_date(value: date):
    return value if connection.vendor == "postgresql" else value.isoformat()


def _agreed(expression: str) -> str:
    """A clear column over an identity's records: the value when the records that have
    one agree, else NULL ("not recorded"). One record: its own value."""
    return f"CASE WHEN MIN({expression}) = MAX({expression}) THEN MIN({expression}) END"


def identity_join(person_id_sql: str) -> tuple[str, str, list]:
    """(join, identity expression, parameters) that give each row whose person id is
    `person_id_sql` its identity: `ni.identity` when an app linked the person to others
    (apps.statistics.sources.person_identity), else NULL. Empty without a provider."""
    provider = sources.person_identity()
    if provider is None:
        return "", "NULL", []
    sql, params = provider.sql()
    return (
        f" LEFT JOIN ({sql}) ni ON ni.person_id = {person_id_sql}",
        "ni.identity",
        list(params),
    )


def identity_key_sql(person_id_sql: str, linked_sql: str) -> tuple[str, list]:
    """The record key of an identity: from the linked identity when there is one (the
    same in every report whatever records of hers it covers), else the person's own
    record key as before linkage."""
    person_sql, person_params = cellkey.record_key_sql(cellkey.PERSON, person_id_sql)
    provider = sources.person_identity()
    if provider is None:
        return person_sql, person_params
    linked_key, linked_params = cellkey.record_key_sql(provider.kind, linked_sql)
    return (
        f"CASE WHEN {linked_sql} IS NULL THEN {person_sql} ELSE {linked_key} END",
        [*person_params, *linked_params],
    )


def persons_of_identity(identity: str, cases) -> list[int]:
    """The persons of the given cases that make up a linked identity (for the few whose
    age needs the full birth date)."""
    provider = sources.person_identity()
    if provider is None:
        return []
    sql, params = provider.sql()
    statement = f"SELECT ni.person_id FROM ({sql}) ni WHERE ni.identity = %s"  # noqa: S608
    with connection.cursor() as cur:
        # The provider's fixed SQL; the identity is a parameter.
        cur.execute(statement, [*params, identity])
        linked = [int(r[0]) for r in cur.fetchall()]
    return sorted(set(cases.filter(person_id__in=linked).values_list("person_id", flat=True)))


def identities_of(person_ids, kind: str) -> dict[int, tuple[str, int]]:
    """{person id: (identity, record key)} for tables of other apps that count distinct
    persons: persons linked as one (sources.PersonIdentity) share an identity and a
    record key (of the identity, under `kind`); any other person is her own identity
    with her own record key under `kind`, as before linkage."""
    ids = sorted({int(p) for p in person_ids})
    linked: dict[int, str] = {}
    provider = sources.person_identity()
    if provider is not None and ids:
        sql, params = provider.sql()
        with connection.cursor() as cur:
            for start in range(0, len(ids), 5000):
                chunk = ids[start : start + 5000]
                marks = ", ".join(["%s"] * len(chunk))
                # The provider's fixed SQL; the ids are parameters.
                cur.execute(
                    f"SELECT ni.person_id, ni.identity FROM ({sql}) ni"  # noqa: S608
                    f" WHERE ni.person_id IN ({marks})",
                    [*params, *chunk],
                )
                linked.update((int(p), str(i)) for p, i in cur.fetchall())
    out = {}
    for pk in ids:
        if pk in linked:
            out[pk] = (linked[pk], cellkey.record_key(f"{kind}:identity", linked[pk]))
        else:
            out[pk] = (f"p{pk}", cellkey.record_key(kind, pk))
    return out


def _person_statement(cases, date_to: date, grouping_sets, with_lists: bool):
    """One statement over the given cases: per-person facts (status, exploitation flags,
    the earliest day exploitation began, else the day the case was opened, and the
    person's clear columns), grouped once per grouping set; the persons whose age needs
    the full birth date; and, with `with_lists`, persons per country of exploitation and
    per recruitment channel (distinct persons)."""
    qn = connection.ops.quote_name
    # The person's clear columns come with the cases (one join the planner sees whole),
    # and the forms of exploitation as text once per case, for the LIKE tests below.
    case_sql, case_params = (
        cases.annotate(
            forms_text=Cast("exploitation", TextField()),
            countries_text=Cast("countries_of_exploitation", TextField()),
        )
        .values(
            "person_id",
            "forms_text",
            "countries_text",
            "countries_of_exploitation",
            "recruitment_channel",
            "identified_on",
            "exploitation_began_on",
            "opened_on",
            "person__sex",
            "person__birth_year",
            "person__citizenship",
            "person__region",
        )
        .query.sql_with_params()
    )
    forms = "vc.forms_text"
    # One row per identity: linked persons of several records (apps.statistics.sources.
    # PersonIdentity) are one person; a person linked to no one is herself.
    join, linked, join_params = identity_join("c.person_id")
    if join:
        case_sql = f"SELECT c.*, {linked} AS linked FROM ({case_sql}) c{join}"  # noqa: S608
        case_params = (*case_params, *join_params)
        identity = "COALESCE(vc.linked, 'p' || CAST(vc.person_id AS TEXT))"
    else:
        identity = "vc.person_id"
    linked_sql = "MAX(vc.linked)" if join else "NULL"
    person_key_sql, person_key_params = identity_key_sql("MIN(vc.person_id)", linked_sql)
    # Clear columns over an identity's records; "", and "U" for sex, are not recorded.
    sex = f"NULLIF(NULLIF(vc.{qn('person__sex')}, ''), 'U')"
    birth_year = f"vc.{qn('person__birth_year')}"
    citizenship = f"NULLIF(vc.{qn('person__citizenship')}, '')"
    region = f"NULLIF(vc.{qn('person__region')}, '')"
    labour = " OR ".join(f"{forms} LIKE %s" for _c in LABOUR_CODES)
    sexual = " OR ".join(f"{forms} LIKE %s" for _c in SEXUAL_CODES)
    # Built from fixed fragments only; every value is a parameter.
    facts_sql = (
        f"SELECT {identity} AS identity, MIN(vc.person_id) AS person_id,"  # noqa: S608
        f" MAX(vc.person_id) AS person_hi, {linked_sql} AS linked,"
        " MAX(CASE WHEN vc.identified_on <= %s THEN 1 ELSE 0 END) AS identified,"
        f" MAX(CASE WHEN {labour} THEN 1 ELSE 0 END) AS labour,"
        f" MAX(CASE WHEN {sexual} THEN 1 ELSE 0 END) AS sexual,"
        f" MAX(CASE WHEN {forms} LIKE %s THEN 1 ELSE 0 END) AS recorded,"
        " MIN(COALESCE(vc.exploitation_began_on, vc.opened_on)) AS began,"
        f" {_agreed(sex)} AS sex, {_agreed(birth_year)} AS birth_year,"
        f" MAX(CASE WHEN vc.countries_text LIKE %s THEN 1 ELSE 0 END) AS has_country,"
        f" MAX(CASE WHEN vc.{qn('recruitment_channel')} <> '' THEN 1 ELSE 0 END) AS has_channel,"
        f" {_agreed(citizenship)} AS citizenship, {_agreed(region)} AS region,"
        f" {person_key_sql} AS rkey"
        f" FROM vc GROUP BY {identity}"
    )
    facts_params = (
        [_sql_date(date_to)]
        + [f'%"{c}"%' for c in LABOUR_CODES]
        + [f'%"{c}"%' for c in SEXUAL_CODES]
        + ['%"%', '%"%']
        + person_key_params
    )
    year_sql = _sql_year("f.began")
    columns = {c: f"f.{c}" for c in FACT_COLUMNS}
    columns["began_year"] = year_sql
    branches, params = [], []

    def branch(set_id, values: dict, rest: str, extra_params=()):
        cols = [_sql_text(values.get(c, "NULL")) for c in FACT_COLUMNS + ROW_COLUMNS]
        n, k = values.get("n", "COUNT(*)"), values.get("k", "SUM(f.rkey)")
        branches.append(f"SELECT {set_id}, {', '.join(cols)}, {n}, {k} {rest}")
        params.extend(extra_params)

    for i, grouping in enumerate(grouping_sets):
        chosen = {c: columns[c] for c in grouping}
        group = ", ".join(columns[c] for c in grouping)
        branch(i, chosen, "FROM facts f" + (f" GROUP BY {group}" if group else ""))
    edges = ", ".join(str(d) for d in _edge_differences())
    branch(
        EDGE,
        {
            **columns,
            **{c: f"f.{c}" for c in ROW_COLUMNS},
            "n": "1",
            "k": "f.rkey",
        },
        f"FROM facts f WHERE {year_sql} - f.birth_year IN ({edges})",
    )
    if with_lists:
        field = f"vc.{qn('countries_of_exploitation')}"
        if connection.vendor == "postgresql":
            unnest = f"jsonb_array_elements_text({field}) AS e(value)"
        else:
            unnest = f"json_each({field}) AS e"
        recorded = "e.value IS NOT NULL AND e.value <> ''"
        channel = f"vc.{qn('recruitment_channel')}"
        # Distinct persons per value, with their record keys from the facts.
        per_value = {"citizenship": "d.value", "n": "COUNT(*)"}
        branch(
            COUNTRIES,
            per_value,
            f"FROM (SELECT DISTINCT e.value AS value, {identity} AS identity"  # noqa: S608
            f" FROM vc, {unnest} WHERE {recorded}) d"
            " JOIN facts f ON f.identity = d.identity GROUP BY d.value",
        )
        branch(
            CHANNELS,
            per_value,
            f"FROM (SELECT DISTINCT {channel} AS value, {identity} AS identity"  # noqa: S608
            f" FROM vc WHERE {channel} <> '') d"
            " JOIN facts f ON f.identity = d.identity GROUP BY d.value",
        )
        # Persons with any value: from the per-person flags, without another pass.
        branch(
            ANY_COUNTRY,
            {"n": "SUM(f.has_country)", "k": "SUM(f.has_country * f.rkey)"},
            "FROM facts f",
        )
        branch(
            ANY_CHANNEL,
            {"n": "SUM(f.has_channel)", "k": "SUM(f.has_channel * f.rkey)"},
            "FROM facts f",
        )
    statement = f"WITH vc AS ({case_sql}), facts AS ({facts_sql}) " + " UNION ALL ".join(branches)
    results: dict[int, list] = {}
    with connection.cursor() as cur:
        cur.execute(statement, [*case_params, *facts_params, *params])
        for row in cur.fetchall():
            values = dict(zip(FACT_COLUMNS + ROW_COLUMNS, row[1:-2], strict=True))
            for c in INT_COLUMNS | {"person_id", "person_hi"}:
                if values[c] is not None:
                    values[c] = int(values[c])
            results.setdefault(row[0], []).append((values, int(row[-2] or 0), int(row[-1] or 0)))
    for values, _n, _k in results.get(EDGE, []):
        # A linked identity of several records whose age needs the full date: its persons.
        if values["linked"] and values["person_hi"] != values["person_id"]:
            values["persons"] = persons_of_identity(values["linked"], cases)
    return results


def _grouped(results, set_id, grouping) -> Cells:
    out = Cells()
    for values, n, k in results.get(set_id, []):
        out.add(tuple(values[c] for c in grouping), n, k)
    return out


def _resolve_ages(results, set_id: int, grouping: tuple[str, ...]) -> Counter:
    """Turn (…, birth_year, began_year) keys into (…, age_group) keys.

    The clear birth year settles almost everyone; for the few who turn 18 in the year
    exploitation began (listed by the statement one by one), the encrypted birth date
    (full or partial) is read and `apps.statistics.age.age_group` decides."""
    from apps.people.models import Person

    rest = [c for c in grouping if c not in ("birth_year", "began_year")]
    out = Cells()
    grouped = _grouped(results, set_id, grouping)
    for key, n in grouped.items():
        values = dict(zip(grouping, key, strict=True))
        on = date(values["began_year"], 1, 1) if values["began_year"] is not None else None
        group = age.age_group_from_year(values["birth_year"], on)
        if group is not None:
            out.add(tuple(values[c] for c in rest) + (group,), n, grouped.key_sums[key])
    edge = [(values, k) for values, _n, k in results.get(EDGE, [])]
    if edge:
        ids = {p for v, _k in edge for p in v.get("persons") or [v["person_id"]]}
        birth_dates = dict(Person.objects.filter(id__in=ids).values_list("id", "birth_date"))
        for values, k in edge:
            began = values["began"]
            if isinstance(began, str):
                began = date.fromisoformat(began[:10])
            groups = {
                age.age_group(birth_dates.get(p, ""), began)
                for p in values.get("persons") or [values["person_id"]]
            }
            # Records of one identity that settle the age must agree; else unknown.
            settled = groups - {age.UNKNOWN}
            group = settled.pop() if len(settled) == 1 else age.UNKNOWN
            out.add(tuple(values[c] for c in rest) + (group,), 1, k)
    return out


FORM_SEX_AGE = ("labour", "sexual", "recorded", "sex", "birth_year", "began_year")


def victim_counts(organization_ids, date_from: date, date_to: date) -> dict:
    cases = victim_cases(organization_ids, date_from, date_to)
    results = _person_statement(
        cases,
        date_to,
        [("identified",), FORM_SEX_AGE, ("citizenship",), ("region",)],
        with_lists=True,
    )
    by_status = _grouped(results, 0, ("identified",))
    total = sum(by_status.values())
    total_key = sum(by_status.key_sums.values())
    status = Cells()
    for k, n in by_status.items():
        status.add((IDENTIFIED if k[0] else PRESUMED,), n, by_status.key_sums[k])
    form_sex_age = Cells()
    resolved = _resolve_ages(results, 1, FORM_SEX_AGE)
    for key, n in resolved.items():
        lab, sexual, recorded, sex, group = key
        cell = (exploitation_group(lab, sexual, recorded), sex or "U", group)
        form_sex_age.add(cell, n, resolved.key_sums[key])

    def listed(set_id, any_id):
        out = Cells()
        grouped = _grouped(results, set_id, ("citizenship",))
        for k, n in grouped.items():
            out.add((k[0],), n, grouped.key_sums[k])
        with_any = sum(n for _v, n, _k in results.get(any_id, []))
        any_key = sum(k for _v, _n, k in results.get(any_id, []))
        if total - with_any:
            # The persons without a value: every person less those with one.
            out.add((NOT_RECORDED,), total - with_any, total_key - any_key)
        return out

    recoded = {}
    for name, set_id in (("by_citizenship", 2), ("by_region", 3)):
        column = "citizenship" if set_id == 2 else "region"
        recoded[name] = Cells()
        grouped = _grouped(results, set_id, (column,))
        for k, n in grouped.items():
            recoded[name].add((code(k[0]),), n, grouped.key_sums[k])
    return {
        "total": total,
        "total_key": total_key,
        "by_status": status,
        "by_exploitation_sex_age": form_sex_age,
        **recoded,
        "by_country_of_exploitation": listed(COUNTRIES, ANY_COUNTRY),
        "by_recruitment_channel": listed(CHANNELS, ANY_CHANNEL),
    }


def assisted_cases(organization_ids, date_from: date, date_to: date):
    """Trafficking cases through which a person received a service, or stayed in a
    shelter, on a day of the period (whenever the case was opened)."""
    from apps.assistance.models import DeliveredService, ShelterStay
    from apps.referrals.models import ServiceDelivered

    ids = list(organization_ids)
    case_ids = set(
        DeliveredService.objects.filter(
            case__organization_id__in=ids, delivered_on__gte=date_from, delivered_on__lte=date_to
        ).values_list("case_id", flat=True)
    )
    case_ids |= set(
        ServiceDelivered.objects.filter(
            referral__case__organization_id__in=ids,
            delivered_on__gte=date_from,
            delivered_on__lte=date_to,
        ).values_list("referral__case_id", flat=True)
    )
    case_ids |= set(
        ShelterStay.objects.filter(case__organization_id__in=ids, admitted_on__lte=date_to)
        .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gte=date_from))
        .values_list("case_id", flat=True)
    )
    # The cases by key: far fewer than the cases of the organisations.
    return cases_in_scope(ids).filter(case_type=TRAFFICKING, id__in=sorted(case_ids))


def assisted_counts(organization_ids, date_from: date, date_to: date) -> Cells:
    grouping = ("sex", "birth_year", "began_year")
    cases = assisted_cases(organization_ids, date_from, date_to)
    out = Cells()
    if not cases.exists():
        return out
    results = _person_statement(cases, date_to, [grouping], False)
    resolved = _resolve_ages(results, 0, grouping)
    for (sex, group), n in resolved.items():
        out.add((sex or "U", group), n, resolved.key_sums[(sex, group)])
    return out


# --- assistance, referrals, shelters ---------------------------------------------------


def service_counts(organization_ids, date_from: date, date_to: date) -> Counter:
    """Services delivered in the period to the cases of the organisations: recorded by
    the case's organisation, and reported back on referrals it sent."""
    from apps.assistance.models import DeliveredService
    from apps.referrals.models import ServiceDelivered

    ids = list(organization_ids)
    out = Cells()
    for model, org_field, kind in (
        (DeliveredService, "case__organization_id__in", cellkey.SERVICE),
        (ServiceDelivered, "referral__case__organization_id__in", cellkey.REFERRAL_SERVICE),
    ):
        rows = (
            model.objects.filter(
                **{org_field: ids}, delivered_on__gte=date_from, delivered_on__lte=date_to
            )
            .order_by()
            .values_list("service_type")
            .annotate(n=Count("id"), k=record_keys(model, kind))
        )
        for service_type, n, k in rows:
            out.add((code(service_type),), n, k)
    return out


def referral_counts(organization_ids, date_from: date, date_to: date) -> Counter:
    """Referrals sent in the period (local days) by the organisations."""
    from apps.referrals.models import Referral

    start, end = local_day_bounds(date_from, date_to)
    rows = (
        Referral.objects.filter(
            from_organization_id__in=list(organization_ids), sent_at__gte=start, sent_at__lt=end
        )
        .order_by()
        .values_list("status", "to_organization__type", "to_entry__org_type")
        .annotate(n=Count("id"), k=record_keys(Referral, cellkey.REFERRAL))
    )
    out = Cells()
    for status, org_type, entry_type, n, k in rows:
        out.add((code(status), code(org_type or entry_type)), n, k)
    return out


def shelter_counts(organization_ids, date_from: date, date_to: date) -> dict:
    """Admissions in the period and bed-nights spent inside it, by type of the shelter,
    for stays of the organisations' cases. A night belongs to the day it begins: a stay
    from the 1st to the 3rd is two nights; a stay still open counts up to the period's
    end."""
    from apps.assistance.models import ShelterStay

    ids = list(organization_ids)
    admissions = Cells()
    for shelter_type, n, k in (
        ShelterStay.objects.filter(
            case__organization_id__in=ids, admitted_on__gte=date_from, admitted_on__lte=date_to
        )
        .order_by()
        .values_list("shelter__type")
        .annotate(n=Count("id"), k=record_keys(ShelterStay, cellkey.SHELTER_STAY))
    ):
        admissions.add((code(shelter_type),), n, k)
    nights: Counter = Counter()
    stays_with_nights = Cells()
    after = date_to + timedelta(days=1)
    overlapping = ShelterStay.objects.filter(
        case__organization_id__in=ids, admitted_on__lte=date_to
    ).filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=date_from))
    for shelter_type, admitted, discharged, k in (
        overlapping.annotate(k=record_key(ShelterStay, cellkey.SHELTER_STAY))
        .values_list("shelter__type", "admitted_on", "discharged_on", "k")
        .iterator(chunk_size=5000)
    ):
        first, end = max(admitted, date_from), min(discharged or after, after)
        if end > first:
            nights[(code(shelter_type),)] += (end - first).days
            stays_with_nights.add((code(shelter_type),), 1, k)
    return {"admissions": admissions, "bed_nights": nights, "stays": stays_with_nights}


# --- hotline -------------------------------------------------------------------------


def call_counts(organization_ids, date_from: date, date_to: date) -> dict:
    """Logged calls in the period, by the rules of apps.hotline.statistics (drafts never
    counted, days cut in settings.TIME_ZONE)."""
    from apps.hotline.models import Call
    from apps.hotline.statistics import local_zone, logged_calls_between

    calls = logged_calls_between(
        Call.objects.filter(organization_id__in=list(organization_ids)), date_from, date_to
    ).order_by()
    keyed = calls.annotate(k=record_key(Call, cellkey.CALL))
    topics = Cells()
    total = total_key = 0
    for values, k in keyed.values_list("topics", "k").iterator(chunk_size=5000):
        codes = {t for t in (values or []) if isinstance(t, str) and t}
        for c in codes or {NOT_RECORDED}:
            topics.add((c,), 1, k)
        total, total_key = total + 1, total_key + k

    def grouped(field):
        out = Cells()
        for value, n, k in calls.values_list(field).annotate(
            n=Count("id"), k=record_keys(Call, cellkey.CALL)
        ):
            out.add((code(value),), n, k)
        return out

    by_month = Cells()
    tz = local_zone()
    for bucket, n, k in (
        calls.annotate(bucket=TruncMonth("started_at", tzinfo=tz))
        .values_list("bucket")
        .annotate(n=Count("id"), k=record_keys(Call, cellkey.CALL))
    ):
        month = bucket if not isinstance(bucket, datetime) else bucket.astimezone(tz)
        by_month.add((_month_code(month),), n, k)
    return {
        "total": total,
        "total_key": total_key,
        "by_topic": topics,
        "by_region": grouped("caller_region"),
        "by_caller_category": grouped("caller_category"),
        "by_urgency": grouped("urgency"),
        "by_month": by_month,
    }
