"""The differencing attack on published statistics, and what stops it.

Two reports whose records differ by one victim (a day more, or one small organisation
more) used to differ by exactly that victim: the changed cells were the victim's
citizenship, region and country of exploitation. Reports that leave an organisation now
cover whole calendar months, quarters or years only, and their counts carry cell-key
noise (apps.statistics.cellkey): the same records always get the same noise, and a
difference between reports is the true difference plus noise.
"""

import dataclasses
import hashlib
import hmac
from collections import Counter
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from apps.statistics import cellkey, sources
from apps.statistics.report import SUPPRESSED, ReportScope, build_report

JAN = (date(2025, 1, 1), date(2025, 1, 31))
FEB = (date(2025, 2, 1), date(2025, 2, 28))
MAR = (date(2025, 3, 1), date(2025, 3, 31))
Q1 = (date(2025, 1, 1), date(2025, 3, 31))
# Domain tables of sums rather than counts (apps.statistics.sources, perturbed=False).
UNPERTURBED = {t.name for t in sources.source_tables() if not t.perturbed}

SECRET_TABLES = (
    "victims_by_citizenship",
    "victims_by_region_of_origin",
    "victims_by_country_of_exploitation",
)
KEYS = 24  # statistics keys tried: each is another installation's noise


@pytest.fixture
def victims(make_org, make_member, make_person, make_case):
    """Two larger organisations with victims in each month of the first quarter, and a
    small one with a single victim: Uzbek, from Batken, exploited in Turkey, in March."""
    big = [make_org(slug="big-1"), make_org(slug="big-2")]
    small = make_org(slug="small")
    citizenships = ["KG", "KG", "UZ", "TJ"]
    regions = ["osh", "chuy", "naryn", "batken"]
    countries = ["RU", "KZ", "TR"]
    for i in range(36):
        org = big[i % 2]
        admin = make_member(org, "org_admin")
        person = make_person(
            admin,
            birth_date="1990",
            sex="FM"[i % 2],
            citizenship=citizenships[i % 4],
            region=regions[i % 4],
        )
        make_case(
            admin,
            person,
            opened_on=date(2025, 1 + i % 3, 1 + i % 27),
            countries_of_exploitation=[countries[i % 3]],
        )
    admin = make_member(small, "org_admin")
    person = make_person(admin, birth_date="1990", sex="F", citizenship="UZ", region="batken")
    make_case(admin, person, opened_on=date(2025, 3, 10), countries_of_exploitation=["TR"])
    return {"big": [o.pk for o in big], "small": small.pk, "target": person}


def report(period, org_ids, control=True):
    return build_report(
        ReportScope(period[0], period[1], tuple(sorted(org_ids)), disclosure_control=control)
    )


def cells(rep, name) -> dict:
    t = rep.table(name)
    return {tuple(r[d] for d in t.dimensions): r["count"] for r in t.rows}


def difference(a, b, name) -> dict:
    """Cell by cell a - b, as the attacker computes it (a suppressed cell on either side
    leaves the difference unknown)."""
    ca, cb = cells(a, name), cells(b, name)
    out = {}
    for key in set(ca) | set(cb):
        x, y = ca.get(key, 0), cb.get(key, 0)
        out[key] = SUPPRESSED if SUPPRESSED in (x, y) else x - y
    return out


def one_hot(diff: dict):
    """The naive inference: the single cell that went up by exactly one, all others
    unchanged; None when the difference does not look like that."""
    changed = {k: v for k, v in diff.items() if v != 0}
    if len(changed) == 1 and list(changed.values()) == [1]:
        return next(iter(changed))
    return None


@pytest.fixture
def statistics_keys(settings):
    """Runs the attack under many statistics keys (each a different installation)."""
    original = settings.KEYRING

    def use(seed: int):
        index_key = hashlib.sha256(b"installation %d" % seed).digest()
        settings.KEYRING = dataclasses.replace(original, index_key=index_key)

    yield use
    settings.KEYRING = original


TARGET = {
    "victims_by_citizenship": ("UZ",),
    "victims_by_region_of_origin": ("batken",),
    "victims_by_country_of_exploitation": ("TR",),
}


