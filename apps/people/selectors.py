"""Scoped reads of people, including name search over the blind index."""

from django.db.models import Count
from django.http import Http404

from apps.accounts.roles import Permission
from apps.core.crypto import blind_hash, organization_index_key
from apps.core.phones import phone_key
from apps.people.models import Person, PersonNameKey, PersonNumberKey, register_number_key
from apps.people.name_keys import name_tokens, query_keys
from apps.people.numbers import looks_like_number, may_be_name, query_number_keys

NAME = "name"


def people_visible_to(membership):
    """The people this member may see: own organisation, person-level roles only."""
    if membership is None or not membership.can(Permission.VIEW_PEOPLE):
        return Person.objects.none()
    return Person.objects.filter(organization_id=membership.organization_id)


def person_for(membership, person_id) -> Person:
    """One visible person, or 404 (never 403: existence is not disclosed)."""
    try:
        return people_visible_to(membership).get(pk=int(person_id))
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404


def person_with_register_number(organization_id, number: str) -> Person | None:
    """The organisation's person with this register number, found by its blind index
    (the number itself is encrypted), or None."""
    key = register_number_key(organization_id, number)
    if key is None:
        return None
    return Person.objects.filter(organization_id=organization_id, external_id_key=key).first()


class RegisterNumbers:
    """The register numbers in use in one organisation, for the register import:
    `get(number)` gives the person id holding it, like a dict keyed by the number."""

    def __init__(self, organization_id):
        self.organization_id = organization_id
        self.ids = dict(
            Person.objects.filter(
                organization_id=organization_id, external_id_key__isnull=False
            ).values_list("external_id_key", "id")
        )

    def get(self, number, default=None):
        key = register_number_key(self.organization_id, number)
        return self.ids.get(key, default) if key is not None else default


def search_people(membership, query: str, *, limit: int = 50) -> list[Person]:
    """People found by the query: by phone or document number when it has a digit,
    by name when it has a word of three letters or more, best match first.

    Exact number matches come first; names are ranked by the number of name keys
    shared with the query (one wrong, missing or extra letter, a swapped name
    order or another script still match). Each person carries `search_match`:
    "phone", "document" or "name". Returns [] for a user who may not see people.
    """
    if membership is None or not membership.can(Permission.VIEW_PEOPLE):
        return []
    found = []
    if looks_like_number(query):
        found = people_with_number(membership, query, limit=limit)
        if not may_be_name(query):
            return found
    seen = {p.pk for p in found}
    for person in _people_named(membership, query, limit=limit):
        if person.pk not in seen and len(found) < limit:
            person.search_match = NAME
            found.append(person)
    return found


def match_counts(people) -> dict[str, int]:
    """How many of the people a search found by name, phone and document (for the audit
    entry, which never holds the query)."""
    counts: dict[str, int] = {}
    for person in people:
        kind = getattr(person, "search_match", NAME)
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def people_with_number(membership, number: str, *, limit: int = 50) -> list[Person]:
    """The member's organisation's people with this phone or document number, typed in
    any form, found through the blind index; each carries `search_match` ("phone" or
    "document"). [] for a user who may not see people."""
    if membership is None or not membership.can(Permission.VIEW_PEOPLE):
        return []
    kinds = query_number_keys(membership.organization_id, number)
    if not kinds:
        return []
    return _people_by_number_keys(membership, kinds, limit)


def people_with_phone(membership, phone: str, *, limit: int = 10) -> list[Person]:
    """The member's organisation's people with this phone number (the hotline shows
    them beside a caller's number). [] for a user who may not see people."""
    if membership is None or not membership.can(Permission.VIEW_PEOPLE):
        return []
    key = phone_key(membership.organization_id, phone)
    if key is None:
        return []
    return _people_by_number_keys(membership, {key: PersonNumberKey.Kind.PHONE}, limit)


def _people_by_number_keys(membership, kinds: dict[int, str], limit: int) -> list[Person]:
    matches = {}
    rows = PersonNumberKey.objects.filter(key__in=kinds).values_list("person_id", "kind", "key")
    for person_id, kind, key in rows.order_by("-person_id")[: limit * 2]:
        if kinds[key] == kind:
            matches.setdefault(person_id, kind)
    people = list(people_visible_to(membership).filter(pk__in=matches).order_by("-id")[:limit])
    for person in people:
        person.search_match = matches[person.pk]
    return people


def _people_named(membership, query: str, *, limit: int) -> list[Person]:
    tokens = name_tokens(query)
    if not tokens:
        return []
    org_key = organization_index_key(membership.organization_id)
    keys = query_keys(tokens)
    hashes = [blind_hash(org_key, k) for k in keys]
    ranked = None
    exact = "s:" + tokens[0]  # the single-token key of the query as typed
    if len(tokens) == 1 and exact in keys:
        ranked = _ranked_single_token(hashes, blind_hash(org_key, exact), limit * 2)
    if ranked is None:
        ranked = _ranked(hashes, limit * 2)
    scores = {row["person_id"]: row["score"] for row in ranked}
    people = people_visible_to(membership).filter(pk__in=scores.keys())
    ordered = sorted(people, key=lambda p: (-scores[p.pk], _token_gap(p, tokens), p.pk))
    return ordered[:limit]


def _ranked(hashes: list[int], n: int, *, upper: int | None = None) -> list[dict]:
    """The n people sharing the most keys with the query, ties by lowest id."""
    rows = PersonNameKey.objects.filter(key__in=hashes)
    if upper is not None:
        rows = rows.filter(person_id__lte=upper)
    return list(
        rows.values("person_id").annotate(score=Count("person")).order_by("-score", "person_id")[:n]
    )


def _ranked_single_token(hashes: list[int], exact: int, n: int) -> list[dict] | None:
    """_ranked() for a one-token query, without counting every posting when possible.

    A common family name alone matches about 200,000 key rows at 1,000,000
    people; counting them all took 60-100 ms, this 5-7 ms (bench/RESULTS.md).
    Whoever shares every query key has the best possible score and has the
    exact token's key; reading that key's postings in id order gives an upper
    id below which n such people are found, and the count limited to those ids
    then returns exactly what the full count would. None when it cannot.
    """
    window = list(
        PersonNameKey.objects.filter(key=exact)
        .order_by("person_id")
        .values_list("person_id", flat=True)[: n * 10]
    )
    if len(window) < n:
        return None
    ranked = _ranked(hashes, n, upper=window[-1])
    if len(ranked) == n and ranked[-1]["score"] == len(hashes):
        return ranked
    return None


def _token_gap(person: Person, tokens: list[str]) -> int:
    # Prefer names with as many tokens as the query (a tie-breaker only).
    return abs(
        len(name_tokens(person.family_name, person.given_name, person.patronymic)) - len(tokens)
    )
