"""The national statistics report reconciles with the records it counts.

A varied dataset (three organisations, people with full, partial and missing birth
dates, people with several cases, calls with drafts and calls around midnight,
services, referrals and shelter stays across the period's edges) is counted twice:
by `build_report` and, independently, by plain Python over the ORM objects here.
"""

import json
import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from apps.statistics import age, sources
from apps.statistics.report import SUPPRESSED, TABLES, ReportScope, build_report

OWN_TABLES = {name for name, _dims in TABLES}
# Sums rather than counts of records: protected by suppression, without noise.
UNPERTURBED = {"shelter_bed_nights"} | {t.name for t in sources.source_tables() if not t.perturbed}

FROM, TO = date(2025, 1, 1), date(2025, 12, 31)
LABOUR = {"forced_labour", "domestic_servitude", "forced_begging", "debt_collateral"}
LABOUR |= {"forced_criminality"}
FORMS = sorted(LABOUR | {"sexual", "forced_marriage", "organ_removal", "other"})
COUNTRIES = ["RU", "KZ", "TR", "AE", "KR"]
BISHKEK = ZoneInfo("Asia/Bishkek")


def random_birth_date(rng, began: date) -> str:
    """Full, year-month, year-only or missing, with many near the 18th birthday."""
    year = began.year - rng.choice([10, 16, 17, 18, 18, 18, 19, 25, 40])
    kind = rng.choice(["full", "full", "month", "year", "none"])
    if kind == "none":
        return ""
    month = rng.randint(1, 12)
    if kind == "year":
        return f"{year:04d}"
    if kind == "month":
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{rng.randint(1, 28):02d}"


def _day(rng, start=date(2024, 10, 1), end=date(2026, 3, 31)) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


