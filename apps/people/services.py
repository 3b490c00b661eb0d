"""Every write to people: validation has happened in the form or serializer;
these functions write in one transaction, keep the name index in step and audit."""

import hashlib
import hmac
from functools import lru_cache
from itertools import combinations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.crypto import organization_index_key
from apps.core.errors import NotAllowed, StaleEdit  # noqa: F401 (imported from here too)
from apps.core.models import AuditEntry
from apps.people.models import (
    Person,
    PersonNameKey,
    PersonNumberKey,
    register_number_key,
    register_number_keys,
)
from apps.people.name_keys import name_tokens, stored_keys
from apps.people.name_shape import written_forms
from apps.people.numbers import number_keys

PERSON_FIELDS = (
    "external_id",
    "family_name",
    "given_name",
    "patronymic",
    "other_names",
    "sex",
    "birth_date",
    "birth_year",
    "citizenship",
    "region",
    "district",
    "phones",
    "document_numbers",
    "address",
    "languages",
    "disabilities",
    "hide_name",
)
NAME_FIELDS = ("family_name", "given_name", "patronymic", "other_names")
NUMBER_FIELDS = ("phones", "document_numbers")


class RegisterNumberTaken(Exception):
    """Another person of the organisation already has this register number."""

    def __init__(self):
        super().__init__(_("Another person in your register already has this register number."))


def _check_register_number(organization_id, number: str, *, exclude_pk=None) -> None:
    # Under every index key held: during a rotation the holder may not be re-keyed yet.
    keys = register_number_keys(organization_id, number)
    if not keys:
        return
    taken = Person.objects.filter(organization_id=organization_id, external_id_key__in=keys)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise RegisterNumberTaken()


def require(membership, permission: str) -> None:
    if membership is None or not membership.can(permission):
        raise NotAllowed(permission)


def name_key_hashes(person: Person) -> set[int]:
    """Hashes of every blind-index key of a person's names and aliases."""
    return set(name_key_entries(person))


def name_key_entries(person: Person) -> dict[int, tuple[int, int | None]]:
    """Each key hash of a person's names and aliases with the shape search ranks by:
    (tokens of the name it came from, spelling hash of the tokens as written).

    The shape lets search break ties in SQL (token-count closeness, then exact
    spelling) without decrypting candidates; the spelling hash is keyed per
    organisation like the keys. A key shared by the name and an alias keeps the
    name's shape.
    """
    hasher = name_key_hasher(person.organization_id)
    entries = hasher.entries(person.family_name, person.given_name, person.patronymic)
    for alias in person.other_names or []:
        for h, shape in hasher.entries(alias).items():
            entries.setdefault(h, shape)
    return entries


def name_key_hasher(organization_id) -> "NameKeyHasher":
    """The organisation's hasher, shared so that its caches serve every write."""
    return _hasher_for_key(organization_id, organization_index_key(organization_id))


@lru_cache(maxsize=16)
def _hasher_for_key(organization_id, _index_key: bytes) -> "NameKeyHasher":
    # Keyed by the index key too: a rotated key (or a test's keyring) gets a new hasher.
    # Small caches: a web process keeps these; an import makes its own, larger one.
    return NameKeyHasher(organization_id, cache_limit=2_000)


