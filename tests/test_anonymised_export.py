"""The k-anonymous record-level export (issue 5, disclosure control).

Every check on k-anonymity counts the rows of the written CSV here, in the
test, independently of the engine's own verification.
"""

import csv
import json
import random
import re
from collections import Counter
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from apps.statistics import anonymised

K = 11

# The layout, written out again so that a change to the engine shows up here.
EXPECTED_COLUMNS = [
    "yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatusAtExploit",
    "citizenship",
    "meansOfControlDebtBondage", "meansOfControlTakesEarnings",
    "meansOfControlRestrictsFinancialAccess", "meansOfControlThreats",
    "meansOfControlPsychologicalAbuse", "meansOfControlPhysicalAbuse",
    "meansOfControlSexualAbuse", "meansOfControlFalsePromises",
    "meansOfControlPsychoactiveSubstances", "meansOfControlRestrictsMovement",
    "meansOfControlRestrictsMedicalCare", "meansOfControlExcessiveWorkingHours",
    "meansOfControlUsesChildren", "meansOfControlThreatOfLawEnforcement",
    "meansOfControlWithholdsNecessities", "meansOfControlWithholdsDocuments",
    "meansOfControlOther", "meansOfControlNotSpecified",
    "isForcedLabour", "isSexualExploit", "isOtherExploit", "isSexAndLabour",
    "isForcedMarriage", "isForcedMilitary", "isOrganRemoval", "isSlaveryAndPractices",
    "isAbduction", "RecruiterRelationship", "CountryOfExploitation",
    "recruiterRelationIntimatePartner", "recruiterRelationFriend", "recruiterRelationFamily",
    "recruiterRelationOther", "recruiterRelationUnknown",
]  # fmt: skip

EXPLOITATION = ["forced_labour", "sexual", "forced_begging", "forced_marriage", "other"]
CONTROLS = ["document_retention", "debt_bondage", "withheld_wages", "threats", "violence"]
CHANNELS = ["acquaintance", "family", "unlicensed_agency", "online_ad", "kidnapping", ""]
GIVEN = ["Айгүл", "Чыңгыз", "Нурлан", "Гүлнара", "Бакыт", "Жылдыз"]
FAMILY = ["Төлөнбаева", "Жээнбеков", "Асанов", "Осмонова", "Сыдыков"]


@pytest.fixture
def people_with_cases(db, reference_data):
    """Bulk-create people and trafficking cases (fast; the services are tested elsewhere)."""
    from apps.cases.models import Case
    from apps.people.models import Person

    def make(org, specs):
        people = Person.objects.bulk_create(
            Person(
                organization=org,
                given_name=s.get("given_name", "Айгүл"),
                family_name=s.get("family_name", "Төлөнбаева"),
                sex=s.get("sex", "F"),
                birth_date=s.get("birth_date", ""),
                birth_year=s.get("birth_year"),
                citizenship=s.get("citizenship", "KG"),
                phones=s.get("phones", []),
            )
            for s in specs
        )
        Case.objects.bulk_create(
            Case(
                organization=org,
                person=p,
                case_type=s.get("case_type", "trafficking"),
                exploitation=s.get("exploitation", ["forced_labour"]),
                means_of_control=s.get("means_of_control", []),
                recruitment_channel=s.get("recruitment_channel", "acquaintance"),
                countries_of_exploitation=s.get("countries", ["RU"]),
                opened_on=s.get("opened_on", date(2020, 3, 1)),
                exploitation_began_on=s.get("began_on"),
            )
            for p, s in zip(people, specs, strict=True)
        )
        return people

    return make


def varied_specs(n, seed=5):
    rng = random.Random(seed)
    specs = []
    for i in range(n):
        born = date(1970, 1, 1).toordinal() + rng.randrange(45 * 365)
        birth = date.fromordinal(born)
        specs.append(
            {
                "given_name": rng.choice(GIVEN),
                "family_name": rng.choice(FAMILY),
                "sex": rng.choice("FFMMX" if i % 50 == 0 else "FM"),
                "birth_date": birth.isoformat(),
                "birth_year": birth.year,
                "citizenship": rng.choice(["KG"] * 8 + ["UZ", "TJ"]),
                "phones": [f"+996 555 {i:06d}"],
                "exploitation": rng.sample(EXPLOITATION, rng.randrange(1, 3)),
                "means_of_control": rng.sample(CONTROLS, rng.randrange(0, 3)),
                "recruitment_channel": rng.choice(CHANNELS),
                "countries": [rng.choice(["RU", "RU", "KZ", "TR", "AE", "KR"])],
                "opened_on": date(2016 + rng.randrange(8), rng.randrange(1, 13), 1),
            }
        )
    return specs