@pytest.fixture
def dataset(make_org, make_member):
    """Three organisations (the third does not share aggregates) and their records."""
    from apps.accounts.models import Organization
    from apps.assistance.models import DeliveredService, ShelterStay
    from apps.cases.models import Case, Consent
    from apps.hotline.models import Call
    from apps.people.models import Person
    from apps.referrals.models import DirectoryEntry, Referral, ServiceDelivered

    rng = random.Random(20251)
    a = make_org("alpha")
    b = make_org("beta", type="crisis_centre")
    c = make_org("gamma")
    Organization.objects.filter(pk=c.pk).update(shares_aggregates=False)
    shelter = make_org("refuge", type="shelter")
    entry = DirectoryEntry.objects.create(name="Public clinic", org_type="medical", is_public=True)
    admins = {o.pk: make_member(o, "org_admin") for o in (a, b, c, shelter)}
    for org in (a, b, c):
        for i in range(45):
            opened = _day(rng)
            birth = random_birth_date(rng, opened)
            person = Person.objects.create(
                organization=org,
                given_name=f"Person {i}",
                sex=rng.choice("FFMMMXU"),
                birth_date=birth,
                birth_year=int(birth[:4]) if birth else None,
                citizenship=rng.choice(["KG", "KG", "KG", "UZ", "TJ", ""]),
                region=rng.choice(["osh", "naryn", "chuy", "batken", ""]),
            )
            for n in range(rng.choice([1, 1, 2, 3])):
                opened_on = opened if n == 0 else _day(rng)
                began = (
                    opened_on - timedelta(days=rng.randrange(900)) if rng.random() < 0.6 else None
                )
                status = rng.choice(["open", "active", "closed"])
                closed_on = (
                    opened_on + timedelta(days=rng.randrange(200)) if status == "closed" else None
                )
                case = Case.objects.create(
                    organization=org,
                    person=person,
                    case_type=rng.choice(["trafficking"] * 4 + ["legal_aid", "labour_rights"]),
                    status=status,
                    closed_on=closed_on,
                    closure_reason=rng.choice(["goals_achieved", "lost_contact", ""])
                    if closed_on
                    else "",
                    exploitation=rng.sample(FORMS, rng.choice([0, 1, 1, 2])),
                    countries_of_exploitation=rng.sample(COUNTRIES, rng.choice([0, 1, 1, 2])),
                    recruitment_channel=rng.choice(["online_ad", "acquaintance", "family", ""]),
                    opened_on=opened_on,
                    exploitation_began_on=began,
                    identified_on=(opened_on + timedelta(days=rng.randrange(-30, 120)))
                    if rng.random() < 0.4
                    else None,
                )
                for _k in range(rng.choice([0, 0, 1, 2])):
                    DeliveredService.objects.create(
                        case=case,
                        service_type=rng.choice(["medical", "legal", "shelter", "psychological"]),
                        delivered_on=_day(rng),
                    )
                if (
                    rng.random() < 0.25
                    and not ShelterStay.objects.filter(
                        person=person, discharged_on__isnull=True
                    ).exists()
                ):
                    admitted = _day(rng)
                    discharged = (
                        admitted + timedelta(days=rng.choice([0, 1, 5, 40, 200]))
                        if rng.random() < 0.8
                        else None
                    )
                    ShelterStay.objects.create(
                        case=case,
                        person=person,
                        shelter=shelter,
                        admitted_on=admitted,
                        discharged_on=discharged,
                    )
                if rng.random() < 0.3:
                    consent = Consent.objects.create(person=person, case=case, scope="referral")
                    to_org = rng.choice([b, shelter, None]) if org != b else a
                    referral = Referral.objects.create(
                        case=case,
                        from_organization=org,
                        to_organization=to_org,
                        to_entry=None if to_org else rng.choice([entry, None]),
                        services=["medical"],
                        consent=consent,
                        status=rng.choice(["sent", "accepted", "declined", "completed"]),
                        sent_at=datetime.combine(
                            _day(rng), time(rng.randrange(24)), tzinfo=BISHKEK
                        ),
                    )
                    if referral.status in ("accepted", "completed"):
                        ServiceDelivered.objects.create(
                            referral=referral, service_type="medical", delivered_on=_day(rng)
                        )
        for i in range(60):
            # Around the period's edges in Bishkek time (UTC+6): 2024-12-31 20:00 UTC is
            # already 2025-01-01 in Bishkek.
            started = rng.choice(
                [
                    datetime(2024, 12, 31, 17, 59, tzinfo=UTC),
                    datetime(2024, 12, 31, 18, 0, tzinfo=UTC),
                    datetime(2025, 12, 31, 17, 59, tzinfo=UTC),
                    datetime(2025, 12, 31, 18, 0, tzinfo=UTC),
                    datetime.combine(_day(rng), time(rng.randrange(24)), tzinfo=UTC),
                ]
            )
            Call.objects.create(
                organization=org,
                is_draft=rng.random() < 0.15,
                started_at=started,
                caller_category=rng.choice(["relative", "anonymous", "person_concerned"]),
                caller_region=rng.choice(["osh", "chuy", ""]),
                topics=rng.sample(
                    ["safe_migration", "danger_now", "missing_relative"], rng.randrange(3)
                ),
                urgency=rng.choice(["emergency", "urgent", "routine"]),
            )
    return {"a": a, "b": b, "c": c, "shelter": shelter, "admins": admins}


# --- the independent count ---------------------------------------------------------------


def _code(value):
    return value or "unknown"