class NameKeyHasher:
    """The one rule that turns a name into its blind-index entries (name_key_entries,
    the register import, reindexing, the benchmarks): every key of
    name_keys.stored_keys() hashed with crypto.blind_hash under the organisation's
    index key, each with the name's shape (token count, spelling hash of the
    tokens as written, name_shape.spelling_hash).

    A register repeats name parts, token pairs and spellings, so these are kept
    (caches bounded), and the HMAC key is set up once (hmac.copy()) instead of for
    each of a person's sixty keys: a register of 100,000 names hashes in seconds.
    """

    CACHE_LIMIT = 50_000  # entries per cache: at most some 100 MB for a large register

    def __init__(self, organization_id: int, *, cache_limit: int = CACHE_LIMIT):
        self.cache_limit = cache_limit
        self._hmac = hmac.new(organization_index_key(organization_id), digestmod=hashlib.sha256)
        self._parts: dict[str, tuple[list[str], list[tuple[str, str]]]] = {}
        self._singles: dict[str, tuple[int, ...]] = {}
        self._pairs: dict[tuple[str, str], tuple[int, ...]] = {}
        self._spellings: dict[str, int] = {}

    def _hash(self, text: str) -> int:
        """crypto.blind_hash with the key already set up."""
        mac = self._hmac.copy()
        mac.update(text.encode())
        return int.from_bytes(mac.digest()[:8], "big", signed=True)

    def _cached(self, cache: dict, key, make):
        value = cache.get(key)
        if value is None:
            if len(cache) >= self.cache_limit:
                cache.clear()
            value = cache[key] = make(key)
        return value

    def _part(self, part: str) -> tuple[list[str], list[tuple[str, str]]]:
        # name_tokens and name_shape.written_forms of one part, merged across parts below.
        return self._cached(
            self._parts, part, lambda p: (name_tokens(p), list(written_forms(p).items()))
        )

    def _single_hashes(self, token: str) -> tuple[int, ...]:
        return self._cached(
            self._singles, token, lambda t: tuple(map(self._hash, stored_keys([t])))
        )

    def _pair_hashes(self, pair: tuple[str, str]) -> tuple[int, ...]:
        # The pair keys of stored_keys([a, b]) (its single keys are the tokens' own).
        return self._cached(
            self._pairs,
            pair,
            lambda p: tuple(self._hash(k) for k in stored_keys(list(p)) if k.startswith("p:")),
        )

    def _spelling(self, spelling: str) -> int:
        return self._cached(self._spellings, spelling, lambda w: self._hash("w:" + w) >> 32)

    def entries(self, *parts: str) -> dict[int, tuple[int, int | None]]:
        """Each key hash of one name (its parts in order) with the name's shape."""
        tokens: list[str] = []
        written: dict[str, str] = {}
        for part in parts:
            part_tokens, part_written = self._part(part or "")
            tokens += [t for t in part_tokens if t not in tokens]
            for token, piece in part_written:
                written.setdefault(token, piece)
        count = len(tokens)
        result: dict[int, tuple[int, int | None]] = {}
        # A key made by two pairs keeps the first pair's spelling (pairs in order).
        for a, b in combinations(tokens, 2):
            spelling = self._spelling("|".join(sorted((written.get(a, a), written.get(b, b)))))
            for h in self._pair_hashes((a, b)):
                result.setdefault(h, (count, spelling))
        for a in tokens:
            spelling = self._spelling(written.get(a, a))
            for h in self._single_hashes(a):
                result.setdefault(h, (count, spelling))
        return result

    def hashes(self, *parts: str) -> set[int]:
        """The key hashes of one name, without the shape."""
        return set(self.entries(*parts))


def name_key_rows(person: Person) -> list[PersonNameKey]:
    """The name-index rows of a person, one per key hash, with the name's shape."""
    return [
        PersonNameKey(person_id=person.pk, key=h, tokens=tokens, spelling=spelling)
        for h, (tokens, spelling) in name_key_entries(person).items()
    ]


def index_person_name(person: Person) -> None:
    PersonNameKey.objects.filter(person=person).delete()
    PersonNameKey.objects.bulk_create(name_key_rows(person))


def _stored_name_keys(person_ids) -> dict[int, set[int]]:
    stored: dict[int, set[int]] = {pk: set() for pk in person_ids}
    rows = PersonNameKey.objects.filter(person_id__in=person_ids).values_list("person_id", "key")
    for person_id, key in rows:
        stored[person_id].add(key)
    return stored


def _stored_name_entries(person_ids) -> dict[int, dict[int, tuple]]:
    stored: dict[int, dict[int, tuple]] = {pk: {} for pk in person_ids}
    rows = PersonNameKey.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "key", "tokens", "spelling"
    )
    for person_id, key, tokens, spelling in rows:
        stored[person_id][key] = (tokens, spelling)
    return stored