def run_export(tmp_path, *args, name="out.csv"):
    out = tmp_path / name
    call_command("export_anonymised", "--output", str(out), *args)
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    meta = json.loads((tmp_path / (out.stem + ".metadata.json")).read_text(encoding="utf-8"))
    return rows[0], rows[1:], meta, out


def smallest_group(rows):
    """Independent count: how often the rarest combination of all columns occurs."""
    counts = Counter(tuple(r) for r in rows)
    return min(counts.values()) if counts else None


def test_every_combination_of_all_columns_occurs_at_least_k_times(tmp_path, org, people_with_cases):
    people_with_cases(org, varied_specs(600))
    header, rows, meta, _out = run_export(tmp_path)
    assert header == EXPECTED_COLUMNS
    assert rows, "600 records must release something"
    assert smallest_group(rows) >= K
    assert all(len(r) == len(EXPECTED_COLUMNS) for r in rows)
    assert meta["records"]["out"] == len(rows)
    assert meta["smallest_class"] >= K


@pytest.mark.parametrize("k", [2, 5, 25])
def test_other_values_of_k_hold_too(tmp_path, org, people_with_cases, k):
    people_with_cases(org, varied_specs(300, seed=k))
    _h, rows, meta, _out = run_export(tmp_path, "--k", str(k), "--allow-small-k")
    assert rows and smallest_group(rows) >= k
    assert meta["k"] == k


def test_a_smaller_k_releases_more_detail(tmp_path, org, people_with_cases):
    people_with_cases(org, varied_specs(400))
    _h, strict_rows, strict, _ = run_export(tmp_path, "--k", "25", name="a.csv")
    _h, loose_rows, loose, _ = run_export(tmp_path, "--k", "5", name="b.csv")
    assert len(set(map(tuple, loose_rows))) > len(set(map(tuple, strict_rows)))
    assert loose["information_loss"] <= strict["information_loss"]


@pytest.mark.parametrize("n", [0, 1, K - 1])
def test_fewer_than_k_records_release_nothing(tmp_path, org, people_with_cases, n):
    people_with_cases(org, varied_specs(n))
    header, rows, meta, _out = run_export(tmp_path)
    assert header == EXPECTED_COLUMNS
    assert rows == []
    assert meta["records"]["in"] == n
    assert meta["records"]["suppressed"] == n


def test_exactly_k_different_records_come_out_as_one_generalised_group(
    tmp_path, org, people_with_cases
):
    people_with_cases(org, varied_specs(K))
    _h, rows, meta, _out = run_export(tmp_path)
    assert len(rows) == K
    assert len(set(map(tuple, rows))) == 1  # never a smaller group
    assert meta["records"]["suppressed"] == 0


def test_a_group_needs_k_different_people_not_k_cases(tmp_path, org, people_with_cases):
    from apps.cases.models import Case

    # K cases, identical once exported, but only K - 1 people: one has two cases.
    people = people_with_cases(org, [{"birth_year": 1990} for _ in range(K - 1)])
    Case.objects.create(
        organization=org,
        person=people[0],
        case_type="trafficking",
        exploitation=["forced_labour"],
        recruitment_channel="acquaintance",
        countries_of_exploitation=["RU"],
        opened_on=date(2020, 3, 1),
    )
    _h, rows, meta, _out = run_export(tmp_path)
    assert meta["records"]["in"] == K
    assert rows == []
    assert meta["records"]["suppressed"] == K
    # One more person makes K different people: now the group may go out.
    people_with_cases(org, [{"birth_year": 1990}])
    _h, rows, _meta, _out = run_export(tmp_path, name="again.csv")
    assert len(rows) == K + 1


def test_one_rare_citizenship_never_appears_as_its_own_value(tmp_path, org, people_with_cases):
    specs = varied_specs(300)
    for s in specs:
        s["citizenship"] = "KG"
    specs[17]["citizenship"] = "AF"
    people_with_cases(org, specs)
    header, rows, meta, _out = run_export(tmp_path)
    column = header.index("citizenship")
    values = Counter(r[column] for r in rows)
    assert "AF" not in values
    # Afghanistan's region ("Other") would point at the same one person.
    assert values.get(anonymised.OTHER_REGION, 0) in (0,) or values[anonymised.OTHER_REGION] >= K
    assert smallest_group(rows) >= K
    assert meta["records"]["out"] + meta["records"]["suppressed"] == 300