def expected_tables(org_ids, date_from=FROM, date_to=TO) -> dict[str, Counter]:
    """Every table's cells counted by plain Python over the ORM objects."""
    from apps.assistance.models import DeliveredService, ShelterStay
    from apps.cases.models import Case
    from apps.hotline.models import Call
    from apps.referrals.models import Referral, ServiceDelivered

    def within(d):
        return d is not None and date_from <= d <= date_to

    t: dict[str, Counter] = {}
    cases = [c for c in Case.objects.select_related("person") if c.organization_id in org_ids]
    t["cases_opened_by_type"] = Counter((c.case_type,) for c in cases if within(c.opened_on))
    t["cases_closed_by_reason"] = Counter(
        (_code(c.closure_reason),) for c in cases if within(c.closed_on)
    )
    t["cases_opened_by_month"] = Counter(
        (c.opened_on.strftime("%Y-%m"),) for c in cases if within(c.opened_on)
    )

    def person_rows(case_list):
        by_person: dict[int, list] = {}
        for c in case_list:
            by_person.setdefault(c.person_id, []).append(c)
        return by_person

    counted = [
        c
        for c in cases
        if c.case_type == "trafficking" and (within(c.opened_on) or within(c.identified_on))
    ]
    victims = person_rows(counted)

    def age_group_of(person_cases):
        began = min(c.exploitation_began_on or c.opened_on for c in person_cases)
        return age.age_group(person_cases[0].person.birth_date, began)

    status, form, citizenship, region, country, channel = (Counter() for _ in range(6))
    for person_cases in victims.values():
        person = person_cases[0].person
        identified = any(c.identified_on and c.identified_on <= date_to for c in person_cases)
        status[("identified" if identified else "presumed",)] += 1
        codes = {e for c in person_cases for e in c.exploitation}
        labour, sexual = bool(codes & LABOUR), "sexual" in codes
        group = (
            "both"
            if labour and sexual
            else "labour"
            if labour
            else "sexual"
            if sexual
            else "other"
            if codes
            else "unknown"
        )
        form[(group, person.sex, age_group_of(person_cases))] += 1
        citizenship[(_code(person.citizenship),)] += 1
        region[(_code(person.region),)] += 1
        countries = {x for c in person_cases for x in c.countries_of_exploitation}
        for x in countries or {"unknown"}:
            country[(x,)] += 1
        channels = {c.recruitment_channel for c in person_cases if c.recruitment_channel}
        for x in channels or {"unknown"}:
            channel[(x,)] += 1
    t["victims_by_status"] = status
    t["victims_by_exploitation_sex_age"] = form
    # The margins published beside the cross-tab, counted from the same persons.
    t["victims_by_exploitation"] = Counter()
    t["victims_by_sex_age"] = Counter()
    for (group, sex, age_group), n in form.items():
        t["victims_by_exploitation"][(group,)] += n
        t["victims_by_sex_age"][(sex, age_group)] += n
    t["victims_by_citizenship"] = citizenship
    t["victims_by_region_of_origin"] = region
    t["victims_by_country_of_exploitation"] = country
    t["victims_by_recruitment_channel"] = channel

    in_scope = {c.pk: c for c in cases}
    services = [s for s in DeliveredService.objects.all() if s.case_id in in_scope]
    reported = [
        s
        for s in ServiceDelivered.objects.select_related("referral")
        if s.referral.case_id in in_scope
    ]
    stays = [s for s in ShelterStay.objects.select_related("shelter") if s.case_id in in_scope]
    assisted_case_ids = (
        {s.case_id for s in services if within(s.delivered_on)}
        | {s.referral.case_id for s in reported if within(s.delivered_on)}
        | {
            s.case_id
            for s in stays
            if s.admitted_on <= date_to
            and (s.discharged_on is None or s.discharged_on >= date_from)
        }
    )
    assisted = person_rows(
        [in_scope[i] for i in assisted_case_ids if in_scope[i].case_type == "trafficking"]
    )
    t["victims_assisted_by_sex_age"] = Counter(
        (pc[0].person.sex, age_group_of(pc)) for pc in assisted.values()
    )
    t["services_delivered_by_type"] = Counter(
        (s.service_type,) for s in services + reported if within(s.delivered_on)
    )
    referrals = Counter()
    for r in Referral.objects.select_related("to_organization", "to_entry"):
        if r.from_organization_id in org_ids and within(r.sent_at.astimezone(BISHKEK).date()):
            receiver = (
                r.to_organization.type
                if r.to_organization
                else (r.to_entry.org_type if r.to_entry else "")
            )
            referrals[(r.status, _code(receiver))] += 1
    t["referrals_by_status_and_receiver_type"] = referrals
    t["shelter_admissions"] = Counter((s.shelter.type,) for s in stays if within(s.admitted_on))
    nights = Counter()
    for s in stays:
        day = s.admitted_on
        while day <= date_to and (s.discharged_on is None or day < s.discharged_on):
            if day >= date_from:
                nights[(s.shelter.type,)] += 1
            day += timedelta(days=1)
    t["shelter_bed_nights"] = nights

    calls = [
        call
        for call in Call.objects.filter(organization_id__in=org_ids, is_draft=False)
        if within(call.started_at.astimezone(BISHKEK).date())
    ]
    topics = Counter()
    for call in calls:
        for x in set(call.topics) or {"unknown"}:
            topics[(x,)] += 1
    t["hotline_calls_by_topic"] = topics
    t["hotline_calls_by_region"] = Counter((_code(x.caller_region),) for x in calls)
    t["hotline_calls_by_caller_category"] = Counter((x.caller_category,) for x in calls)
    t["hotline_calls_by_urgency"] = Counter((x.urgency,) for x in calls)
    t["hotline_calls_by_month"] = Counter(
        (x.started_at.astimezone(BISHKEK).strftime("%Y-%m"),) for x in calls
    )
    t["_victims"] = Counter({"n": len(victims)})
    t["_calls"] = Counter({"n": len(calls)})
    return t