def reindex_names(*, batch: int = 500):
    """Rebuild the name keys of every person whose stored keys differ from what the
    current normaliser and index key give, in short transactions of `batch` people
    (locked while rewritten), so that the product keeps running. Yields (people
    checked, people re-keyed) after each batch; running it again resumes cheaply."""
    last_pk = 0
    checked = rekeyed = 0
    while True:
        with transaction.atomic():
            # Locked so that an edit of the same person waits for this batch (or it for
            # the edit) instead of the two writing different keys.
            people = list(
                Person.objects.select_for_update().filter(pk__gt=last_pk).order_by("pk")[:batch]
            )
            if not people:
                return
            # Stale keys, or rows written without their shape (a bulk path, an upgrade).
            stored = _stored_name_entries([p.pk for p in people])
            stale = [p for p in people if name_key_entries(p) != stored[p.pk]]
            if stale:
                PersonNameKey.objects.filter(person_id__in=[p.pk for p in stale]).delete()
                PersonNameKey.objects.bulk_create(
                    [row for p in stale for row in name_key_rows(p)], batch_size=5000
                )
        last_pk = people[-1].pk
        checked += len(people)
        rekeyed += len(stale)
        yield checked, rekeyed


def name_keys_stale(sample: int = 50) -> int:
    """How many of `sample` people picked at random have name keys other than the
    current normaliser gives: more than none means `manage.py reindex_names` is due
    (after an upgrade that changed apps.people.name_keys)."""
    people = list(Person.objects.order_by("?")[:sample])
    stored = _stored_name_keys([p.pk for p in people])
    return sum(1 for p in people if name_key_hashes(p) != stored[p.pk])


def index_person_numbers(person: Person) -> None:
    """Keep the phone and document-number index of a person in step with the numbers."""
    PersonNumberKey.objects.filter(person=person).delete()
    PersonNumberKey.objects.bulk_create(
        PersonNumberKey(person=person, kind=kind, key=key)
        for kind, key in number_keys(person.organization_id, person.phones, person.document_numbers)
    )


# Fields a re-keying reads: the ones its keys are made of (nothing else is decrypted).
_KEYED_FIELDS = (
    "id",
    "organization_id",
    "family_name",
    "given_name",
    "patronymic",
    "other_names",
    "phones",
    "document_numbers",
    "external_id",
    "external_id_key",
)


def rekey_people(*, after: int, size: int) -> tuple[int, int] | None:
    """Bring every blind-index row of the next `size` people after primary key `after`
    under the current index key: name keys, phone and document keys, register number.
    Returns (last primary key, people re-keyed), None past the last person.

    Run it in a transaction (apps.operations.key_rotation does, one per batch, with its
    checkpoint): the people are locked, so an edit of one of them waits for the batch or
    the batch for the edit, and all of a person's rows change in that one transaction.
    At any moment a person's rows are therefore all under the old key or all under the
    new one, and look-ups hash with both while the keyring holds both (decision 0038).
    People whose rows are already current (saved meanwhile, or a second pass) are left
    alone.
    """
    people = list(
        Person.objects.select_for_update()
        .filter(pk__gt=after)
        .only(*_KEYED_FIELDS)
        .order_by("pk")[:size]
    )
    if not people:
        return None
    ids = [p.pk for p in people]
    stored_names = _stored_name_entries(ids)
    stored_numbers: dict[int, set] = {pk: set() for pk in ids}
    for person_id, kind, key in PersonNumberKey.objects.filter(person_id__in=ids).values_list(
        "person_id", "kind", "key"
    ):
        stored_numbers[person_id].add((kind, key))
    # The register import's writers: COPY on PostgreSQL (some 75 rows a person).
    from apps.people.register_import import _insert_name_keys, _insert_number_keys

    renamed, renumbered, registers = {}, {}, []
    for person in people:
        entries = name_key_entries(person)
        if entries != stored_names[person.pk]:
            renamed[person.pk] = entries
        numbers = number_keys(person.organization_id, person.phones, person.document_numbers)
        if numbers != stored_numbers[person.pk]:
            renumbered[person.pk] = numbers
        register = register_number_key(person.organization_id, person.external_id)
        if register != person.external_id_key:
            # A new hash equal to another person's old one would trip the unique
            # constraint: at 64 bits, about one chance in 10^7 for a million people.
            person.external_id_key = register
            registers.append(person)
    PersonNameKey.objects.filter(person_id__in=renamed).delete()
    _insert_name_keys(renamed.items())
    PersonNumberKey.objects.filter(person_id__in=renumbered).delete()
    _insert_number_keys(renumbered.items())
    Person.objects.bulk_update(registers, ["external_id_key"])
    rekeyed = set(renamed) | set(renumbered) | {p.pk for p in registers}
    return people[-1].pk, len(rekeyed)