def test_without_noise_removing_one_small_organisation_gives_its_victim_away(victims):
    # The attack as it worked before: exact counts differ by the victim's one-hot row.
    everyone = report(MAR, victims["big"] + [victims["small"]], control=False)
    without = report(MAR, victims["big"], control=False)
    for name, cell in TARGET.items():
        assert one_hot(difference(everyone, without, name)) == cell


def test_removing_one_small_organisation_no_longer_isolates_its_victim(victims, statistics_keys):
    everyone_ids = victims["big"] + [victims["small"]]
    exposed = Counter()
    seen_differences = Counter()
    for seed in range(KEYS):
        statistics_keys(seed)
        everyone, without = report(MAR, everyone_ids), report(MAR, victims["big"])
        for name, cell in TARGET.items():
            diff = difference(everyone, without, name)
            if one_hot(diff) == cell:
                exposed[name] += 1
            seen_differences[diff.get(cell)] += 1
            # Consistency: a cell without the victim has the same records in both reports,
            # hence the same noise and the same published value.
            for key, value in diff.items():
                if key != cell and value != SUPPRESSED and key != ("unknown",):
                    assert value == 0, (name, key)
    # The naive inference ("the cell that went up by one") is right for a minority of
    # installations only, and the victim's cell moves by many different amounts
    # (including not at all, or down).
    for name in TARGET:
        assert exposed[name] < KEYS / 2, (name, exposed[name])
    assert len(seen_differences) >= 4
    assert any(v in (0, SUPPRESSED) or (isinstance(v, int) and v < 0) for v in seen_differences)


def test_a_quarter_less_two_of_its_months_does_not_give_the_third_exactly(victims, statistics_keys):
    ids = victims["big"] + [victims["small"]]
    true_march = report(MAR, ids, control=False)
    exposed = 0
    for seed in range(KEYS):
        statistics_keys(seed)
        q1, jan, feb = report(Q1, ids), report(JAN, ids), report(FEB, ids)
        for name in SECRET_TABLES:
            exact = cells(true_march, name)
            derived = {}
            for key, value in cells(q1, name).items():
                parts = (value, cells(jan, name).get(key, 0), cells(feb, name).get(key, 0))
                derived[key] = None if SUPPRESSED in parts else parts[0] - parts[1] - parts[2]
            # The attack succeeds when it works out March's table, every cell exactly.
            if all(derived[k] == exact.get(k, 0) for k in derived):
                exposed += 1
    # The noises of three reports add up: the derived March table is rarely the true one,
    # and the attacker cannot tell the few lucky draws from the others.
    assert exposed <= KEYS * len(SECRET_TABLES) // 4


def test_the_same_records_get_the_same_published_count_in_every_report(victims):
    ids = victims["big"] + [victims["small"]]
    # Every victim of the quarter is in the year too, and nobody else: same records, same
    # noise, same numbers, though the two reports are different periods.
    q1, year = report(Q1, ids), report((date(2025, 1, 1), date(2025, 12, 31)), ids)
    for name in SECRET_TABLES + ("victims_by_status",):
        assert cells(q1, name) == cells(year, name)
        assert q1.table(name).total == year.table(name).total


def test_published_counts_are_noisy_but_close_and_zeros_stay_zero(victims):
    ids = victims["big"] + [victims["small"]]
    exact, published = report(Q1, ids, control=False), report(Q1, ids)
    for t_exact, t_pub in zip(exact.tables, published.tables, strict=True):
        if t_exact.name == "shelter_bed_nights":
            continue  # a sum of nights, not a count: suppressed by its stays, not perturbed
        if t_pub.name in UNPERTURBED:
            continue  # sums (e.g. compensation amounts) are protected otherwise
        assert t_pub.perturbed and not t_exact.perturbed
        for r_exact, r_pub in zip(t_exact.rows, t_pub.rows, strict=True):
            if r_exact["count"] == 0:
                assert r_pub["count"] == 0
            elif r_pub["count"] != SUPPRESSED:
                assert abs(r_pub["count"] - r_exact["count"]) <= cellkey.MAX_NOISE
    assert any(
        r_pub["count"] not in (r_exact["count"], SUPPRESSED)
        for t_exact, t_pub in zip(exact.tables, published.tables, strict=True)
        for r_exact, r_pub in zip(t_exact.rows, t_pub.rows, strict=True)
    ), "some count should carry noise"