def cells(table) -> Counter:
    return Counter(
        {tuple(r[d] for d in table.dimensions): r["count"] for r in table.rows if r["count"]}
    )


def test_every_table_reconciles_with_the_records(dataset):
    org_ids = (dataset["a"].pk, dataset["b"].pk)
    report = build_report(ReportScope(FROM, TO, org_ids, disclosure_control=False))
    expected = expected_tables(set(org_ids))
    # The report's own tables; those of domain apps are reconciled by their apps' tests.
    own = [t for t in report.tables if t.name in OWN_TABLES]
    assert {t.name for t in own} == {n for n in expected if not n.startswith("_")}
    for table in own:
        want = expected[table.name]
        assert cells(table) == +want, table.name
        if table.name in (
            "victims_by_country_of_exploitation",
            "victims_by_recruitment_channel",
        ):
            assert table.total == expected["_victims"]["n"]
            assert sum(want.values()) >= table.total
        elif table.name == "hotline_calls_by_topic":
            assert table.total == expected["_calls"]["n"]
        else:
            assert table.total == sum(want.values()), table.name
    # The dataset is varied enough for the comparison to mean something.
    form = report.table("victims_by_exploitation_sex_age")
    groups = {r["age_group"] for r in form.rows if r["count"]}
    assert groups == {"child", "adult", "unknown"}
    assert {r["exploitation"] for r in form.rows if r["count"]} >= {"labour", "sexual", "both"}
    assert report.table("victims_by_status").total > 40


def test_one_organisation_and_a_shorter_period_reconcile_too(dataset):
    org_ids = (dataset["c"].pk,)
    date_from, date_to = date(2025, 3, 15), date(2025, 6, 14)
    report = build_report(ReportScope(date_from, date_to, org_ids, disclosure_control=False))
    expected = expected_tables(set(org_ids), date_from, date_to)
    for table in report.tables:
        if table.name not in OWN_TABLES:
            continue
        assert cells(table) == +expected[table.name], table.name


def test_a_person_with_several_cases_counts_once(org, make_member, make_person, make_case):
    admin = make_member(org, "org_admin")
    person = make_person(admin, sex="F", birth_date="1990-05-01")
    make_case(admin, person, opened_on=date(2025, 2, 1), exploitation=["forced_labour"])
    make_case(
        admin,
        person,
        opened_on=date(2025, 3, 1),
        exploitation=["sexual"],
        countries_of_exploitation=["RU", "KZ"],
    )
    make_case(admin, person, case_type="legal_aid", opened_on=date(2025, 4, 1))
    report = build_report(ReportScope(FROM, TO, (org.pk,), disclosure_control=False))
    assert report.table("victims_by_status").total == 1
    assert cells(report.table("victims_by_exploitation_sex_age")) == {("both", "F", "adult"): 1}
    assert cells(report.table("victims_by_country_of_exploitation")) == {("RU",): 1, ("KZ",): 1}
    assert cells(report.table("cases_opened_by_type")) == {("trafficking",): 2, ("legal_aid",): 1}


