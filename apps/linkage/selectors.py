"""Scoped reads of possible duplicates.

`possible_duplicates` answers, while a person is being typed, "is this someone the
organisation already has?": candidates come from the blind indexes of apps.people
(name keys, phone and document keys) of the member's organisation only, then each
candidate is decrypted in memory and compared field by field (apps.linkage.features)
so that the screen can say why it looks like the same person.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Permission
from apps.linkage.features import (
    Features,
    compare_dates,
    features_of,
    features_of_person,
    near,
    stem,
)
from apps.linkage.models import DuplicatePair, Merge
from apps.people.selectors import people_visible_to, people_with_number, search_people

# What each agreeing field adds to a candidate's rank (a warning, not the linker's
# probability: it only orders what is shown and decides what is worth showing).
_WEIGHTS = {
    "document": 6,
    "phone": 5,
    "name_same": 4,
    "name_similar": 3,
    "name_part": 1,
    "dob_same": 3,
    "dob_swapped": 2.5,
    "dob_same_month": 1.5,
    "dob_same_year": 1,
    "dob_near_year": 0.5,
    "patronymic": 1,
}
REASONS = {
    "document": _("same document number"),
    "phone": _("same phone"),
    "name_same": _("same name"),
    "name_same_other_spelling": _("same name in another script or spelling"),
    "name_swapped": _("given and family name swapped"),
    "name_similar": _("similar name (a letter differs)"),
    "name_part": _("part of the name matches"),
    "dob_same": _("same date of birth"),
    "dob_swapped": _("date of birth with day and month swapped"),
    "dob_same_month": _("same month and year of birth"),
    "dob_same_year": _("same year of birth"),
    "dob_near_year": _("year of birth one year apart"),
    "patronymic": _("same father's name"),
}
MAX_SHOWN = 5


@dataclass
class Candidate:
    person: object
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0
    name: str | None = None  # how the names agree: "same", "similar", "part"
    dates: str = ""  # how the birth dates agree (features.compare_dates)

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[r]) for r in self.reasons]


def can_check(membership) -> bool:
    return membership is not None and membership.can(Permission.EDIT_PEOPLE)


def name_agreement(typed: Features, other: Features) -> tuple[str | None, bool]:
    """("same" | "similar" | "part" | None, given and family in swapped places)."""
    mine, theirs = list(typed.tokens), list(other.tokens)
    if not mine or not theirs:
        return None, False
    exact = [t for t in mine if t in theirs]
    fuzzy = [t for t in mine if t not in exact and any(near(t, o) for o in theirs)]
    given, family = stem(typed.given), typed.family
    swapped = bool(
        given
        and family
        and given != family
        and given == other.family
        and family == stem(other.given)
    )
    wanted = min(2, len(mine))
    if len(exact) >= wanted:
        return "same", swapped
    if len(exact) + len(fuzzy) >= wanted and len(mine) >= 2:
        return "similar", swapped
    if exact or fuzzy:
        return "part", swapped
    return None, swapped


def compare(typed: Features, other: Features, *, typed_words=(), other_words=()) -> Candidate:
    """Why `other` may be the person typed; the Candidate carries no person yet."""
    c = Candidate(person=None)
    if typed.documents & other.documents:
        c.reasons.append("document")
    if typed.phones & other.phones:
        c.reasons.append("phone")
    agreement, swapped = name_agreement(typed, other)
    if agreement == "same":
        written_alike = {w.lower() for w in typed_words} & {w.lower() for w in other_words}
        c.reasons.append("name_same" if written_alike else "name_same_other_spelling")
    elif agreement:
        c.reasons.append("name_" + agreement)
    if swapped:
        c.reasons.append("name_swapped")
    dates = compare_dates(typed.birth, other.birth)
    if dates and dates != "differ":
        c.reasons.append("dob_" + dates)
    if typed.patronymic and typed.patronymic == other.patronymic:
        c.reasons.append("patronymic")
    c.score = sum(
        _WEIGHTS.get(r, _WEIGHTS["name_same"] if r.startswith("name_same") else 0)
        for r in c.reasons
    )
    c.dates = dates
    c.name = agreement
    return c


def worth_showing(c: Candidate) -> bool:
    """A shared document or phone, or a name that agrees with no contradicting birth date."""
    if "document" in c.reasons or "phone" in c.reasons:
        return True
    if c.name in ("same", "similar"):
        return c.dates != "differ"
    return False


def possible_duplicates(membership, typed: dict, *, exclude_id=None) -> list[Candidate]:
    """People of the member's organisation who may be the person being typed, best
    first, each with the reasons. `typed` holds the form's values: family_name,
    given_name, patronymic, other_names, birth_date, sex, phones, document_numbers
    (lists or comma-separated text). [] for a member who may not enter people."""
    if not can_check(membership):
        return []
    typed_features = features_of(**typed)
    pool: dict[int, object] = {}
    name_query = " ".join(
        p for p in (typed.get("family_name", ""), typed.get("given_name", "")) if p
    ).strip()
    # Two name words at least: one word alone (a caller's "Aigul") matches too many.
    if len(typed_features.tokens) >= 2:
        for person in search_people(membership, name_query, limit=30):
            pool.setdefault(person.pk, person)
    for number in [*typed.get("phones", ()), *typed.get("document_numbers", ())]:
        for person in people_with_number(membership, str(number), limit=10):
            pool.setdefault(person.pk, person)
    pool.pop(exclude_id, None)
    merged_away = set(
        Merge.objects.filter(merged_id__in=pool, undone_at__isnull=True).values_list(
            "merged_id", flat=True
        )
    )
    typed_words = _words(typed.get("family_name", ""), typed.get("given_name", ""))
    found = []
    for pk, person in pool.items():
        if pk in merged_away:
            continue  # already merged into someone: the survivor is the one to show
        c = compare(
            typed_features,
            features_of_person(person),
            typed_words=typed_words,
            other_words=_words(person.family_name, person.given_name),
        )
        if worth_showing(c):
            c.person = person
            found.append(c)
    found.sort(key=lambda c: (-c.score, c.person.pk))
    return found[:MAX_SHOWN]


def _words(*parts: str) -> list[str]:
    return [w for p in parts for w in (p or "").split() if w]


# --------------------------------------------------------------------------- review queue


def can_merge(membership) -> bool:
    return membership is not None and membership.can(Permission.MERGE_PEOPLE)


def pairs_to_review(membership):
    """The organisation's candidate pairs still undecided, most probable first.
    None of them for a member who may not merge people."""
    if not can_merge(membership):
        return DuplicatePair.objects.none()
    return (
        DuplicatePair.objects.filter(
            organization_id=membership.organization_id, status=DuplicatePair.Status.OPEN
        )
        .select_related("person_l", "person_r")
        .order_by("-probability", "pk")
    )


def decided_pairs(membership):
    if not can_merge(membership):
        return DuplicatePair.objects.none()
    return (
        DuplicatePair.objects.filter(organization_id=membership.organization_id)
        .exclude(status=DuplicatePair.Status.OPEN)
        .select_related("person_l", "person_r", "decided_by")
        .order_by("-decided_at", "-pk")
    )


def pair_for(membership, pair_id) -> DuplicatePair:
    """One pair of the member's organisation, or 404."""
    if not can_merge(membership):
        raise Http404
    try:
        return DuplicatePair.objects.select_related("person_l", "person_r").get(
            pk=int(pair_id), organization_id=membership.organization_id
        )
    except (DuplicatePair.DoesNotExist, ValueError, TypeError):
        raise Http404