def test_a_rare_value_is_suppressed_rather_than_withholding_a_whole_column(
    tmp_path, org, people_with_cases
):
    # 100 identical records and one from Afghanistan: losing one record costs
    # far less than blanking everyone's citizenship.
    specs = [{"birth_year": 1990, "birth_date": "1990-01-01"} for _ in range(100)]
    specs.append({"birth_year": 1990, "birth_date": "1990-01-01", "citizenship": "AF"})
    people_with_cases(org, specs)
    header, rows, meta, _out = run_export(tmp_path)
    assert {r[header.index("citizenship")] for r in rows} == {"KG"}
    assert meta["records"]["suppressed"] == 1
    assert len(rows) == 100


def test_no_identifier_or_free_text_leaves(tmp_path, org, people_with_cases):
    specs = varied_specs(300)
    people = people_with_cases(org, specs)
    header, rows, _meta, out = run_export(tmp_path)
    assert header == EXPECTED_COLUMNS
    text = out.read_text(encoding="utf-8")
    for s in specs:
        assert s["given_name"] not in text and s["family_name"] not in text
        assert s["phones"][0] not in text
        assert s["birth_date"] not in text
    assert org.name not in text and org.slug not in text
    # Every cell is from a closed vocabulary: nothing could be an id or a date.
    patterns = {
        "yearOfRegistration": r"(\d{4}(--\d{4})?)?",
        "ageBroad": r"(\d+--\d+|48\+)?",
        "citizenship": r"([A-Z]{2}|[A-Za-z ]+)?",
        "CountryOfExploitation": r"([A-Z]{2}|[A-Za-z ]+)?",
    }
    for i, column in enumerate(header):
        values = {r[i] for r in rows}
        if column.startswith(("meansOfControl", "is", "recruiterRelation")):
            assert values <= {"", "0", "1"}, column
        elif column in patterns:
            assert all(re.fullmatch(patterns[column], v) for v in values), column
        else:
            assert all(re.fullmatch(r"[A-Za-z ]*", v) for v in values), column
    ids = {str(p.pk) for p in people if p.pk > 100}
    assert not ids & {v for r in rows for v in r}


def test_rows_are_not_in_the_order_of_the_records(tmp_path, org, people_with_cases):
    # Two kinds of records, entered one kind after the other.
    specs = [{"opened_on": date(2019, 5, 1)} for _ in range(40)]
    specs += [{"opened_on": date(2023, 5, 1), "sex": "M"} for _ in range(40)]
    people_with_cases(org, specs)
    header, rows, _meta, _out = run_export(tmp_path)
    years = [r[header.index("yearOfRegistration")] for r in rows]
    assert len(set(years)) == 2
    assert years != sorted(years) and years != sorted(years, reverse=True)


def test_people_who_withdrew_consent_are_left_out(tmp_path, org, people_with_cases, make_member):
    from apps.cases.services import record_consent, withdraw_consent

    admin = make_member(org, "org_admin")
    # Exactly K identical records: with one person left out, nothing may be released.
    people = people_with_cases(org, [{"birth_year": 1990} for _ in range(K)])
    consent = record_consent(
        membership=admin, person=people[3], scope="research", given_on=date(2024, 1, 1)
    )
    withdraw_consent(membership=admin, consent=consent)
    # Someone who withdrew data processing and later agreed again stays in.
    back = record_consent(
        membership=admin, person=people[5], scope="data_processing", given_on=date(2023, 1, 1)
    )
    withdraw_consent(membership=admin, consent=back)
    record_consent(
        membership=admin, person=people[5], scope="data_processing", given_on=date(2099, 1, 1)
    )
    _h, rows, meta, _out = run_export(tmp_path)
    assert meta["records"]["excluded_withdrawn_consent"] == 1
    assert meta["records"]["in"] == K - 1
    assert rows == []
    assert any("consent" in rule for rule in meta["counting_rules"])


