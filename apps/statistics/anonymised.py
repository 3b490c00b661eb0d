"""The k-anonymous record-level export in the layout of the CTDC global dataset.

One record per trafficking case, built only from clear columns (the birth
date is decrypted only when the clear birth year cannot place the person in an
age band). Every record is then generalised along the hierarchies below until
each distinct combination of ALL exported columns occurs at least K times, in
the records of at least K different people; records that would still sit in a
smaller group are suppressed. The layout, the hierarchies and the reasons are
in docs/statistics/anonymised-export.md.

Pieces:

- `extract(...)`: streams the cases and returns a `Microdata` (the distinct
  base records with their counts; no identifier ever leaves this function).
- `HIERARCHIES`: one `Hierarchy` per group of columns, level 0 = most detailed.
- `anonymise(microdata, k)`: the generalisation search; returns a `Release`.
- `write_release(...)`: the CSV, rows in random order; `metadata(...)`: its JSON.
- `is_k_anonymous(rows, k)`: the independent check (used on the written file).
- `export_anonymised(...)`: all of the above, verified and audited.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import random
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from apps.people.validation import neutralise_formula
from apps.statistics.age import ADULT, CHILD, age_bounds, age_group

DEFAULT_K = 11  # the value CTDC publishes with
MINIMUM_K = 2  # below 2 "k-anonymity" means nothing
SMALL_K = 5  # below this the command wants --allow-small-k
DEFAULT_MAX_SUPPRESSION = 0.02  # share of records the search may suppress
CASE_TYPE = "trafficking"

# --- the layout (CTDC global dataset column names) -------------------------

YEAR = "yearOfRegistration"
DATASOURCE = "Datasource"
GENDER = "gender"
AGE_BROAD = "ageBroad"
MAJORITY = "majorityStatusAtExploit"
CITIZENSHIP = "citizenship"
COUNTRY = "CountryOfExploitation"
ABDUCTION = "isAbduction"
RECRUITER = "RecruiterRelationship"

MEANS_OF_CONTROL_COLUMNS = (
    "meansOfControlDebtBondage",
    "meansOfControlTakesEarnings",
    "meansOfControlRestrictsFinancialAccess",
    "meansOfControlThreats",
    "meansOfControlPsychologicalAbuse",
    "meansOfControlPhysicalAbuse",
    "meansOfControlSexualAbuse",
    "meansOfControlFalsePromises",
    "meansOfControlPsychoactiveSubstances",
    "meansOfControlRestrictsMovement",
    "meansOfControlRestrictsMedicalCare",
    "meansOfControlExcessiveWorkingHours",
    "meansOfControlUsesChildren",
    "meansOfControlThreatOfLawEnforcement",
    "meansOfControlWithholdsNecessities",
    "meansOfControlWithholdsDocuments",
    "meansOfControlOther",
    "meansOfControlNotSpecified",
)
EXPLOITATION_COLUMNS = (
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "isSexAndLabour",
    "isForcedMarriage",
    "isForcedMilitary",
    "isOrganRemoval",
    "isSlaveryAndPractices",
)
RECRUITER_FLAG_COLUMNS = (
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
    "recruiterRelationUnknown",
)
COLUMNS = (
    (YEAR, DATASOURCE, GENDER, AGE_BROAD, MAJORITY, CITIZENSHIP)
    + MEANS_OF_CONTROL_COLUMNS
    + EXPLOITATION_COLUMNS
    + (ABDUCTION, RECRUITER, COUNTRY)
    + RECRUITER_FLAG_COLUMNS
)

# --- coding: Koldoo codes -> CTDC ------------------------------------------

HOTLINE = "Hotline"
CASE_MANAGEMENT = "Case Management"
GENDERS = {"F": "Female", "M": "Male", "X": "Other"}  # "U" (unknown) -> blank
MAJORITY_LABELS = {CHILD: "Minor", ADULT: "Adult"}  # unknown -> blank

# CTDC counts begging, forced criminality ("illicit activities") and domestic
# work as kinds of labour; servitude and debt collateral are "slavery and
# similar practices".
EXPLOITATION_FLAG = {
    "sexual": "isSexualExploit",
    "forced_labour": "isForcedLabour",
    "forced_begging": "isForcedLabour",
    "forced_criminality": "isForcedLabour",
    "domestic_servitude": "isSlaveryAndPractices",
    "debt_collateral": "isSlaveryAndPractices",
    "forced_marriage": "isForcedMarriage",
    "armed_conflict": "isForcedMilitary",
    "organ_removal": "isOrganRemoval",
    "other": "isOtherExploit",
}
MEANS_OF_CONTROL_FLAG = {
    "document_retention": "meansOfControlWithholdsDocuments",
    "debt_bondage": "meansOfControlDebtBondage",
    "withheld_wages": "meansOfControlTakesEarnings",
    "sold_on": "meansOfControlOther",
    "threats": "meansOfControlThreats",
    "threats_family": "meansOfControlThreats",
    "violence": "meansOfControlPhysicalAbuse",
    "sexual_violence": "meansOfControlSexualAbuse",
    "isolation": "meansOfControlRestrictsMovement",
    "false_promises": "meansOfControlFalsePromises",
    "police_threats": "meansOfControlThreatOfLawEnforcement",
    "excessive_hours": "meansOfControlExcessiveWorkingHours",
    "substances": "meansOfControlPsychoactiveSubstances",
    "other": "meansOfControlOther",
}
# Koldoo does not record these: always blank, never a misleading 0.
MEANS_OF_CONTROL_NOT_COLLECTED = frozenset(
    set(MEANS_OF_CONTROL_COLUMNS)
    - set(MEANS_OF_CONTROL_FLAG.values())
    - {"meansOfControlNotSpecified"}
)

INTIMATE_PARTNER, FRIEND, FAMILY, OTHER, UNKNOWN = (
    "Intimate Partner",
    "Friend",
    "Family",
    "Other",
    "Unknown",
)
RECRUITER_FLAG = dict(
    zip((INTIMATE_PARTNER, FRIEND, FAMILY, OTHER, UNKNOWN), RECRUITER_FLAG_COLUMNS, strict=True)
)
# Case.recruitment_channel -> who recruited. Koldoo records the channel, not
# the relationship: only "family" and "acquaintance" name a relation; every
# agency, advert, driver or kidnapper is someone outside the family and
# circle ("Other"); no channel says "intimate partner", so it never occurs.
RECRUITER_RELATION = {
    "family": FAMILY,
    "acquaintance": FRIEND,
    "licensed_agency": OTHER,
    "unlicensed_agency": OTHER,
    "marriage_agency": OTHER,
    "modelling_tourist_agency": OTHER,
    "newspaper_ad": OTHER,
    "online_ad": OTHER,
    "driver_fare": OTHER,
    "kidnapping": OTHER,
    "other": OTHER,
}

# Regions for citizenship and country of exploitation: UN M49 sub-regions,
# merged to the destinations and origins seen in the field; anything else
# (including Afghanistan, India, the Americas, Africa) is "Other".
CENTRAL_ASIA = "Central Asia"
EASTERN_EUROPE = "Russia and Eastern Europe"
WESTERN_ASIA = "Western Asia and the Gulf"
EAST_ASIA = "East Asia"
EUROPE = "Europe"
OTHER_REGION = "Other"
REGIONS = {
    CENTRAL_ASIA: "KG KZ UZ TJ TM",
    EASTERN_EUROPE: "RU UA BY MD",
    WESTERN_ASIA: "TR AE SA QA KW BH OM SY IQ JO LB IL PS YE AM AZ GE CY",
    EAST_ASIA: "CN KR KP JP MN HK MO TW",
    EUROPE: (
        "DE CZ PL SK HU RO BG AT CH IT ES PT FR BE NL LU GB IE DK SE NO FI IS EE LV LT SI HR"
        " RS BA ME MK AL GR MT LI MC SM AD VA XK"
    ),
}
REGION_OF_COUNTRY = {code: region for region, codes in REGIONS.items() for code in codes.split()}


def region_of(country: str) -> str:
    """The region of an ISO 3166 alpha-2 code; "" stays "" (unknown)."""
    if not country:
        return ""
    return REGION_OF_COUNTRY.get(country, OTHER_REGION)


# CTDC's ageBroad bands (lower bound, label); the wider band each belongs to.
AGE_BANDS = (
    (0, "0--8"),
    (9, "9--17"),
    (18, "18--20"),
    (21, "21--23"),
    (24, "24--26"),
    (27, "27--29"),
    (30, "30--38"),
    (39, "39--47"),
    (48, "48+"),
)
WIDE_BANDS = ("0--17", "0--17", "18--29", "18--29", "18--29", "18--29", "30--47", "30--47", "48+")


def age_band(age: int) -> int:
    """Index into AGE_BANDS of an age in whole years (never negative)."""
    index = 0
    for i, (lower, _label) in enumerate(AGE_BANDS):
        if age >= lower:
            index = i
    return index


def band_and_majority(birth_date: str, on: date) -> tuple[int | None, str]:
    """(age band index or None when the date cannot tell, "Minor"/"Adult"/"").

    Both come from apps/statistics/age.py, the one age rule: the band from
    `age_bounds` (a partial date gives a range; a range across a band boundary
    gives no band), the majority from `age_group`.
    """
    majority = MAJORITY_LABELS.get(age_group(birth_date, on), "")
    bounds = age_bounds(birth_date, on)
    if bounds is None or bounds[1] < 0:
        return None, ""
    youngest, oldest = max(bounds[0], 0), bounds[1]
    band = age_band(youngest)
    return (band if band == age_band(oldest) else None), majority


# --- hierarchies -------------------------------------------------------------


@dataclass(frozen=True)
class Hierarchy:
    """A group of columns generalised together; level 0 is the most detailed.

    `render(value, level)` gives the group's column values for a base value.
    Levels must nest: equal output at one level means equal output above it
    (checked when the search builds its tables).
    """

    name: str
    columns: tuple[str, ...]
    levels: tuple[str, ...]  # what each level publishes (for the metadata)
    render: Callable[[object, int], tuple[str, ...]]

    @property
    def top(self) -> int:
        return len(self.levels) - 1


YEAR_WIDTHS = (1, 2, 4, 8)  # powers of two from year 0: the periods nest


def _render_year(year, level):
    if year is None or level >= len(YEAR_WIDTHS):
        return ("",)
    width = YEAR_WIDTHS[level]
    if width == 1:
        return (str(year),)
    start = year - year % width
    return (f"{start}--{start + width - 1}",)


def _render_plain(value, level):
    return (value if level == 0 else "",)


def _render_age(value, level):
    band, majority = value
    if level == 0:
        return (AGE_BANDS[band][1] if band is not None else "", majority)
    if level == 1:
        return (WIDE_BANDS[band] if band is not None else "", majority)
    if level == 2:
        return ("", majority)
    return ("", "")


def _render_country(value, level):
    if level == 0:
        return (value,)
    if level == 1:
        return (region_of(value),)
    return ("",)


_SEX_AND_LABOUR = {"isForcedLabour", "isSexualExploit"}
_RARE_EXPLOITATION = frozenset(EXPLOITATION_COLUMNS) - _SEX_AND_LABOUR - {"isSexAndLabour"}


def _render_exploitation(flags, level):
    if flags is None or level >= 2:  # unknown, or withheld
        return ("",) * len(EXPLOITATION_COLUMNS)
    both = "1" if _SEX_AND_LABOUR <= flags else "0"
    out = []
    for column in EXPLOITATION_COLUMNS:
        if column == "isSexAndLabour":
            out.append(both)
        elif level == 0 or column in _SEX_AND_LABOUR:
            out.append("1" if column in flags else "0")
        elif column == "isOtherExploit":  # level 1: every rarer form folds into "other"
            out.append("1" if flags & _RARE_EXPLOITATION else "0")
        else:
            out.append("")
    return tuple(out)


# What each means-of-control level keeps as its own column; the rest fold
# into meansOfControlOther. The kept ones are the controls of labour migration
# in the field (documents, debt, wages) and then physical and sexual abuse.
_MOC_KEPT = (
    frozenset(MEANS_OF_CONTROL_COLUMNS) - MEANS_OF_CONTROL_NOT_COLLECTED,
    frozenset(
        {
            "meansOfControlDebtBondage",
            "meansOfControlTakesEarnings",
            "meansOfControlThreats",
            "meansOfControlPhysicalAbuse",
            "meansOfControlSexualAbuse",
            "meansOfControlWithholdsDocuments",
            "meansOfControlOther",
            "meansOfControlNotSpecified",
        }
    ),
    frozenset(
        {
            "meansOfControlDebtBondage",
            "meansOfControlTakesEarnings",
            "meansOfControlWithholdsDocuments",
            "meansOfControlOther",
            "meansOfControlNotSpecified",
        }
    ),
)


def _render_means_of_control(flags, level):
    if level >= len(_MOC_KEPT):
        return ("",) * len(MEANS_OF_CONTROL_COLUMNS)
    kept = _MOC_KEPT[level]
    out = []
    for column in MEANS_OF_CONTROL_COLUMNS:
        if column == "meansOfControlNotSpecified":
            out.append("1" if flags is None else "0")
        elif flags is None or column not in kept:
            out.append("")
        elif column == "meansOfControlOther":
            out.append("1" if flags - (kept - {column}) else "0")
        else:
            out.append("1" if column in flags else "0")
    return tuple(out)


def _render_recruiter(value, level):
    relation, abduction = value
    if level >= 2:
        return ("",) * (2 + len(RECRUITER_FLAG_COLUMNS))
    flags = tuple("1" if RECRUITER_FLAG[relation] == c else "0" for c in RECRUITER_FLAG_COLUMNS)
    return (abduction if level == 0 else "", relation) + flags


HIERARCHIES = (
    Hierarchy(
        "year",
        (YEAR,),
        ("year", "2-year period", "4-year period", "8-year period", "withheld"),
        _render_year,
    ),
    Hierarchy("datasource", (DATASOURCE,), ("data source type", "withheld"), _render_plain),
    Hierarchy("gender", (GENDER,), ("gender", "withheld"), _render_plain),
    Hierarchy(
        "age",
        (AGE_BROAD, MAJORITY),
        ("CTDC age band + majority", "wide age band + majority", "majority only", "withheld"),
        _render_age,
    ),
    Hierarchy("citizenship", (CITIZENSHIP,), ("country", "region", "withheld"), _render_country),
    Hierarchy(
        "country_of_exploitation", (COUNTRY,), ("country", "region", "withheld"), _render_country
    ),
    Hierarchy(
        "exploitation",
        EXPLOITATION_COLUMNS,
        ("every form", "labour, sexual, both, other", "withheld"),
        _render_exploitation,
    ),
    Hierarchy(
        "means_of_control",
        MEANS_OF_CONTROL_COLUMNS,
        ("every means", "six means + other", "documents, debt, earnings + other", "withheld"),
        _render_means_of_control,
    ),
    Hierarchy(
        "recruiter",
        (ABDUCTION, RECRUITER) + RECRUITER_FLAG_COLUMNS,
        ("relationship + abduction", "relationship", "withheld"),
        _render_recruiter,
    ),
)
# Where each hierarchy's columns sit in COLUMNS (the output order).
_COLUMN_INDEX = {c: i for i, c in enumerate(COLUMNS)}
assert sorted(c for h in HIERARCHIES for c in h.columns) == sorted(COLUMNS)


# --- extraction --------------------------------------------------------------


@dataclass
class Microdata:
    """Distinct base records (one value per hierarchy) with how many cases each."""

    counts: Counter = field(default_factory=Counter)
    eligible: int = 0  # trafficking cases in scope
    excluded_consent: int = 0  # of which left out: consent withdrawn
    decrypted: int = 0  # birth dates decrypted to place someone in an age band
    organization_ids: set = field(default_factory=set)
    # The records of each person with more than one case in scope (no ids):
    # a group must hold k different people, not one person k times.
    repeated_people: list = field(default_factory=list)

    @property
    def records(self) -> int:
        return self.eligible - self.excluded_consent


def withdrawn_people(organization_ids=None) -> set[int]:
    """People whose latest consent to data processing or to research is withdrawn.

    A later consent of the same scope, given again, puts them back.
    """
    from apps.cases.models import Consent, ConsentScope

    consents = Consent.objects.filter(
        scope__in=[ConsentScope.DATA_PROCESSING, ConsentScope.RESEARCH]
    )
    if organization_ids is not None:
        consents = consents.filter(person__organization_id__in=organization_ids)
    latest: dict[tuple[int, str], object] = {}
    rows = consents.order_by("given_on", "id").values_list("person_id", "scope", "withdrawn_on")
    for person_id, scope, withdrawn_on in rows.iterator(chunk_size=5000):
        latest[(person_id, scope)] = withdrawn_on
    return {person_id for (person_id, _scope), withdrawn in latest.items() if withdrawn}


def _parse_codes(cache: dict, raw) -> tuple:
    """A JSON list of codes (as text from the database) -> tuple, memoised."""
    found = cache.get(raw)
    if found is None:
        if isinstance(raw, str):
            value = json.loads(raw) if raw else []
        else:
            value = raw or []
        found = cache[raw] = tuple(str(v) for v in value) if isinstance(value, list) else ()
    return found


def undecided_differences() -> set[int]:
    """Years between birth and exploitation for which the birth year alone gives no band.

    Asked of the age rule itself (a year-only date gives the ages d - 1 and d),
    so the query fetches a birth date's token only for these people.
    """
    return {d for d in range(0, 150) if band_and_majority("2000", date(2000 + d, 7, 1))[0] is None}


def extract(
    organization_ids=None, *, case_types=(CASE_TYPE,), chunk_size: int = 20_000
) -> Microdata:
    """Stream the cases in scope into distinct base records with counts.

    Reads clear columns; a person's birth date is decrypted (apps.core.crypto,
    as the field itself does) only when the clear birth year cannot tell the
    age band at exploitation (the start of exploitation, else the opening of
    the case).
    """
    from django.db import connection, transaction
    from django.db.models import Case as DbCase
    from django.db.models import Count, F, TextField, Value, When
    from django.db.models.functions import Cast, Coalesce, ExtractYear

    from apps.accounts.models import Organization
    from apps.cases.models import Case
    from apps.core.crypto import decrypt_text

    cases = Case.objects.filter(case_type__in=list(case_types))
    if organization_ids is not None:
        cases = cases.filter(organization_id__in=list(organization_ids))
    # JSON lists come as text and are decoded once per distinct text. The
    # birth date's token is fetched only for the ages the year cannot place.
    on_year = ExtractYear(Coalesce("exploitation_began_on", "opened_on"))
    rows = cases.annotate(
        x_exploitation=Cast("exploitation", TextField()),
        x_control=Cast("means_of_control", TextField()),
        x_countries=Cast("countries_of_exploitation", TextField()),
        x_difference=on_year - F("person__birth_year"),
        x_birth=DbCase(
            When(
                x_difference__in=sorted(undecided_differences()),
                then=Cast("person__birth_date", TextField()),
            ),
            default=Value(""),
            output_field=TextField(),
        ),
    ).values_list(
        "person_id",
        "organization_id",
        "organization__type",
        "opened_on",
        "exploitation_began_on",
        "person__sex",
        "person__birth_year",
        "person__citizenship",
        "recruitment_channel",
        "x_exploitation",
        "x_control",
        "x_countries",
        "x_birth",
    )
    withdrawn = withdrawn_people(organization_ids)
    repeated = {
        person_id: []
        for person_id in cases.values("person_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("person_id", flat=True)
    }
    data = Microdata()
    hotline = Organization.Type.HOTLINE
    json_cache: dict = {}
    flags_cache: dict = {}
    country_cache: dict = {}
    recruiter_cache: dict = {}
    age_cache: dict = {}
    batch: list[tuple] = []
    organizations = data.organization_ids
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A cursor over every row: plan for all rows (hash joins), not the first few.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        for (
            person_id,
            organization_id,
            organization_type,
            opened_on,
            began_on,
            sex,
            birth_year,
            citizenship,
            channel,
            raw_exploitation,
            raw_control,
            raw_countries,
            birth_token,
        ) in rows.iterator(chunk_size=chunk_size):
            if person_id in withdrawn:
                data.excluded_consent += 1
                continue
            organizations.add(organization_id)
            flags = flags_cache.get((raw_exploitation, raw_control))
            if flags is None:
                exploitation = _parse_codes(json_cache, raw_exploitation)
                control = _parse_codes(json_cache, raw_control)
                flags = flags_cache[(raw_exploitation, raw_control)] = (
                    frozenset(EXPLOITATION_FLAG.get(c, "isOtherExploit") for c in exploitation)
                    or None,
                    frozenset(MEANS_OF_CONTROL_FLAG.get(c, "meansOfControlOther") for c in control)
                    or None,
                )
            country = country_cache.get(raw_countries)
            if country is None:
                countries = _parse_codes(json_cache, raw_countries)
                # The main country: the first one recorded.
                country = country_cache[raw_countries] = countries[0].upper() if countries else ""
            recruiter = recruiter_cache.get(channel)
            if recruiter is None:
                relation = RECRUITER_RELATION.get(channel, OTHER) if channel else UNKNOWN
                abduction = "1" if channel == "kidnapping" else ("0" if channel else "")
                recruiter = recruiter_cache[channel] = (relation, abduction)
            on = began_on or opened_on
            if birth_year is None:
                age = (None, "")
            else:
                # From the year alone the bounds depend only on the difference of years.
                age = age_cache.get(on.year - birth_year)
                if age is None:
                    band, majority = band_and_majority(str(birth_year), on)
                    undecided = band is None and on.year >= birth_year  # else: a data error
                    age = False if undecided else (band, majority)
                    age_cache[on.year - birth_year] = age
                if age is False:  # near a band boundary: the full date decides
                    data.decrypted += 1
                    birth_date = decrypt_text(birth_token) if birth_token else ""
                    age = band_and_majority(birth_date or str(birth_year), on)
            record = (
                opened_on.year,
                HOTLINE if organization_type == hotline else CASE_MANAGEMENT,
                GENDERS.get(sex, ""),
                age,
                (citizenship or "").upper(),
                country,
                flags[0],
                flags[1],
                recruiter,
            )
            batch.append(record)
            if person_id in repeated:
                repeated[person_id].append(record)
            if len(batch) >= chunk_size:
                data.counts.update(batch)
                batch = []
    data.counts.update(batch)
    data.repeated_people = [records for records in repeated.values() if len(records) > 1]
    data.eligible = sum(data.counts.values()) + data.excluded_consent
    return data


# --- the generalisation search ---------------------------------------------


@dataclass
class Release:
    """The result of the search: the generalisation chosen and the classes kept."""

    k: int
    levels: tuple[int, ...]  # one per hierarchy
    classes: list[tuple[tuple[str, ...], int]]  # (row in COLUMNS order, count), count >= k
    records_in: int
    suppressed: int
    information_loss: float  # 0 = as recorded, 1 = everything withheld
    nodes_evaluated: int
    max_suppression: float

    @property
    def records_out(self) -> int:
        return self.records_in - self.suppressed


def _height(levels) -> float:
    """Height loss: mean over hierarchies of level / top (0 as recorded, 1 all withheld)."""
    return sum(lv / h.top for lv, h in zip(levels, HIERARCHIES, strict=True)) / len(HIERARCHIES)


def _level_losses(tables: _Tables, base: list[tuple[tuple, int]], total: int) -> list[list[float]]:
    """Iyengar's loss metric per hierarchy and level, averaged over the records.

    A record whose value is shown as one of M recorded values (of A distinct
    values recorded in that hierarchy) loses (M - 1) / (A - 1): nothing when
    its value stays distinct, everything when withheld. Unlike the height,
    this knows that a step which merges nothing costs nothing, and that
    generalising a common value costs more than a rare one.
    """
    losses = []
    for i, h in enumerate(HIERARCHIES):
        index = tables.base_index[i]
        weight = [0] * len(index)
        for record, n in base:
            weight[index[record[i]]] += n
        distinct = len(index)
        per_level = []
        for level in range(h.top + 1):
            codes = tables.codes[i][level]
            merged = Counter(codes)
            if distinct <= 1 or total == 0:
                per_level.append(0.0)
                continue
            lost = sum(w * (merged[c] - 1) for w, c in zip(weight, codes, strict=True))
            per_level.append(lost / (distinct - 1) / total)
        losses.append(per_level)
    return losses


def _cost(loss: float, suppressed: int, total: int) -> float:
    """What a node loses: its loss for kept records, everything for suppressed ones."""
    if total == 0:
        return 0.0
    return ((total - suppressed) * loss + suppressed) / total


class _Tables:
    """Per hierarchy: the code of every base value at every level, and what each code shows.

    A record at a node is one integer key, the mixed-radix number of its codes
    (radix = number of distinct values at level 0), so changing one hierarchy's
    level adds a precomputed delta to each key.
    """

    def __init__(self, base_values: list[list]):
        self.radix: list[int] = []
        self.size: list[int] = []
        self.codes: list[list[list[int]]] = []  # [h][level][base index] -> code
        self.up: list[list[list[int]]] = []  # [h][level][code] -> code one level up
        self.rendered: list[list[list[tuple[str, ...]]]] = []  # [h][level][code] -> values
        self.base_index: list[dict] = []
        weight = 1
        for h, values in zip(HIERARCHIES, base_values, strict=True):
            codes_per_level = []
            rendered_per_level = []
            for level in range(h.top + 1):
                vocab: dict[tuple, int] = {}
                codes = [vocab.setdefault(h.render(v, level), len(vocab)) for v in values]
                codes_per_level.append(codes)
                rendered_per_level.append(list(vocab))
            ups = []
            for level in range(h.top):  # equal output at one level, equal output above
                step = [-1] * len(rendered_per_level[level])
                for lower, upper in zip(
                    codes_per_level[level], codes_per_level[level + 1], strict=True
                ):
                    if step[lower] not in (-1, upper):
                        raise AssertionError(f"hierarchy {h.name} does not nest at {level}")
                    step[lower] = upper
                ups.append(step)
            self.codes.append(codes_per_level)
            self.up.append(ups)
            self.rendered.append(rendered_per_level)
            self.base_index.append({v: i for i, v in enumerate(values)})
            self.radix.append(weight)
            self.size.append(len(rendered_per_level[0]) or 1)
            weight *= self.size[-1]

    def delta(self, h: int, old: int, new: int) -> list[int]:
        """Per base index: what moving hierarchy h from level old to new adds to a key."""
        before, after, radix = self.codes[h][old], self.codes[h][new], self.radix[h]
        return [(a - b) * radix for b, a in zip(before, after, strict=True)]

    def key(self, record: tuple, levels) -> int:
        """The key of one base record at a node."""
        return sum(
            self.codes[i][level][self.base_index[i][record[i]]] * self.radix[i]
            for i, level in enumerate(levels)
        )

    def decode(self, key: int, h: int, level: int) -> tuple[str, ...]:
        return self.rendered[h][level][(key // self.radix[h]) % self.size[h]]


class _Records:
    """The distinct base records with their keys at one node.

    Records seen once are kept apart from the others, so that counting them
    runs at C speed (Counter over a list).
    """

    def __init__(self, tables: _Tables, base: list[tuple[tuple, int]], levels):
        self.tables = tables
        single = [r for r, n in base if n == 1]
        several = [(r, n) for r, n in base if n > 1]
        count = len(HIERARCHIES)
        self.columns1 = [[tables.base_index[i][r[i]] for r in single] for i in range(count)]
        self.columnsN = [[tables.base_index[i][r[i]] for r, _n in several] for i in range(count)]
        self.weightsN = [n for _r, n in several]
        self.keys1 = [0] * len(single)
        self.keysN = [0] * len(several)
        self.levels = list(levels)
        self.passes = [0]  # shared by every copy: passes over the records so far
        for i, level in enumerate(levels):
            codes, radix = tables.codes[i][level], tables.radix[i]
            self.keys1 = [
                k + codes[b] * radix for k, b in zip(self.keys1, self.columns1[i], strict=True)
            ]
            self.keysN = [
                k + codes[b] * radix for k, b in zip(self.keysN, self.columnsN[i], strict=True)
            ]

    def __len__(self):
        return len(self.keys1) + len(self.keysN)

    def moved(self, levels) -> _Records:
        """The same records at another node (shares the columns; one pass per change)."""
        other = copy.copy(self)
        other.levels = list(self.levels)
        for i, level in enumerate(levels):
            if level != other.levels[i]:
                other.shift(i, other.levels[i], level)
        return other

    def shift(self, h: int, old: int, new: int) -> None:
        """Move hierarchy h from level old to level new."""
        assert self.levels[h] == old
        self.levels[h] = new
        self.passes[0] += 1
        delta = self.tables.delta(h, old, new)
        self.keys1 = [k + delta[b] for k, b in zip(self.keys1, self.columns1[h], strict=True)]
        self.keysN = [k + delta[b] for k, b in zip(self.keysN, self.columnsN[h], strict=True)]

    def counts(self) -> Counter:
        counts = Counter(self.keys1)
        for key, n in zip(self.keysN, self.weightsN, strict=True):
            counts[key] += n
        return counts


def _weighted_counts(keys: list[int], weights: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for key, n in zip(keys, weights, strict=True):
        counts[key] = counts.get(key, 0) + n
    return counts


class _Search:
    """Nodes of the lattice, their suppression (memoised) and greedy descents."""

    WORK_BUDGET = 30_000_000  # record-passes the hill-climbing restarts may spend

    def __init__(self, microdata: Microdata, k: int, max_suppression: float):
        self.k = k
        self.total = sum(microdata.counts.values())
        self.base = list(microdata.counts.items())
        self.tables = _Tables(
            [sorted({r[i] for r, _n in self.base}, key=repr) for i in range(len(HIERARCHIES))]
        )
        self.allowed = max_suppression * self.total
        self.losses = _level_losses(self.tables, self.base, self.total)
        self.known: dict[tuple[int, ...], int] = {}  # node -> records suppressed there
        self.evaluated = 0
        self.counted = 0  # records counted so far
        self.records = _Records(self.tables, self.base, [h.top for h in HIERARCHIES])

    def cost(self, levels, suppressed: int) -> float:
        """Mean loss over the hierarchies (the height breaks ties towards detail)."""
        loss = sum(self.losses[i][lv] for i, lv in enumerate(levels)) / len(levels)
        return _cost(loss + 1e-6 * _height(levels), suppressed, self.total)

    @property
    def work(self) -> int:
        """Records passed over so far (counting and moving): keeps large exports fast."""
        return self.counted + self.records.passes[0] * len(self.records)

    def suppressed(self, node: tuple, keys: list[int], weights: list[int]) -> int:
        found = self.known.get(node)
        if found is None:
            self.evaluated += 1
            self.counted += len(keys)
            counts = _weighted_counts(keys, weights)
            found = self.known[node] = sum(n for n in counts.values() if n < self.k)
        return found

    def descend(self, start: tuple[int, ...], frozen: frozenset) -> tuple[float, tuple]:
        """Greedy top-down specialisation from `start`; the cheapest node on the way.

        Each step makes the hierarchy one level finer whose step costs least,
        while suppression stays within the allowance. A step too fine once
        stays too fine (finer nodes never suppress fewer records), so it is
        closed. The candidates are counted on the records grouped at the
        "meet" node (every open hierarchy one level finer than now), which is
        far smaller than the records while the node is coarse.
        """
        tables = self.tables
        levels = list(start)
        open_steps = {i for i, lv in enumerate(levels) if lv > 0 and i not in frozen}
        meet = [lv - 1 if i in open_steps else lv for i, lv in enumerate(levels)]
        records = self.records = self.records.moved(meet)
        best = None
        while True:
            grouped = records.counts()
            self.counted += len(records)
            keys, weights = list(grouped), list(grouped.values())
            current = keys
            deltas = {}
            for i in open_steps:  # from the meet node back up to the current one
                up, radix, size = tables.up[i][meet[i]], tables.radix[i], tables.size[i]
                codes = [(k // radix) % size for k in keys]
                deltas[i] = [(up[c] - c) * radix for c in codes]
                current = [a + d for a, d in zip(current, deltas[i], strict=True)]
            suppressed = self.suppressed(tuple(levels), current, weights)
            if best is None:
                best = (self.cost(levels, suppressed), tuple(levels))
                if suppressed > self.allowed:
                    return best
            choice = None
            for i in sorted(open_steps):
                trial = list(levels)
                trial[i] -= 1
                candidate = [a - d for a, d in zip(current, deltas[i], strict=True)]
                s = self.suppressed(tuple(trial), candidate, weights)
                if s > self.allowed:
                    open_steps.discard(i)
                    records.shift(i, meet[i], levels[i])
                    meet[i] = levels[i]
                    continue
                option = (self.cost(trial, s), s, i)
                if choice is None or option[:2] < choice[:2]:
                    choice = option
            if choice is None:
                return best
            cost, _s, i = choice
            levels[i] -= 1
            if levels[i] == 0:
                open_steps.discard(i)
            else:
                records.shift(i, meet[i], levels[i] - 1)
                meet[i] = levels[i] - 1
            if cost < best[0]:
                best = (cost, tuple(levels))


def anonymise(
    microdata: Microdata, k: int = DEFAULT_K, *, max_suppression: float = DEFAULT_MAX_SUPPRESSION
) -> Release:
    """Generalise until every combination of all columns occurs at least k times.

    Top-down specialisation over the lattice of full-domain generalisations:
    start with every hierarchy at its top (one group of all records), and at
    each step make the one hierarchy one level more detailed whose step costs
    least (records suppressed at that node + information loss), as long as the
    records in groups smaller than k stay within `max_suppression`. A step that
    is too fine once stays too fine (finer nodes never suppress fewer
    records), so it is not tried again. The cheapest node seen is released;
    records in its groups smaller than k are suppressed and counted.
    """
    if k < MINIMUM_K:
        raise ValueError(f"k must be at least {MINIMUM_K}")
    search = _Search(microdata, k, max_suppression)
    best = search.descend(tuple(h.top for h in HIERARCHIES), frozen=frozenset())
    # Hill-climb out of the greedy path's local optimum: give back one level of
    # one hierarchy, keep it there, descend again; keep whatever costs less.
    # Bounded by work (records x nodes), so large exports stay fast; there the
    # greedy path already reaches fine levels.
    budget = search.work + search.WORK_BUDGET
    improved = True
    while improved and search.work < budget:
        improved = False
        for i, h in enumerate(HIERARCHIES):
            if best[1][i] >= h.top or search.work >= budget:
                continue
            start = list(best[1])
            start[i] += 1
            found = search.descend(tuple(start), frozen=frozenset({i}))
            if found[0] < best[0] - 1e-12:
                best, improved = found, True
    total, tables, evaluated = search.total, search.tables, search.evaluated
    best_levels = best[1]
    final = search.records.moved(best_levels).counts()
    # A person's second and later records in the same group add no cover.
    same_person: Counter = Counter()
    for records in microdata.repeated_people:
        keys = Counter(tables.key(record, best_levels) for record in records)
        same_person.update({key: n - 1 for key, n in keys.items() if n > 1})
    classes = []
    suppressed = 0
    for key, n in final.items():
        if n < k or n - same_person[key] < k:
            suppressed += n
            continue
        row = [""] * len(COLUMNS)
        for i, h in enumerate(HIERARCHIES):
            for column, value in zip(h.columns, tables.decode(key, i, best_levels[i]), strict=True):
                row[_COLUMN_INDEX[column]] = value
        classes.append((tuple(row), n))
    return Release(
        k=k,
        levels=best_levels,
        classes=classes,
        records_in=total,
        suppressed=suppressed,
        information_loss=round(search.cost(best_levels, suppressed), 4),
        nodes_evaluated=evaluated,
        max_suppression=max_suppression,
    )


# --- verification and output -----------------------------------------------


def is_k_anonymous(rows: Iterable, k: int) -> bool:
    """True when every distinct row (all its columns together) occurs at least k times."""
    counts = Counter(tuple(row) for row in rows)
    return all(n >= k for n in counts.values())


def _safe(value: str) -> str:
    # All values come from fixed vocabularies; this keeps it so for spreadsheets.
    return neutralise_formula(value)


def write_release(release: Release, path: Path) -> None:
    """Write the rows in a random order (the order must reveal nothing)."""
    lines = []
    for row, _n in release.classes:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow([_safe(v) for v in row])
        lines.append(buffer.getvalue())
    order = [i for i, (_row, n) in enumerate(release.classes) for _ in range(n)]
    random.Random(secrets.randbits(128)).shuffle(order)
    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerow(COLUMNS)
        out.writelines(lines[i] for i in order)


def verify_file(path: Path, k: int) -> bool:
    """Re-read the written file and check k-anonymity on it, independently of the search."""
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        return header == list(COLUMNS) and is_k_anonymous(reader, k)


COLUMN_NOTES = {
    YEAR: "year the case was opened (or a period of years)",
    DATASOURCE: "'Hotline' or 'Case Management', from the organisation's type",
    GENDER: "'Female', 'Male', 'Other'; blank = unknown",
    AGE_BROAD: "CTDC age band at the start of exploitation (else at the opening of the case)",
    MAJORITY: "'Minor' / 'Adult' at the start of exploitation; blank = unknown",
    CITIZENSHIP: "ISO 3166 alpha-2 (or a region)",
    COUNTRY: "first country of exploitation recorded, ISO 3166 alpha-2 (or a region)",
    ABDUCTION: "1 when the recruitment channel is kidnapping",
    RECRUITER: "'Family', 'Friend', 'Other', 'Unknown', from the recruitment channel",
    **dict.fromkeys(EXPLOITATION_COLUMNS, "form of exploitation, 0/1"),
    **dict.fromkeys(MEANS_OF_CONTROL_COLUMNS, "means of control, 0/1"),
    **dict.fromkeys(RECRUITER_FLAG_COLUMNS, "recruiter relationship as a 0/1 flag"),
    **dict.fromkeys(MEANS_OF_CONTROL_NOT_COLLECTED, "not recorded by Koldoo: always blank"),
}
assert set(COLUMN_NOTES) == set(COLUMNS)

COUNTING_RULES = [
    "One record per case of type 'trafficking' (a person with several such cases gives"
    " several records; records are not linked across organisations).",
    "People whose latest consent to data processing or to anonymised research use is"
    " withdrawn are left out entirely and counted under excluded_withdrawn_consent.",
    "yearOfRegistration is the year the case was opened.",
    "ageBroad and majorityStatusAtExploit are the age when exploitation began (else when"
    " the case was opened), by the rule in apps/statistics/age.py; a partial birth date"
    " that cannot place the person in one band gives a blank band.",
    "Datasource is 'Hotline' for cases of a hotline organisation, 'Case Management' otherwise.",
    "CountryOfExploitation is the first country of exploitation recorded on the case.",
    "A blank cell means unknown or withheld by generalisation; 0 means not recorded on the"
    " case; means of control Koldoo does not collect are always blank.",
    "k-anonymity: every distinct combination of all columns occurs at least k times, in"
    " the records of at least k different people (a person with several cases counts"
    " once); records in smaller groups after generalisation are suppressed.",
]


def metadata(release: Release, microdata: Microdata, *, file_name: str) -> dict:
    """What the metadata file says about the release (no organisation names)."""
    generalisation = {}
    for h, level in zip(HIERARCHIES, release.levels, strict=True):
        generalisation[h.name] = {
            "columns": list(h.columns),
            "level": level,
            "published": h.levels[level],
            "hierarchy": list(h.levels),
        }
    return {
        "file": file_name,
        "layout": "CTDC global dataset (Counter Trafficking Data Collaborative), Koldoo coding",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "k": release.k,
        "columns": [{"name": c, "meaning": COLUMN_NOTES[c]} for c in COLUMNS],
        "generalisation": generalisation,
        "records": {
            "eligible_cases": microdata.eligible,
            "excluded_withdrawn_consent": microdata.excluded_consent,
            "in": release.records_in,
            "out": release.records_out,
            "suppressed": release.suppressed,
        },
        "equivalence_classes": len(release.classes),
        "smallest_class": min((n for _r, n in release.classes), default=0),
        "information_loss": release.information_loss,
        "search": {
            "method": "greedy top-down specialisation over full-domain generalisations with"
            " hill-climbing restarts, cost ="
            " (kept records x loss + suppressed records) / records; loss = mean over the"
            " groups of Iyengar's loss metric (M - 1) / (A - 1)",
            "nodes_evaluated": release.nodes_evaluated,
            "max_suppression": release.max_suppression,
        },
        "organizations": len(microdata.organization_ids),
        "counting_rules": COUNTING_RULES,
    }


@dataclass
class ExportResult:
    release: Release
    microdata: Microdata
    path: Path
    metadata_path: Path


def metadata_path_for(path: Path) -> Path:
    return path.with_name(path.stem + ".metadata.json")


def export_anonymised(
    path,
    *,
    k: int = DEFAULT_K,
    organization_ids=None,
    max_suppression: float = DEFAULT_MAX_SUPPRESSION,
    user=None,
    case_types=(CASE_TYPE,),
    timings: dict | None = None,
) -> ExportResult:
    """Extract, anonymise, write and verify the export; audit it per organisation.

    The caller may rely on: the CSV at `path` holds only the COLUMNS, each
    distinct row at least k times (checked on the written file; on failure the
    file is removed and AssertionError raised), and a metadata file next to it.
    """
    from apps.accounts.models import Organization
    from apps.core import audit
    from apps.core.models import AuditEntry

    path = Path(path)
    clock = [time.perf_counter()]
    timings = {} if timings is None else timings

    def lap(name):
        clock.append(time.perf_counter())
        timings[name] = clock[-1] - clock[-2]

    microdata = extract(organization_ids, case_types=case_types)
    lap("extract")
    release = anonymise(microdata, k, max_suppression=max_suppression)
    lap("anonymise")
    write_release(release, path)
    lap("write")
    if not verify_file(path, k):
        path.unlink()
        raise AssertionError("the written export is not k-anonymous; it was removed")
    lap("verify")
    meta = metadata(release, microdata, file_name=path.name)
    meta_path = metadata_path_for(path)
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    detail = {
        "export": "anonymised_ctdc",
        "file": path.name,
        "k": k,
        "records_in": release.records_in,
        "records_out": release.records_out,
        "suppressed": release.suppressed,
        "excluded_withdrawn_consent": microdata.excluded_consent,
        "levels": dict(zip((h.name for h in HIERARCHIES), release.levels, strict=True)),
    }
    scope = organization_ids if organization_ids is not None else microdata.organization_ids
    for organization in Organization.objects.filter(pk__in=list(scope)).order_by("pk"):
        audit.record(
            AuditEntry.Action.EXPORT,
            user=user,
            organization=organization,
            target_type="anonymised_export",
            detail=detail,
        )
    return ExportResult(release, microdata, path, meta_path)
