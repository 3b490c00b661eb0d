"""Across organisations without sharing identities: keyed linkage encodings.

Each organisation turns each of its people into a few keyed hashes (HMAC-SHA256 under
the network linkage key, which is held outside the database: KOLDOO_LINKAGE_KEY) of
*combinations* of folded fields: names with the full birth date (and with the date's
day/month swap), names with the father's name and the birth year, a document number,
a phone with the given name. No encoding is of one low-entropy field, so counting how
often an encoding occurs cannot reveal a name. The network side links records that
share an encoding (union of pairs) and returns only opaque cluster ids; the
encodings are computed in memory, matched and dropped, never stored.

Rotation: a new key gives new encodings and new cluster ids on the next run; nothing
stored depends on the old key.
"""

import hashlib
import hmac
import os

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.linkage.features import features_of_person
from apps.linkage.models import NetworkCluster


def network_key(environ=os.environ) -> bytes:
    key = environ.get("KOLDOO_LINKAGE_KEY", "").strip()
    if len(key) < 32:
        raise ImproperlyConfigured(
            "Set KOLDOO_LINKAGE_KEY (32 characters or more) to link people across "
            "organisations; it is held outside the database and shared by the network."
        )
    return key.encode()


def encodings(person, key: bytes) -> set[str]:
    """The keyed linkage encodings of one person (computed by the organisation)."""
    f = features_of_person(person)
    names = "|".join(sorted(t for t in (f.given, f.family) if t))
    parts = []
    if names and f.birth.day:
        parts.append(f"nd:{names}:{f.birth.iso}")
        if f.birth.swapped_iso:
            parts.append(f"nd:{names}:{f.birth.swapped_iso}")
    if names and f.patronymic and f.birth.year:
        parts.append(f"npy:{names}:{f.patronymic}:{f.birth.year}")
    parts += [f"doc:{d}" for d in f.documents]
    if f.given:
        parts += [f"pg:{p}:{f.given}" for p in f.phones]
    return {hmac.new(key, p.encode(), hashlib.sha256).hexdigest() for p in parts}


def clusters_of(submissions: dict) -> dict:
    """The network side: {(org, person): encodings} -> {(org, person): cluster id}.
    Records sharing an encoding are one cluster; the id is a hash of the cluster's
    smallest encoding, opaque to the organisations."""
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_holder = {}
    for record, codes in submissions.items():
        find(record)
        for code in codes:
            if code in first_holder:
                parent[find(record)] = find(first_holder[code])
            else:
                first_holder[code] = record
    groups: dict = {}
    for record, codes in submissions.items():
        groups.setdefault(find(record), set()).update(codes)
    out = {}
    for record in submissions:
        codes = groups[find(record)]
        seed = min(codes) if codes else f"{record[0]}:{record[1]}"
        out[record] = hashlib.sha256(("cluster:" + seed).encode()).hexdigest()[:32]
    return out


def link_network(people, key: bytes) -> dict:
    """Compute every organisation's encodings in memory, link them, store only the
    cluster id of each person. Returns {"people": n, "clusters": k, "shared": m} where
    m counts clusters held by more than one organisation."""
    submissions = {(p.organization_id, p.pk): encodings(p, key) for p in people}
    clusters = clusters_of(submissions)
    with transaction.atomic():
        NetworkCluster.objects.all().delete()
        NetworkCluster.objects.bulk_create(
            NetworkCluster(person_id=pk, cluster=cluster)
            for (_org, pk), cluster in clusters.items()
        )
    orgs: dict = {}
    for (org, _pk), cluster in clusters.items():
        orgs.setdefault(cluster, set()).add(org)
    return {
        "people": len(clusters),
        "clusters": len(orgs),
        "shared": sum(1 for o in orgs.values() if len(o) > 1),
    }


def known_elsewhere(person) -> int:
    """How many other organisations probably hold this person (a number only)."""
    cluster = NetworkCluster.objects.filter(person=person).values_list("cluster", flat=True).first()
    if cluster is None:
        return 0
    return (
        NetworkCluster.objects.filter(cluster=cluster)
        .exclude(person__organization_id=person.organization_id)
        .values("person__organization_id")
        .distinct()
        .count()
    )


def may_see_known_elsewhere(membership, person) -> bool:
    """Whether the member may be told how many other organisations may hold this person:
    a member who may view the organisation's people, about a person of her own
    organisation who gave a referral consent that is in force (not withdrawn, not
    expired). Without that consent nothing is said, not even that a check exists."""
    from apps.accounts.roles import Permission
    from apps.cases.models import ConsentScope
    from apps.cases.selectors import consents_of_person

    if membership is None or person is None or not getattr(person, "pk", None):
        return False
    if not membership.can(Permission.VIEW_PEOPLE):
        return False
    if person.organization_id != membership.organization_id:
        return False  # a case shared by referral: the holder's consent, the holder's answer
    today = timezone.localdate()
    return (
        consents_of_person(membership, person)
        .filter(scope=ConsentScope.REFERRAL, withdrawn_on__isnull=True, given_on__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .exists()
    )


def known_elsewhere_for(membership, person) -> int | None:
    """How many other organisations may hold this person, for a member who may be told
    (`may_see_known_elsewhere`); None when nothing may be shown, or when the person was
    never linked (no cluster: nothing is known either way). Never which organisations,
    nor their records."""
    if not may_see_known_elsewhere(membership, person):
        return None
    if not NetworkCluster.objects.filter(person=person).exists():
        return None
    return known_elsewhere(person)
