"""Fictitious people recorded several times, with the truth known: for measuring and
training the linker (bench/bench_linkage.py) and for tests.

Each invented person is written once or more the way different registers write
people: Cyrillic or one of several Latin romanisations (apps.people.demo_names),
Kyrgyz letters typed as Russian ones, a letter wrong, given and family name swapped,
the patronymic in Russian or Kyrgyz form or left out, the birth date with day and
month swapped, partial, or with a wrong digit, phones written differently, a
document number sometimes. Names are drawn with realistic frequencies from Kyrgyz,
Uzbek and Russian lists (apps.linkage.name_lists): common names stay common, so the
linker still has to tell true namesakes apart. `names="demo"` draws from the demo's
short lists instead (about seven people per full name in 10,000 records), for
comparison with figures measured before.
"""

import random
from datetime import date, timedelta

from apps.linkage import name_lists
from apps.people import demo_names
from apps.people.demo_names import spelled

_LETTERS = "абвгдеийклмнорстуыэ"


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["drop", "double", "replace", "swap"])
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    latin = word[i].isascii()
    letter = rng.choice("aeiouklmnrst" if latin else _LETTERS)
    return word[:i] + letter + word[i + 1 :]


def _other_patronymic_form(patronymic: str, sex: str, rng: random.Random) -> str:
    """The same father's name in the other style (Асан кызы <-> Асановна), or none."""
    if not patronymic or rng.random() < 0.3:
        return ""
    words = patronymic.split()
    if len(words) == 2:  # Kyrgyz style -> Russian style
        father = words[0]
        return father + ("овна" if sex == "F" else "ович")
    for ending in ("овна", "ович", "евна", "евич"):
        if patronymic.endswith(ending):
            return patronymic[: -len(ending)] + (" кызы" if sex == "F" else " уулу")
    return patronymic


def _phone(rng: random.Random) -> str:
    return f"+996{rng.choice('579')}{rng.randrange(10**8):08d}"


def _written_phone(phone: str, rng: random.Random) -> str:
    national = "0" + phone[4:]
    return rng.choice(
        [phone, national, f"{phone[:4]} {phone[4:7]} {phone[7:]}", f"0{phone[4:7]}-{phone[7:]}"]
    )


def _document(rng: random.Random) -> str:
    return rng.choice(["ID", "AN", "AC"]) + f"{rng.randrange(10**7):07d}"


def _written_birth(born: date, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.08 and born.day <= 12 and born.day != born.month:
        return f"{born.year}-{born.day:02d}-{born.month:02d}"  # day and month swapped
    if r < 0.16:
        return str(born.year)
    if r < 0.22:
        return f"{born.year}-{born.month:02d}"
    if r < 0.27:
        return ""
    if r < 0.30:  # one digit of the day wrong
        day = min(28, max(1, born.day + rng.choice([-1, 1, 10, -10])))
        return f"{born.year}-{born.month:02d}-{day:02d}"
    text = born.isoformat()
    return text.replace("-", "") if rng.random() < 0.1 else text


def person(rng: random.Random, names: str = "realistic") -> dict:
    """One invented person (the truth)."""
    name = demo_names.make_name(rng) if names == "demo" else name_lists.make_name(rng, names)
    return {
        **name,
        "born": date(1960, 1, 1) + timedelta(days=rng.randrange(48 * 365)),
        "phone": _phone(rng) if rng.random() < 0.5 else "",
        "document": _document(rng) if rng.random() < 0.4 else "",
    }


def record(truth: dict, rng: random.Random, *, first: bool) -> dict:
    """How one register wrote the person."""
    name = {k: truth[k] for k in ("family_name", "given_name", "patronymic", "sex")}
    if not first:
        name["patronymic"] = (
            name["patronymic"]
            if rng.random() < 0.5
            else _other_patronymic_form(name["patronymic"], name["sex"], rng)
        )
        if rng.random() < 0.2:
            key = rng.choice(["family_name", "given_name"])
            name[key] = _typo(name[key], rng)
    out = spelled(name, rng)
    if not first and rng.random() < 0.1:
        out["family_name"], out["given_name"] = out["given_name"], out["family_name"]
    out["birth_date"] = truth["born"].isoformat() if first else _written_birth(truth["born"], rng)
    keep = 1.0 if first else 0.6
    out["phones"] = (
        [_written_phone(truth["phone"], rng)] if truth["phone"] and rng.random() < keep else []
    )
    out["document_numbers"] = (
        [truth["document"]] if truth["document"] and rng.random() < keep * 0.8 else []
    )
    return out


def generate(
    n: int, *, seed: int = 1, duplicate_share: float = 0.3, names: str = "realistic"
) -> list[dict]:
    """About `n` records; `duplicate_share` of them are further records of a person
    already written. Each record has `id` and `cluster` (the true person). `names` is
    "realistic" or "dense" (profiles of apps.linkage.name_lists) or "demo" (the demo's
    short lists)."""
    rng = random.Random(seed)
    records = []
    cluster = 0
    while len(records) < n:
        truth = person(rng, names)
        copies = 1
        if rng.random() < duplicate_share / (1 - duplicate_share) / 1.4:
            copies += 1 if rng.random() < 0.7 else 2
        for i in range(copies):
            if len(records) >= n:
                break
            records.append(
                {"id": len(records) + 1, "cluster": cluster, **record(truth, rng, first=i == 0)}
            )
        cluster += 1
    return records