def test_a_report_inside_one_organisation_stays_exact_for_any_days(victims):
    own = (victims["small"],)
    rep = build_report(ReportScope(date(2025, 3, 10), date(2025, 3, 10), own, False))
    assert cells(rep, "victims_by_citizenship") == {("UZ",): 1}
    assert not rep.table("victims_by_citizenship").perturbed


@pytest.mark.parametrize(
    "period",
    [
        (date(2025, 3, 1), date(2025, 3, 30)),  # a month less its last day
        (date(2025, 1, 1), date(2025, 2, 28)),  # two months
        (date(2025, 2, 1), date(2025, 4, 30)),  # three months, not a quarter
        (date(2025, 3, 10), date(2025, 3, 10)),  # one day
    ],
)
def test_other_periods_are_refused_under_disclosure_control(db, period):
    with pytest.raises(ValidationError):
        ReportScope(period[0], period[1], (1, 2), disclosure_control=True)


@pytest.mark.parametrize("period", [JAN, FEB, Q1, (date(2024, 1, 1), date(2024, 12, 31))])
def test_months_quarters_and_years_are_accepted(db, period):
    assert ReportScope(period[0], period[1], (1, 2), disclosure_control=True).disclosure_control


def test_the_api_refuses_a_two_month_period_with_a_message(
    client, victims, make_org, make_member, capsys
):
    coordinator = make_member(make_org("coordination", type="government"), "national_coordinator")
    call_command(
        "create_api_token", coordinator.user.email, "--organization", coordinator.organization.slug
    )
    lines = capsys.readouterr().out.strip().splitlines()
    token = next(line.strip() for line in reversed(lines) if line.strip() and " " not in line)
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    r = client.get("/api/v1/statistics/", {"from": "2025-01-01", "to": "2025-02-28"}, **auth)
    assert r.status_code == 400
    assert "whole calendar month, quarter or year" in r.content.decode()
    r = client.get("/api/v1/statistics/", {"from": "2025-01-01", "to": "2025-03-31"}, **auth)
    assert r.status_code == 200
    assert all(
        t["perturbed"]
        for t in r.json()
        if t["table"] != "shelter_bed_nights" and t["table"] not in UNPERTURBED
    )


def test_the_command_refuses_a_day_under_disclosure_control(victims, tmp_path):
    with pytest.raises(CommandError, match="whole calendar month, quarter or year"):
        call_command(
            "national_statistics",
            "--from",
            "2025-03-10",
            "--to",
            "2025-03-10",
            "--output",
            str(tmp_path / "r.json"),
        )


def test_the_form_offers_months_and_refuses_free_dates_when_the_report_leaves(db):
    from apps.statistics.forms import ReportFilterForm

    choices = [("a", "A"), ("b", "B")]
    form = ReportFilterForm(
        {"period": "month", "year": "2025", "month": "2"},
        organizations=choices,
        forced_disclosure_control=True,
    )
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["from"], form.cleaned_data["to"]) == FEB
    form = ReportFilterForm(
        {"period": "custom", "date_from": "2025-03-01", "date_to": "2025-03-30"},
        organizations=choices,
        forced_disclosure_control=True,
    )
    assert not form.is_valid()
    assert "whole calendar month, quarter or year" in " ".join(form.non_field_errors())
    form = ReportFilterForm(
        {"period": "custom", "date_from": "2025-03-01", "date_to": "2025-03-30"},
        organizations=choices[:1],
        forced_disclosure_control=False,
    )
    assert form.is_valid(), form.errors


def test_the_database_computes_the_keyed_record_keys(victims):
    """Record keys come from HMAC-SHA256 under the keyring's key, in PostgreSQL and SQLite
    alike; a reader without the key cannot compute them."""
    from django.db import connection

    person = victims["target"]
    sql, params = cellkey.record_key_sql(cellkey.PERSON, "%s")
    with connection.cursor() as cur:
        cur.execute(f"SELECT {sql}", [*params, person.pk])
        in_database = cur.fetchone()[0]
    derived = hmac.new(
        cellkey.statistics_key(), f"person:{person.pk}".encode(), hashlib.sha256
    ).digest()[0]
    assert in_database == derived == cellkey.record_key(cellkey.PERSON, person.pk)
    assert cellkey.statistics_key() != hashlib.sha256(b"statistics:record-key").digest()


