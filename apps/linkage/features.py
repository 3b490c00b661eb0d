"""What two records of a person are compared on, computed in Python from clear values.

Both the entry-time warnings and the probabilistic linker (splink) compare people on
these derived values, never on the names as typed: a name is folded by
apps.people.name_keys (every script and romanisation to one skeleton), family names
lose their gendered ending (Сооронбаева and Sooronbaev meet), patronymics keep the
father's name only (Асанович, Asanovna, Асан уулу, Asan kyzy all give "asan"), birth
dates are read whole or partial, phones and document numbers in one form.

The values exist in memory only (the caller decrypted them); nothing here writes.
"""

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from apps.core.phones import normalised_phone
from apps.people.name_keys import STOP_TOKENS, fold, name_tokens
from apps.people.numbers import normalised_document_number

# Russian-style family-name endings by sex: the feminine form loses its final a.
_FEMININE_FAMILY = re.compile(r"(ov|ev|in|sk|ck)(a|aia|ai)$")
# Patronymic endings: Russian -ovich/-ovna/-evich/-evna/-ich/-ichna and Kyrgyz
# markers (уулу, кызы; dropped as stop tokens by name_tokens).
_PATRONYMIC_ENDING = re.compile(r"(ovish|evish|ovna|evna|ovih|evih|ish|ishna|ihna|ih|na)$")
_SPLIT = re.compile(r"[^a-z]+")
_DATE = re.compile(r"^\s*(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?\s*$")
# Names and dates repeat heavily in a register (namesakes, one date per cohort):
# folding each distinct string once instead of once per record is most of the cost
# of deriving the linker's columns. Bounded, so a stream of unique typos cannot grow
# the caches without limit.
_CACHE = 262_144


# A Kyrgyz number written +996 XXX XXX XXX or 0XXX XXX XXX (spaces, dashes, brackets):
# its E.164 form is plain string work. libphonenumber gives the same answer for every
# such number (tests/test_linkage_engine.py) and costs about 0.1 ms a number, the
# largest single cost of the linker's input on a large register.
_KG_NUMBER = re.compile(r"^(?:\+996|0)([1-9]\d{8})$")
_PHONE_PUNCTUATION = str.maketrans("", "", " -()")


def phone_form(raw: str) -> str:
    """apps.core.phones.normalised_phone, with a fast path for Kyrgyz numbers."""
    m = _KG_NUMBER.match(raw.strip().translate(_PHONE_PUNCTUATION))
    return "+996" + m.group(1) if m else normalised_phone(raw)


@lru_cache(maxsize=_CACHE)
def _tokens(part: str) -> tuple[str, ...]:
    return tuple(name_tokens(part))


@lru_cache(maxsize=_CACHE)
def family_stem(text: str) -> str:
    """A family name folded, without its feminine ending: Sooronbaeva -> soronbaev."""
    tokens = _tokens(text or "")
    if not tokens:
        return ""
    stem = tokens[0]
    if len(stem) > 4:
        stem = _FEMININE_FAMILY.sub(r"\1", stem)
    return stem


@lru_cache(maxsize=_CACHE)
def given_form(text: str) -> str:
    """The first token of a given name, folded."""
    tokens = _tokens(text or "")
    return tokens[0] if tokens else ""


@lru_cache(maxsize=_CACHE)
def patronymic_root(text: str) -> str:
    """The father's name in a patronymic, folded: Асанович, Asanovna, Асан уулу -> asan."""
    tokens = [t for t in _SPLIT.split(fold(text or "")) if t and t not in STOP_TOKENS]
    if not tokens:
        return ""
    root = tokens[0]
    if len(root) > 5:
        root = _PATRONYMIC_ENDING.sub("", root)
    return root


@dataclass(frozen=True)
class PartialDate:
    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str:
        if self.year is None:
            return ""
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
            if self.day:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)

    @property
    def days(self) -> int | None:
        """Days since 1900-01-01 of a whole date (for "within a month / a year")."""
        if not (self.year and self.month and self.day):
            return None
        return (date(self.year, self.month, self.day) - date(1900, 1, 1)).days

    @property
    def swapped_iso(self) -> str:
        """The full date with day and month exchanged, when that is a date too."""
        if not (self.year and self.month and self.day) or self.day > 12 or self.day == self.month:
            return ""
        return f"{self.year:04d}-{self.day:02d}-{self.month:02d}"