def test_period_edges_and_identification_date(org, make_member, make_person, make_case):
    admin = make_member(org, "org_admin")
    opened_before = make_person(admin, birth_date="1990")
    make_case(admin, opened_before, opened_on=date(2024, 12, 31), identified_on=date(2025, 1, 1))
    last_day = make_person(admin, birth_date="1990")
    make_case(admin, last_day, opened_on=date(2025, 12, 31))
    next_year = make_person(admin, birth_date="1990")
    make_case(admin, next_year, opened_on=date(2026, 1, 1), identified_on=date(2025, 12, 31))
    outside = make_person(admin, birth_date="1990")
    make_case(admin, outside, opened_on=date(2024, 12, 31), identified_on=date(2026, 1, 1))
    report = build_report(ReportScope(FROM, TO, (org.pk,), disclosure_control=False))
    # Identified on the first day, opened on the last day, identified on the last day.
    assert cells(report.table("victims_by_status")) == {("identified",): 2, ("presumed",): 1}
    assert cells(report.table("cases_opened_by_month")) == {("2025-12",): 1}
    months = [r["month"] for r in report.table("cases_opened_by_month").rows]
    assert months == [f"2025-{m:02d}" for m in range(1, 13)]


def test_child_or_adult_at_exploitation_with_partial_dates(
    org, make_member, make_person, make_case
):
    admin = make_member(org, "org_admin")
    began = date(2025, 6, 15)

    def victim(birth_date, sex):
        person = make_person(admin, birth_date=birth_date, sex=sex)
        make_case(admin, person, opened_on=date(2025, 7, 1), exploitation_began_on=began)

    victim("2007-06-16", "F")  # 17 the day exploitation began: child
    victim("2007-06-15", "M")  # 18 that day: adult
    victim("2007", "X")  # 17 or 18: unknown
    victim("2007-05", "U")  # turned 18 in May: adult
    victim("2007-06", "F")  # June: 17 or 18: unknown
    victim("2007-07", "M")  # still 17: child
    report = build_report(ReportScope(FROM, TO, (org.pk,), disclosure_control=False))
    assert cells(report.table("victims_by_exploitation_sex_age")) == {
        ("unknown", "F", "child"): 1,
        ("unknown", "M", "adult"): 1,
        ("unknown", "X", "unknown"): 1,
        ("unknown", "U", "adult"): 1,
        ("unknown", "F", "unknown"): 1,
        ("unknown", "M", "child"): 1,
    }


def test_suppressed_report_hides_small_cells(dataset):
    org_ids = (dataset["a"].pk, dataset["b"].pk)
    report = build_report(ReportScope(FROM, TO, org_ids, disclosure_control=True, threshold=5))
    raw = build_report(ReportScope(FROM, TO, org_ids, disclosure_control=False))
    suppressed = 0
    for table, plain in zip(report.tables, raw.tables, strict=True):
        for row, plain_row in zip(table.rows, plain.rows, strict=True):
            if row["count"] == SUPPRESSED:
                suppressed += 1
            else:
                assert not 0 < row["count"] < 5, table.name
                # Published counts carry cell-key noise of at most two either way; bed-nights
                # (sums, not counts) are not perturbed; zeros stay zero.
                noise = 0 if table.name == "shelter_bed_nights" else 2
                assert abs(row["count"] - plain_row["count"]) <= noise, table.name
                assert (plain_row["count"] == 0) <= (row["count"] == 0), table.name
    assert suppressed > 10


# --- who may report on what ---------------------------------------------------------------


def test_coordinator_sees_all_sharing_organisations(dataset, make_member):
    from apps.accounts.models import Organization
    from apps.statistics.selectors import disclosure_control_required, organizations_for_report

    coordinator = make_member(dataset["a"], "national_coordinator")
    ids = organizations_for_report(coordinator)
    sharing = set(Organization.objects.filter(shares_aggregates=True).values_list("pk", flat=True))
    assert set(ids) == sharing
    assert dataset["c"].pk not in ids
    assert disclosure_control_required(coordinator, ids)
    assert organizations_for_report(coordinator, ["beta"]) == (dataset["b"].pk,)
    with pytest.raises(Organization.DoesNotExist):
        organizations_for_report(coordinator, ["gamma"])


