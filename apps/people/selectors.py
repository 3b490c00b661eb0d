"""Scoped reads of people, including name search over the blind index."""

from django.db.models import Count
from django.http import Http404

from apps.accounts.roles import Permission
from apps.core.crypto import blind_hash, organization_index_key
from apps.people.models import Person, PersonNameKey
from apps.people.name_keys import name_tokens, query_keys


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


def search_people(membership, query: str, *, limit: int = 50) -> list[Person]:
    """People whose name matches the query in any script, best match first.

    Ranked by the number of name keys shared with the query; one wrong,
    missing or extra letter, a swapped name order or another script still
    match. Returns [] for a user who may not see people.
    """
    if membership is None or not membership.can(Permission.VIEW_PEOPLE):
        return []
    tokens = name_tokens(query)
    if not tokens:
        return []
    org_key = organization_index_key(membership.organization_id)
    hashes = [blind_hash(org_key, k) for k in query_keys(tokens)]
    ranked = (
        PersonNameKey.objects.filter(key__in=hashes)
        .values("person_id")
        .annotate(score=Count("person"))
        .order_by("-score", "person_id")[: limit * 2]
    )
    scores = {row["person_id"]: row["score"] for row in ranked}
    people = people_visible_to(membership).filter(pk__in=scores.keys())
    ordered = sorted(people, key=lambda p: (-scores[p.pk], _token_gap(p, tokens), p.pk))
    return ordered[:limit]


def _token_gap(person: Person, tokens: list[str]) -> int:
    # Prefer names with as many tokens as the query (a tie-breaker only).
    return abs(
        len(name_tokens(person.family_name, person.given_name, person.patronymic)) - len(tokens)
    )