def merges_of(membership):
    if not can_merge(membership):
        return Merge.objects.none()
    return (
        Merge.objects.filter(organization_id=membership.organization_id)
        .select_related("survivor", "merged", "merged_by", "undone_by")
        .order_by("-merged_at", "-pk")
    )


def merge_for(membership, merge_id) -> Merge:
    if not can_merge(membership):
        raise Http404
    try:
        return merges_of(membership).get(pk=int(merge_id))
    except (Merge.DoesNotExist, ValueError, TypeError):
        raise Http404


def current_person_id(organization_id, person_id: int) -> int:
    """The person a record stands for now: itself, or the survivor it was merged into
    (following merges of merges), so that an identifier given out stays valid."""
    seen = {person_id}
    while True:
        nxt = (
            Merge.objects.filter(
                organization_id=organization_id, merged_id=person_id, undone_at__isnull=True
            )
            .values_list("survivor_id", flat=True)
            .first()
        )
        if nxt is None or nxt in seen:
            return person_id
        seen.add(nxt)
        person_id = nxt


def people_for_linkage(membership):
    """The organisation's people the batch finder compares: every person not merged
    away into another one."""
    if not can_merge(membership):
        return people_visible_to(None)
    merged = Merge.objects.filter(
        organization_id=membership.organization_id, undone_at__isnull=True
    ).values("merged_id")
    return people_visible_to(membership).exclude(pk__in=merged)


def pair_exists(organization_id, a: int, b: int):
    low, high = sorted((a, b))
    return DuplicatePair.objects.filter(
        Q(organization_id=organization_id) & Q(person_l_id=low, person_r_id=high)
    ).first()