def test_organisation_admin_and_me_officer_report_on_their_own(dataset, make_member):
    from apps.accounts.models import Organization
    from apps.statistics.selectors import disclosure_control_required, organizations_for_report

    for role in ("org_admin", "me_officer"):
        member = make_member(dataset["c"], role)
        assert organizations_for_report(member) == (dataset["c"].pk,)
        assert not disclosure_control_required(member, (dataset["c"].pk,))
        with pytest.raises(Organization.DoesNotExist):
            organizations_for_report(member, ["alpha"])


@pytest.mark.parametrize("role", ["case_worker", "operator", "lawyer", "auditor", "monitor"])
def test_other_roles_get_nothing(dataset, make_member, role):
    from apps.statistics.selectors import organizations_for_report

    with pytest.raises(PermissionDenied):
        organizations_for_report(make_member(dataset["a"], role))


# --- the command ---------------------------------------------------------------------------


def test_command_json_is_a_list_of_tables_with_suppression_by_default(dataset, tmp_path):
    from apps.core.models import AuditEntry

    out = tmp_path / "report.json"
    call_command(
        "national_statistics",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--format",
        "json",
        "--output",
        str(out),
    )
    data = json.loads(out.read_text())
    assert isinstance(data, list)
    by_name = {t["table"]: t for t in data}
    assert by_name["cases_opened_by_type"]["dimensions"] == ["case_type"]
    assert by_name["victims_by_exploitation_sex_age"]["dimensions"] == [
        "exploitation",
        "sex",
        "age_group",
    ]
    assert by_name["hotline_calls_by_topic"]["dimensions"] == ["topic"]
    for table in data:
        assert set(table) == {"table", "dimensions", "rows", "total", "perturbed"}
        assert table["perturbed"] is (table["table"] not in UNPERTURBED)
        for row in table["rows"]:
            assert set(row) == set(table["dimensions"]) | {"count"}
            assert row["count"] == SUPPRESSED or not 0 < row["count"] < 5
    # All sharing organisations (alpha, beta, the shelter), not gamma.
    expected = expected_tables({dataset["a"].pk, dataset["b"].pk, dataset["shelter"].pk})
    # The total is perturbed (cell-key noise of at most two either way).
    true_total = sum(expected["cases_opened_by_type"].values())
    assert abs(by_name["cases_opened_by_type"]["total"] - true_total) <= 2
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action in ("export", "report")
    assert entry.detail["format"] == "json"
    assert "tables" not in entry.detail or isinstance(entry.detail["tables"], int)


