"""Every write of the duplicate finder: candidate pairs, decisions, merges and undos.

Each function checks the member's permission (MERGE_PEOPLE), writes in one
transaction and leaves an audit entry. A merge is reversible: the merged person is
kept and points at the survivor (apps.linkage.models.Merge); the records linked to
it move to the survivor and the ids moved are kept, so an undo moves exactly those
back.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.errors import NotAllowed
from apps.core.models import AuditEntry
from apps.linkage.models import DuplicatePair, Merge
from apps.people.models import Person, PersonNameKey, PersonNumberKey


class MergeRefused(Exception):
    """A merge or undo that cannot be done as asked; the message says why."""


def require(membership, permission: str = Permission.MERGE_PEOPLE) -> None:
    if membership is None or not membership.can(permission):
        raise NotAllowed(permission)


def _links_to_person():
    """Every foreign key from another app's model to Person, as (model, field name).
    Found from the model graph so that a new app's links move too; the blind indexes
    and the history of Person stay with the record they describe."""
    skip = {PersonNameKey, PersonNumberKey, DuplicatePair, Merge}
    links = []
    for rel in Person._meta.related_objects:
        model = rel.related_model
        # One record per person (one-to-one) could collide on the survivor: left in place.
        if not rel.one_to_many or model in skip:
            continue
        if model._meta.app_label == "people":  # Person's own history rows
            continue
        links.append((model, rel.field.name))
    return links


def save_candidate_pairs(membership, pairs, *, request=None) -> int:
    """Store the batch finder's pairs (person id, person id, probability, agreeing
    fields). Pairs already decided keep their decision; open ones get the new score.
    Returns how many pairs are new."""
    require(membership)
    org_id = membership.organization_id
    new = 0
    with transaction.atomic():
        existing = {
            (p.person_l_id, p.person_r_id): p
            for p in DuplicatePair.objects.filter(organization_id=org_id)
        }
        for a, b, probability, agreeing in pairs:
            low, high = sorted((int(a), int(b)))
            if low == high:
                continue
            pair = existing.get((low, high))
            if pair is None:
                DuplicatePair.objects.create(
                    organization_id=org_id,
                    person_l_id=low,
                    person_r_id=high,
                    probability=float(probability),
                    agreeing=list(agreeing),
                )
                new += 1
            elif pair.status == DuplicatePair.Status.OPEN:
                pair.probability = float(probability)
                pair.agreeing = list(agreeing)
                pair.save(update_fields=["probability", "agreeing"])
        audit.record(
            AuditEntry.Action.CHANGE,
            user=membership.user,
            organization=membership.organization,
            target_type="duplicate_search",
            detail={"pairs": len(pairs), "new": new},
            request=request,
        )
    return new


def reveal_score(membership, pair: DuplicatePair, *, request=None) -> None:
    """The reviewer asked to see the probability before deciding: remembered, because
    such decisions may be anchored on the score."""
    require(membership)
    if not pair.score_revealed:
        pair.score_revealed = True
        pair.save(update_fields=["score_revealed"])


def decide_not_same(membership, pair: DuplicatePair, *, request=None) -> DuplicatePair:
    """The two are different people: remembered, never proposed again."""
    require(membership)
    if pair.status != DuplicatePair.Status.OPEN:
        raise MergeRefused(_("This pair has already been decided."))
    with transaction.atomic():
        pair.status = DuplicatePair.Status.NOT_SAME
        pair.decided_at = timezone.now()
        pair.decided_by = membership.user
        pair.save(update_fields=["status", "decided_at", "decided_by"])
        audit.by_member(
            AuditEntry.Action.CHANGE,
            membership,
            pair,
            request=request,
            detail={"decision": "not_same", "people": [pair.person_l_id, pair.person_r_id]},
        )
    return pair


def merge_people(membership, *, survivor: Person, merged: Person, pair=None, request=None) -> Merge:
    """Merge `merged` into `survivor`: every case, call, consent, screening and other
    record linked to `merged` moves to `survivor`; `merged` is kept and points at the
    survivor, so its identifier stays valid. Reversible with undo_merge."""
    require(membership)
    org_id = membership.organization_id
    if survivor.pk == merged.pk:
        raise MergeRefused(_("A person cannot be merged into themselves."))
    if survivor.organization_id != org_id or merged.organization_id != org_id:
        raise MergeRefused(_("Only people of your organisation can be merged."))
    with transaction.atomic():
        # Locked so that two reviewers merging the same people wait for each other.
        locked = set(
            Person.objects.select_for_update()
            .filter(pk__in=[survivor.pk, merged.pk])
            .values_list("pk", flat=True)
        )
        if len(locked) != 2:
            raise MergeRefused(_("One of the two people no longer exists."))
        active = Merge.objects.filter(undone_at__isnull=True)
        if active.filter(merged_id__in=[survivor.pk, merged.pk]).exists():
            raise MergeRefused(_("One of the two people has already been merged into another."))
        if active.filter(survivor_id=merged.pk).exists():
            raise MergeRefused(
                _("Other records were merged into this person: merge it the other way round.")
            )
        moved = {}
        for model, field_name in _links_to_person():
            rows = model._default_manager.filter(**{field_name: merged.pk})
            ids = list(rows.values_list("pk", flat=True))
            if ids:
                model._default_manager.filter(pk__in=ids).update(**{field_name: survivor.pk})
                moved[f"{model._meta.label_lower}.{field_name}"] = ids
        merge = Merge.objects.create(
            organization_id=org_id,
            survivor=survivor,
            merged=merged,
            pair=pair,
            moved=moved,
            merged_by=membership.user,
        )
        if pair is not None:
            pair.status = DuplicatePair.Status.MERGED
            pair.decided_at = timezone.now()
            pair.decided_by = membership.user
            pair.save(update_fields=["status", "decided_at", "decided_by"])
        audit.record(
            AuditEntry.Action.CHANGE,
            user=membership.user,
            organization=membership.organization,
            target=merged,
            detail={
                "merged_into": survivor.pk,
                "merge": merge.pk,
                "moved": {k: len(v) for k, v in moved.items()},
            },
            request=request,
        )
    return merge


def undo_merge(membership, merge: Merge, *, request=None) -> Merge:
    """Put a merge back: the records moved go back to the merged person (those still
    pointing at the survivor), the pair is open again."""
    require(membership)
    if merge.organization_id != membership.organization_id:
        raise MergeRefused(_("Only merges of your organisation can be undone."))
    if merge.undone_at is not None:
        raise MergeRefused(_("This merge has already been undone."))
    links = {f"{m._meta.label_lower}.{f}": (m, f) for m, f in _links_to_person()}
    with transaction.atomic():
        restored = {}
        for key, ids in (merge.moved or {}).items():
            if key not in links:
                continue
            model, field_name = links[key]
            restored[key] = (
                model._default_manager.filter(pk__in=ids, **{field_name: merge.survivor_id})
            ).update(**{field_name: merge.merged_id})
        merge.undone_at = timezone.now()
        merge.undone_by = membership.user
        merge.save(update_fields=["undone_at", "undone_by"])
        if merge.pair_id:
            DuplicatePair.objects.filter(pk=merge.pair_id).update(
                status=DuplicatePair.Status.OPEN, decided_at=None, decided_by=None
            )
        audit.record(
            AuditEntry.Action.CHANGE,
            user=membership.user,
            organization=membership.organization,
            target=merge.merged,
            detail={"merge_undone": merge.pk, "restored": restored},
            request=request,
        )
    return merge