def test_the_perturbation_table_has_the_documented_parameters():
    for count, row in cellkey.PTABLE.items():
        assert len(row) == cellkey.KEY_RANGE
        if count == 0:
            assert set(row) == {0}
            continue
        assert all(count + d >= 0 and abs(d) <= cellkey.MAX_NOISE for d in row)
        mean = sum(row) / len(row)
        variance = sum((d - mean) ** 2 for d in row) / len(row)
        assert abs(mean) < 0.02 and abs(variance - cellkey.VARIANCE) < 0.05


def _coordinator_token(make_org, make_member, capsys):
    coordinator = make_member(make_org("coordination", type="government"), "national_coordinator")
    call_command(
        "create_api_token", coordinator.user.email, "--organization", coordinator.organization.slug
    )
    lines = capsys.readouterr().out.strip().splitlines()
    token = next(line.strip() for line in reversed(lines) if line.strip() and " " not in line)
    return coordinator, {"HTTP_AUTHORIZATION": f"Token {token}"}


def test_the_api_refuses_every_organisation_but_one_and_gives_one_or_all(
    client, victims, make_org, make_member, capsys
):
    # The organisation-set attack: "all sharing organisations" next to "all but the small
    # one" would point at the small organisation's victim; sets in between are refused.
    _coordinator, auth = _coordinator_token(make_org, make_member, capsys)
    march = {"from": "2025-03-01", "to": "2025-03-31"}
    r = client.get("/api/v1/statistics/", {**march, "organization": ["big-1", "big-2"]}, **auth)
    assert r.status_code == 400
    assert "one organisation or all of them" in r.content.decode()
    assert (
        client.get("/api/v1/statistics/", {**march, "organization": "small"}, **auth).status_code
        == 200
    )
    assert client.get("/api/v1/statistics/", march, **auth).status_code == 200


def test_the_report_page_refuses_a_partial_organisation_set_and_keeps_the_choice(
    client, victims, make_org, make_member
):
    coordinator = make_member(make_org("coordination", type="government"), "national_coordinator")
    client.force_login(coordinator.user)
    r = client.get(
        "/statistics/",
        {"period": "month", "year": "2025", "month": "3", "organization": ["big-1", "small"]},
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert "one organisation or all of them" in body
    assert r.context["report"] is None
    assert r.context["form"]["organization"].value() == ["big-1", "small"]


def test_the_command_refuses_a_partial_organisation_set(victims, tmp_path):
    with pytest.raises(CommandError, match="one organisation or all of them"):
        call_command(
            "national_statistics",
            "--from", "2025-03-01", "--to", "2025-03-31",
            "--organization", "big-1", "--organization", "big-2",
            "--output", str(tmp_path / "r.json"),
        )  # fmt: skip


def test_a_period_still_running_is_refused_under_disclosure_control(db):
    # The current month run on two days differs by the people registered in between.
    from apps.statistics.periods import check_disclosure_period, month_range

    today = date(2026, 12, 5)
    with pytest.raises(ValidationError, match="period that has ended"):
        check_disclosure_period(*month_range(2026, 12), today=today)
    with pytest.raises(ValidationError, match="period that has ended"):
        check_disclosure_period(date(2026, 1, 1), date(2026, 12, 31), today=today)
    check_disclosure_period(*month_range(2026, 11), today=today)  # ended: no error


def test_the_api_refuses_the_running_month_and_the_coordinator_dashboard_shows_an_ended_year(
    client, victims, make_org, make_member, capsys
):
    from django.utils import timezone

    from apps.statistics.dashboard import dashboard_figures
    from apps.statistics.periods import month_range

    coordinator, auth = _coordinator_token(make_org, make_member, capsys)
    today = timezone.localdate()
    first, last = month_range(today.year, today.month)
    r = client.get(
        "/api/v1/statistics/", {"from": first.isoformat(), "to": last.isoformat()}, **auth
    )
    assert r.status_code == 400
    assert "period that has ended" in r.content.decode()
    figures = dashboard_figures(coordinator)
    assert figures.scope.date_to < today
    assert (figures.scope.date_from, figures.scope.date_to) == (
        date(today.year - 1, 1, 1),
        date(today.year - 1, 12, 31),
    )
