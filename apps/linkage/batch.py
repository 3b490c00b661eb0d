"""The batch duplicate finder of one organisation.

The organisation's people are decrypted in memory, handed to the linker
(apps.linkage.engine, splink on an in-memory DuckDB) and the candidate pairs stored
as ids, probability and the names of the fields that agree. Pairs already decided
("not the same person", merged) keep their decision. People merged away are left out.

After a first full run, `incremental=True` compares only the people registered since
the last run with the people the blind indexes find for them (name, phone, document),
not the whole register again.
"""

from django.db.models import Max

from apps.linkage import selectors, services
from apps.linkage.engine import DEFAULT_THRESHOLD, link
from apps.linkage.models import FinderRun
from apps.people.selectors import people_with_number, search_people

# Pairs shown for review start lower than the file tool's default: a reviewer decides.
REVIEW_THRESHOLD = 0.5


def person_record(person) -> dict:
    return {
        "id": person.pk,
        "family_name": person.family_name,
        "given_name": person.given_name,
        "patronymic": person.patronymic,
        "birth_date": person.birth_date or (str(person.birth_year) if person.birth_year else ""),
        "sex": person.sex,
        "phones": person.phones or [],
        "document_numbers": person.document_numbers or [],
    }


def _neighbours(membership, person) -> list:
    """The people the blind indexes find for one person (as entry warnings do)."""
    found = {}
    name = f"{person.family_name} {person.given_name}".strip()
    for other in search_people(membership, name, limit=30):
        found[other.pk] = other
    for number in [*(person.phones or []), *(person.document_numbers or [])]:
        for other in people_with_number(membership, str(number), limit=10):
            found[other.pk] = other
    return list(found.values())


def find_duplicates(
    membership, *, threshold: float = REVIEW_THRESHOLD, incremental: bool = False, request=None
) -> dict:
    """Compare the organisation's people and store the candidate pairs; returns the
    counts. With `incremental`, only people registered since the last run are compared
    (with their neighbours in the indexes); without a previous run, everyone."""
    services.require(membership)
    everyone = selectors.people_for_linkage(membership)
    last = (
        FinderRun.objects.filter(organization_id=membership.organization_id)
        .order_by("-pk")
        .values_list("last_person_id", flat=True)
        .first()
    )
    top = everyone.aggregate(top=Max("pk"))["top"] or 0
    if incremental and last is not None:
        new = list(everyone.filter(pk__gt=last))
        pool = {p.pk: p for p in new}
        eligible = set(everyone.values_list("pk", flat=True))  # not merged away
        for person in new:
            for other in _neighbours(membership, person):
                if other.pk in eligible:
                    pool.setdefault(other.pk, other)
        new_ids = {p.pk for p in new}
        result = link(
            [person_record(p) for p in pool.values()],
            threshold=min(threshold, DEFAULT_THRESHOLD),
            train=False,
            population=everyone.count(),
        )
        pairs = [
            (int(a), int(b), p, agreeing)
            for a, b, p, agreeing in result.pairs
            if int(a) in new_ids or int(b) in new_ids
        ]
        compared = len(new)
    else:
        records = [person_record(p) for p in everyone.iterator(chunk_size=2000)]
        result = link(records, threshold=min(threshold, DEFAULT_THRESHOLD))
        pairs = [(int(a), int(b), p, agreeing) for a, b, p, agreeing in result.pairs]
        compared = len(records)
    fresh = services.save_candidate_pairs(membership, pairs, request=request)
    FinderRun.objects.create(
        organization_id=membership.organization_id,
        ran_by=membership.user,
        incremental=incremental and last is not None,
        last_person_id=max(top, last or 0),
        people=compared,
        pairs=len(pairs),
    )
    return {"people": compared, "pairs": len(pairs), "new": fresh}