def _save_checking_register_number(person: Person) -> None:
    # The check above is not enough when two saves race; the unique constraint decides.
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise RegisterNumberTaken()


def create_person(*, membership, data: dict, request=None) -> Person:
    """Register a new person in the member's organisation."""
    require(membership, Permission.EDIT_PEOPLE)
    _check_register_number(membership.organization_id, data.get("external_id", ""))
    with transaction.atomic():
        person = Person(
            organization=membership.organization,
            created_by=membership.user,
            **{k: v for k, v in data.items() if k in PERSON_FIELDS},
        )
        _save_checking_register_number(person)
        index_person_name(person)
        index_person_numbers(person)
        audit.record(
            AuditEntry.Action.CREATE,
            user=membership.user,
            organization=membership.organization,
            target=person,
            request=request,
        )
    return person


def update_person(*, membership, person: Person, data: dict, expected_version: int, request=None):
    """Change a person; refused with StaleEdit if someone saved in between."""
    require(membership, Permission.EDIT_PEOPLE)
    changed = [k for k in PERSON_FIELDS if k in data and getattr(person, k) != data[k]]
    if "external_id" in changed:
        _check_register_number(person.organization_id, data["external_id"], exclude_pk=person.pk)
    with transaction.atomic():
        bumped = Person.objects.filter(pk=person.pk, version=expected_version).update(
            version=expected_version + 1, updated_at=timezone.now()
        )
        if not bumped:
            raise StaleEdit()
        for k in changed:
            setattr(person, k, data[k])
        person.version = expected_version + 1
        _save_checking_register_number(person)
        if any(k in NAME_FIELDS for k in changed):
            index_person_name(person)
        if any(k in NUMBER_FIELDS for k in changed):
            index_person_numbers(person)
        audit.record(
            AuditEntry.Action.CHANGE,
            user=membership.user,
            organization=membership.organization,
            target=person,
            detail={"fields": changed},
            request=request,
        )
    return person


def record_person_view(*, membership, person: Person, request=None, revealed=False) -> None:
    """Every look at a person leaves an audit entry (noting when a hidden name was shown)."""
    audit.record(
        AuditEntry.Action.VIEW,
        user=membership.user,
        organization=membership.organization,
        target=person,
        detail={"name_revealed": True} if revealed else None,
        request=request,
    )


# People a record of another domain needs (docs/decisions/0021) -------------------------


class on_behalf_of_record:  # noqa: N801 (reads as a phrase at the call site)
    """A member acting for a record of another domain (a violation, a monitoring visit, a
    missing-person appeal) after the caller's own `permission` was checked: for one call of
    this module or apps.people.selectors it may also create and look up people
    (EDIT_PEOPLE, VIEW_PEOPLE), which a monitor's role does not grant. Give it to that one
    call only, so that the role stays what apps/accounts/roles.py says everywhere else.
    Raises NotAllowed when the member's role does not grant `permission`."""

    _LENT = frozenset({Permission.EDIT_PEOPLE, Permission.VIEW_PEOPLE})

    def __init__(self, membership, permission: str):
        require(membership, permission)
        self._membership = membership
        self.user = membership.user
        self.organization = membership.organization
        self.organization_id = membership.organization_id
        self.role = membership.role
        self.is_active = membership.is_active

    def can(self, permission: str) -> bool:
        return permission in self._LENT or self._membership.can(permission)


def record_person_for_record(*, membership, permission: str, data: dict, request=None) -> Person:
    """Register the person a record of another domain needs (a victim or perpetrator of a
    violation, someone interviewed on a visit, the missing person of an appeal) for a
    member whose role grants `permission` (DOCUMENT_VIOLATIONS, HANDLE_MISSING_APPEALS)
    but perhaps not EDIT_PEOPLE, such as a monitor.

    NotAllowed unless the role grants `permission`. Otherwise exactly create_person: the
    person joins the member's organisation's register like any other person (encrypted,
    indexed, visible to the organisation's case workers) and the audit entry names the
    member. What the member then sees of that person is the calling domain's selectors'
    business (e.g. apps.violations.selectors.violation_people_visible_to)."""
    return create_person(
        membership=on_behalf_of_record(membership, permission), data=data, request=request
    )
