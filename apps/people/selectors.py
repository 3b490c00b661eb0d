"""Scoped reads of people, including name search over the blind index."""

from django.db.models import Case, Count, F, Min, Q, Value, When
from django.db.models.functions import Abs
from django.http import Http404

from apps.accounts.roles import Permission
from apps.core.crypto import blind_hash, organization_index_keys
from apps.core.phones import phone_keys
from apps.people.models import (
    Person,
    PersonNameKey,
    PersonNumberKey,
    RegisterImportRun,
    register_number_keys,
)
from apps.people.name_keys import name_tokens, query_keys
from apps.people.name_shape import query_spellings, spelling_hash, written_forms
from apps.people.numbers import looks_like_number, may_be_name, query_number_keys

NAME = "name"


def people_settled():
    """Every organisation's people, without those of a register import still writing
    (or interrupted and not yet rolled back, RegisterImportRun): they exist only once
    the whole file is in. For jobs over the whole network (network linkage); members
    read through people_visible_to."""
    return Person.objects.exclude(
        import_run__in=RegisterImportRun.objects.filter(finished_at__isnull=True).values("pk")
    )


def people_visible_to(membership):
    """The people this member may see: own organisation, person-level roles only, and
    only people_settled."""
    if membership is None or not membership.can(Permission.VIEW_PEOPLE):
        return Person.objects.none()
    return people_settled().filter(organization_id=membership.organization_id)


def person_for(membership, person_id) -> Person:
    """One visible person, or 404 (never 403: existence is not disclosed)."""
    try:
        return people_visible_to(membership).get(pk=int(person_id))
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404


def person_with_register_number(organization_id, number: str) -> Person | None:
    """The organisation's person with this register number, found by its blind index
    (the number itself is encrypted), or None."""
    keys = register_number_keys(organization_id, number)  # every index key held (0038)
    if not keys:
        return None
    return Person.objects.filter(organization_id=organization_id, external_id_key__in=keys).first()


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
        for key in register_number_keys(self.organization_id, number):
            if key in self.ids:
                return self.ids[key]
        return default


def search_people(membership, query: str, *, limit: int = 50) -> list[Person]:
    """People found by the query: by phone or document number when it has a digit,
    by name when it has a word of three letters or more, best match first.

    Exact number matches come first; names are ranked by the number of name keys
    shared with the query (one wrong, missing or extra letter, a swapped name
    order or another script still match), then by the closeness of the name's
    token count, then by exact spelling, all in SQL; only the people returned are
    loaded. Each person carries `search_match`:
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
    keys = phone_keys(membership.organization_id, phone)
    if not keys:
        return []
    return _people_by_number_keys(
        membership, dict.fromkeys(keys, PersonNumberKey.Kind.PHONE), limit
    )


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
    # Hashed under every index key held: while a rotation rebuilds the index in batches,
    # each person's rows are under one of them (decision 0038), so the counts below
    # still count one person's keys under one key.
    org_keys = organization_index_keys(membership.organization_id)
    keys = query_keys(tokens)
    hashes = [blind_hash(org_key, k) for org_key in org_keys for k in keys]
    written = query_spellings(tokens, written_forms(query))
    spellings = [spelling_hash(org_key, s) for org_key in org_keys for s in written]
    ids = None
    if len(tokens) == 1 and "s:" + tokens[0] in keys:  # the token as typed
        exact = [blind_hash(org_key, "s:" + tokens[0]) for org_key in org_keys]
        ids = _ranked_single_token(exact, hashes, spellings, limit, needed=len(keys))
    if ids is None:
        ids = _ranked(hashes, len(tokens), spellings, limit)
    # Only the page is loaded (and so decrypted), in the order ranked.
    people = people_visible_to(membership).in_bulk(ids)
    return [people[pk] for pk in ids if pk in people]


def _ranked(hashes: list[int], n_tokens: int, spellings: list[int], n: int) -> list[int]:
    """Ids of the n people ranked best for the query, all in SQL (SEARCH.md): most
    keys shared, then token count closest to the query's, then most keys whose
    tokens were written as typed, then lowest id. Reads only the index."""
    rows = (
        PersonNameKey.objects.filter(key__in=hashes)
        .values("person_id")
        .annotate(
            score=Count("key"),
            gap=Min(Abs(F("tokens") - n_tokens)),
            exact=Count("spelling", filter=Q(spelling__in=spellings)),
        )
        .order_by("-score", F("gap").asc(nulls_last=True), "-exact", "person_id")
    )
    return [row["person_id"] for row in rows[:n]]


def _ranked_single_token(
    exact: list[int], hashes: list[int], spellings: list[int], n: int, *, needed: int
):
    """_ranked() for a one-token query without counting every posting, or None.

    A common family name alone matches hundreds of thousands of key rows at
    1,000,000 people. Whoever has the query's token itself shares every query key
    (a one-letter neighbour shares at most two) and holds its exact key; so does
    someone with a longer token one letter away (Ivanova in Ivanovna), but with
    one key only. So: read the exact key's postings in tie-break order, keep those
    who share every key, and when n remain they are _ranked()'s best n.
    """
    window = list(
        PersonNameKey.objects.filter(key__in=exact)
        .annotate(
            gap=Abs(F("tokens") - 1),
            exact=Case(When(spelling__in=spellings, then=Value(1)), default=Value(0)),
        )
        .order_by(F("gap").asc(nulls_last=True), "-exact", "person_id")
        .values_list("person_id", flat=True)[: n * 8]
    )
    if len(window) < n:
        return None
    scores = dict(
        PersonNameKey.objects.filter(key__in=hashes, person_id__in=window)
        .values("person_id")
        .annotate(score=Count("key"))
        .values_list("person_id", "score")
    )
    best = [pk for pk in window if scores.get(pk) == needed]
    return best[:n] if len(best) >= n else None