def test_metadata_counts_add_up_and_describe_the_generalisation(
    tmp_path, org, make_org, people_with_cases
):
    hotline = make_org("hotline-1", type="hotline")
    people_with_cases(org, varied_specs(250))
    people_with_cases(hotline, varied_specs(120, seed=9))
    people_with_cases(org, [{"case_type": "legal_aid"} for _ in range(30)])
    _h, rows, meta, _out = run_export(tmp_path)
    records = meta["records"]
    assert records["eligible_cases"] == 370  # legal-aid cases are not trafficking
    assert records["in"] == records["eligible_cases"] - records["excluded_withdrawn_consent"]
    assert records["in"] == records["out"] + records["suppressed"]
    assert records["out"] == len(rows)
    assert records["suppressed"] <= 0.05 * records["in"]
    assert meta["k"] == K and meta["created"]
    assert [c["name"] for c in meta["columns"]] == EXPECTED_COLUMNS
    assert all(c["meaning"] for c in meta["columns"])
    assert set(meta["generalisation"]) == {h.name for h in anonymised.HIERARCHIES}
    for group in meta["generalisation"].values():
        assert group["published"] == group["hierarchy"][group["level"]]
    assert sorted(c for g in meta["generalisation"].values() for c in g["columns"]) == sorted(
        EXPECTED_COLUMNS
    )
    assert "Test" not in json.dumps(meta)  # no organisation names


def test_only_the_chosen_organisations_are_exported(tmp_path, org, other_org, people_with_cases):
    people_with_cases(org, varied_specs(50))
    people_with_cases(other_org, varied_specs(70, seed=2))
    _h, _rows, meta, _out = run_export(tmp_path, "--organization", other_org.slug)
    assert meta["records"]["in"] == 70


def test_export_is_audited(tmp_path, org, people_with_cases):
    from apps.core.models import AuditEntry

    people_with_cases(org, varied_specs(40))
    run_export(tmp_path)
    entry = AuditEntry.objects.filter(action="export", organization=org).get()
    assert entry.target_type == "anonymised_export"
    assert entry.detail["k"] == K and entry.detail["records_in"] == 40


@pytest.mark.parametrize("args", [["--k", "1"], ["--k", "0"], ["--k", "3"]])
def test_a_too_small_k_is_refused(tmp_path, db, args):
    with pytest.raises(CommandError):
        call_command("export_anonymised", "--output", str(tmp_path / "x.csv"), *args)
    assert not (tmp_path / "x.csv").exists()


def test_k_below_two_is_refused_even_with_allow_small_k(tmp_path, db):
    with pytest.raises(CommandError):
        call_command(
            "export_anonymised", "--output", str(tmp_path / "x.csv"), "--k", "1",
            "--allow-small-k",
        )  # fmt: skip


def test_unknown_organisation_is_refused(tmp_path, db):
    with pytest.raises(CommandError):
        call_command(
            "export_anonymised", "--output", str(tmp_path / "x.csv"), "--organization", "nope"
        )


def test_the_birth_date_decides_the_age_band_only_when_the_year_cannot():
    on = date(2018, 6, 1)
    # Born in 2000: 17 or 18 on that day from the year alone; the full date says 17.
    assert anonymised.band_and_majority("2000", on) == (None, "")
    band, majority = anonymised.band_and_majority("2000-12-31", on)
    assert anonymised.AGE_BANDS[band][1] == "9--17" and majority == "Minor"
    band, majority = anonymised.band_and_majority("2000-01-31", on)
    assert anonymised.AGE_BANDS[band][1] == "18--20" and majority == "Adult"
    # 1990: 27 or 28, both in 27--29: the year is enough.
    band, majority = anonymised.band_and_majority("1990", on)
    assert anonymised.AGE_BANDS[band][1] == "27--29" and majority == "Adult"


def test_age_bands_come_from_the_start_of_exploitation(tmp_path, org, people_with_cases):
    # Born 2001-10-10: 15 when exploitation began (2017), 22 when the case was opened.
    specs = [
        {
            "birth_date": "2001-10-10",
            "birth_year": 2001,
            "began_on": date(2017, 1, 1),
            "opened_on": date(2024, 1, 1),
        }
        for _ in range(K)
    ]
    people_with_cases(org, specs)
    header, rows, _meta, _out = run_export(tmp_path)
    assert len(rows) == K
    majority = {r[header.index("majorityStatusAtExploit")] for r in rows}
    assert majority == {"Minor"}
    assert {r[header.index("ageBroad")] for r in rows} == {"9--17"}


def test_is_k_anonymous_counts_whole_rows():
    assert anonymised.is_k_anonymous([], 5)
    assert anonymised.is_k_anonymous([("a", "1")] * 3, 3)
    assert not anonymised.is_k_anonymous([("a", "1")] * 3 + [("a", "2")] * 2, 3)