@lru_cache(maxsize=_CACHE)
def parse_birth_date(text: str) -> PartialDate:
    """YYYY-MM-DD, YYYY-MM, YYYY or YYYYMMDD; DD.MM.YYYY and MM.YYYY too. Anything else,
    or an impossible date, is no date (a comparison then neither agrees nor disagrees)."""
    text = (text or "").strip()
    dotted = re.match(r"^(?:(\d{1,2})\.)?(\d{1,2})\.(\d{4})$", text)
    if dotted:
        day, month, year = dotted.groups()
        text = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
    m = _DATE.match(text)
    if not m:
        return PartialDate()
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if not 1900 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
        return PartialDate()
    if day is not None:
        try:
            date(year, month, day)
        except ValueError:
            return PartialDate(year, month)
    return PartialDate(year, month, day)


def compare_dates(a: PartialDate, b: PartialDate) -> str:
    """How two birth dates agree: "same", "swapped" (day and month exchanged),
    "same_month" (one or both partial), "same_year", "near_year" (one year apart),
    "differ", or "" when either is unknown."""
    if a.year is None or b.year is None:
        return ""
    if a.iso == b.iso and a.day:
        return "same"
    if a.swapped_iso and a.swapped_iso == b.iso:
        return "swapped"
    if a.year == b.year:
        if a.month and b.month and a.month != b.month:
            return "differ" if a.day and b.day else "same_year"
        if a.month and b.month:
            return "differ" if a.day and b.day and a.day != b.day else "same_month"
        return "same_year"
    if abs(a.year - b.year) == 1:
        return "near_year"
    return "differ"


@dataclass
class Features:
    """The comparable values of one record."""

    given: str = ""
    family: str = ""
    patronymic: str = ""
    tokens: tuple[str, ...] = ()
    birth: PartialDate = PartialDate()
    sex: str = ""
    phones: frozenset[str] = frozenset()
    documents: frozenset[str] = frozenset()

    def row(self) -> dict:
        """The columns the linker reads (splink input)."""
        names = sorted(t for t in (self.given, self.family) if t)
        return {
            "given_f": self.given or None,
            "family_f": self.family or None,
            "patronymic_f": self.patronymic or None,
            "names_sorted": " ".join(names) or None,
            # Both names in their fields, only when both are known (the "exact" level).
            "names_ordered": f"{self.given} {self.family}" if self.given and self.family else None,
            "dob": self.birth.iso if self.birth.day else None,
            "dob_swapped": self.birth.swapped_iso or None,
            "dob_ym": f"{self.birth.year:04d}-{self.birth.month:02d}" if self.birth.month else None,
            "dob_year": self.birth.year,
            "dob_days": self.birth.days,
            "sex": self.sex if self.sex in ("F", "M") else None,
            "phone": min(self.phones) if self.phones else None,
            "phones": sorted(self.phones) or None,
            "document": min(self.documents) if self.documents else None,
            "documents": sorted(self.documents) or None,
        }


def features_of(
    *,
    family_name: str = "",
    given_name: str = "",
    patronymic: str = "",
    other_names=(),
    birth_date: str = "",
    sex: str = "",
    phones=(),
    document_numbers=(),
) -> Features:
    """The comparable values of a person given by parts (a form, a CSV row, a Person)."""
    tokens: list[str] = []
    for part in (family_name, given_name, *(other_names or ())):
        tokens.extend(t for t in _tokens(part or "") if t not in tokens)
    return Features(
        # Stemmed too: when given and family name were swapped, the family name sits here.
        given=stem(given_form(given_name)),
        family=family_stem(family_name),
        patronymic=patronymic_root(patronymic),
        tokens=tuple(stem(t) for t in tokens),
        birth=parse_birth_date(birth_date),
        sex=(sex or "").upper()[:1],
        phones=frozenset(p for p in (phone_form(str(x)) for x in phones or ()) if p),
        documents=frozenset(
            d for d in (normalised_document_number(str(x)) for x in document_numbers or ()) if d
        ),
    )


def features_of_person(person) -> Features:
    return features_of(
        family_name=person.family_name,
        given_name=person.given_name,
        patronymic=person.patronymic,
        other_names=person.other_names or (),
        birth_date=person.birth_date or (str(person.birth_year) if person.birth_year else ""),
        sex=person.sex,
        phones=person.phones or (),
        document_numbers=person.document_numbers or (),
    )


@lru_cache(maxsize=_CACHE)
def stem(token: str) -> str:
    """A folded name token without a feminine family-name ending."""
    return _FEMININE_FAMILY.sub(r"\1", token) if len(token) > 4 else token


def near(a: str, b: str) -> bool:
    """Equal, or one letter inserted, deleted, replaced or two neighbours swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 3:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