def test_command_one_organisation_without_suppression(dataset, tmp_path):
    out = tmp_path / "report.json"
    call_command(
        "national_statistics",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--organization",
        "gamma",
        "--format",
        "json",
        "--output",
        str(out),
    )
    data = {t["table"]: t for t in json.loads(out.read_text())}
    expected = expected_tables({dataset["c"].pk})
    got = Counter(
        {(r["case_type"],): r["count"] for r in data["cases_opened_by_type"]["rows"] if r["count"]}
    )
    assert got == +expected["cases_opened_by_type"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_command_writes_csv_and_xlsx(dataset, tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    call_command(
        "national_statistics",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--format",
        fmt,
        "--output",
        str(out),
        "--language",
        "ru",
    )
    if fmt == "csv":
        text = out.read_text(encoding="utf-8-sig")
        assert "victims_by_exploitation_sex_age" in text
        assert "suppressed" in text
    else:
        from openpyxl import load_workbook

        book = load_workbook(out)
        # Sheets are named in the reader's words; the table's code stays in cell B1.
        by_code = {book[name]["B1"].value: book[name] for name in book.sheetnames}
        sheet = by_code["cases_opened_by_type"]
        assert sheet.title != "cases_opened_by_type"
        values = [c.value for row in sheet.iter_rows() for c in row]
        assert "trafficking" in values
        assert "Торговля людьми" in values


# --- the two settings behind the counts -------------------------------------------------


def test_case_form_records_the_identification_date(caseworker, login, make_person, make_case):
    from apps.cases.models import Case

    person = make_person(caseworker)
    case = make_case(caseworker, person, opened_on=date(2025, 2, 1))
    client = login(caseworker)
    page = client.get(f"/cases/{case.pk}/edit/")
    assert 'name="identified_on"' in page.content.decode()
    data = {
        "case_type": "trafficking",
        "opened_on": "2025-02-01",
        "identified_on": "2025-03-10",
        "version": case.version,
    }
    response = client.post(f"/cases/{case.pk}/edit/", data)
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).identified_on == date(2025, 3, 10)
    assert "2025-03-10" in client.get(f"/cases/{case.pk}/").content.decode()
    report = build_report(
        ReportScope(FROM, TO, (caseworker.organization_id,), disclosure_control=False)
    )
    assert cells(report.table("victims_by_status")) == {("identified",): 1}


def test_admin_takes_the_organisation_out_of_national_statistics(org, make_member, login):
    from apps.core.models import AuditEntry
    from apps.statistics.selectors import organizations_for_report

    admin = make_member(org, "org_admin")
    coordinator = make_member(org, "national_coordinator")
    assert org.pk in organizations_for_report(coordinator)
    client = login(admin)
    assert 'name="shares_aggregates"' in client.get("/organisation/").content.decode()
    response = client.post("/organisation/", {"form": "settings"})  # box left unticked
    assert response.status_code == 302
    org.refresh_from_db()
    assert not org.shares_aggregates
    assert org.pk not in organizations_for_report(coordinator)
    assert AuditEntry.objects.filter(detail__shares_aggregates=False).exists()


def test_command_refuses_a_threshold_below_three_and_unknown_organisations(dataset, tmp_path):
    from django.core.management.base import CommandError

    args = ["national_statistics", "--from", "2025-01-01", "--to", "2025-12-31"]
    args += ["--output", str(tmp_path / "r.json")]
    with pytest.raises(CommandError, match="below 3"):
        call_command(*args, "--threshold", "2")
    with pytest.raises(CommandError, match="nowhere"):
        call_command(*args, "--organization", "nowhere")
    assert not (tmp_path / "r.json").exists()


def test_csv_and_xlsx_neutralise_formulas(org, make_member, make_person, make_case, tmp_path):
    from openpyxl import load_workbook

    admin = make_member(org, "org_admin")
    person = make_person(admin, birth_date="1990")
    make_case(admin, person, opened_on=date(2025, 5, 1), recruitment_channel="=HYPERLINK(1)")
    base = ["national_statistics", "--from", "2025-01-01", "--to", "2025-12-31"]
    call_command(*base, "--format", "csv", "--output", str(tmp_path / "r.csv"))
    text = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    assert ",=HYPERLINK" not in text
    call_command(*base, "--format", "xlsx", "--output", str(tmp_path / "r.xlsx"))
    book = load_workbook(tmp_path / "r.xlsx")
    # Sheets are named by the table's title; its code is in cell B1.
    sheet = next(s for s in book if s["B1"].value == "victims_by_recruitment_channel")
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "'=HYPERLINK(1)" in values
    assert "=HYPERLINK(1)" not in values


def test_birth_dates_are_decrypted_only_when_the_year_cannot_settle_the_age(
    org, make_member, make_person, make_case, monkeypatch
):
    """Identifying data stays encrypted: the report reads the clear birth year, and
    decrypts a birth date only for someone turning 18 in the year exploitation began."""
    from apps.core import fields

    admin = make_member(org, "org_admin")
    for birth in ("1990-01-01", "2012-03-04", "1985", None):
        person = make_person(admin, birth_date=birth) if birth else make_person(admin)
        make_case(admin, person, opened_on=date(2025, 5, 1))
    edge = make_person(admin, birth_date="2007-09-01")  # 17 on 2025-05-01
    make_case(admin, edge, opened_on=date(2025, 5, 1))
    decrypted = []
    real = fields.decrypt_text
    monkeypatch.setattr(fields, "decrypt_text", lambda v: decrypted.append(v) or real(v))
    report = build_report(ReportScope(FROM, TO, (org.pk,), disclosure_control=False))
    assert len(decrypted) == 1
    ages = Counter()
    for row in report.table("victims_by_exploitation_sex_age").rows:
        ages[row["age_group"]] += row["count"]
    assert +ages == {"adult": 2, "child": 2, "unknown": 1}