def test_hierarchies_nest_for_every_value():
    values = [
        [None, 2012, 2015, 2016, 2019, 2023],
        ["Hotline", "Case Management"],
        ["Female", "Male", "Other", ""],
        [(b, m) for b in [None, *range(len(anonymised.AGE_BANDS))] for m in ["Minor", "Adult", ""]],
        ["KG", "RU", "AF", "DE", "CN", ""],
        ["KG", "RU", "AF", "DE", "CN", ""],
        [None, frozenset({"isForcedLabour"}), frozenset({"isForcedLabour", "isSexualExploit"}),
         frozenset({"isForcedMarriage"}), frozenset({"isOrganRemoval", "isOtherExploit"})],
        [None, frozenset(), frozenset({"meansOfControlDebtBondage"}),
         frozenset({"meansOfControlThreats", "meansOfControlFalsePromises"})],
        [(r, a) for r in ["Friend", "Family", "Other", "Unknown"] for a in ["0", "1", ""]],
    ]  # fmt: skip
    anonymised._Tables(values)  # raises when a level does not nest


# --- the engine on generated microdata (no database) -------------------------

_CHOICES = (
    [2015, 2016, 2019, 2020, 2024, None],
    [anonymised.HOTLINE, anonymised.CASE_MANAGEMENT],
    ["Female", "Male", "Other", ""],
    [(b, m) for b in (None, 0, 1, 2, 5, 8) for m in ("Minor", "Adult", "")],
    ["KG", "KG", "KG", "UZ", "AF", "RU", ""],
    ["RU", "RU", "KZ", "TR", "KR", "DE", ""],
    [None, frozenset({"isForcedLabour"}), frozenset({"isSexualExploit"}),
     frozenset({"isForcedLabour", "isSexualExploit"}), frozenset({"isForcedMarriage"})],
    [None, frozenset(), frozenset({"meansOfControlDebtBondage"}),
     frozenset({"meansOfControlThreats", "meansOfControlWithholdsDocuments"}),
     frozenset({"meansOfControlFalsePromises"})],
    [("Friend", "0"), ("Family", "0"), ("Other", "1"), ("Other", "0"), ("Unknown", "")],
)  # fmt: skip


def _row(record, levels):
    row = [""] * len(anonymised.COLUMNS)
    for h, value, level in zip(anonymised.HIERARCHIES, record, levels, strict=True):
        for column, cell in zip(h.columns, h.render(value, level), strict=True):
            row[anonymised.COLUMNS.index(column)] = cell
    return tuple(row)


@pytest.mark.parametrize("seed", range(40))
def test_any_microdata_releases_only_true_groups_of_at_least_k(seed):
    rng = random.Random(seed)
    k = rng.choice([2, 5, 11, 20])
    counts = Counter()
    for _ in range(rng.choice([0, 3, 15, 60, 250, 900])):
        counts[tuple(rng.choice(c) for c in _CHOICES)] += rng.choice([1, 1, 1, 2, 7])
    total = sum(counts.values())
    release = anonymised.anonymise(anonymised.Microdata(counts=counts), k)
    released = Counter()
    for row, n in release.classes:
        released[row] += n
    # Independent of the search: render every record at the chosen levels.
    expected = Counter()
    for record, n in counts.items():
        expected[_row(record, release.levels)] += n
    assert released == Counter({row: n for row, n in expected.items() if n >= k})
    assert all(n >= k for n in released.values())
    assert release.records_in == total == release.records_out + release.suppressed
    if total >= k:
        assert release.suppressed <= 0.05 * total
    else:
        assert release.suppressed == total


def test_a_cell_that_a_spreadsheet_would_run_is_neutralised(tmp_path):
    # Every value comes from a closed vocabulary; the writer guards anyway.
    row = ("=HYPERLINK(1)",) + ("",) * (len(anonymised.COLUMNS) - 1)
    release = anonymised.Release(
        k=2, levels=(0,) * 9, classes=[(row, 2)], records_in=2, suppressed=0,
        information_loss=0.0, nodes_evaluated=1, max_suppression=0.02,
    )  # fmt: skip
    out = tmp_path / "x.csv"
    anonymised.write_release(release, out)
    with open(out, encoding="utf-8", newline="") as f:
        cells = [r[0] for r in csv.reader(f)][1:]
    assert cells == ["'=HYPERLINK(1)"] * 2
