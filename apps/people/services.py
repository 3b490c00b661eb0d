"""Every write to people: validation has happened in the form or serializer;
these functions write in one transaction, keep the name index in step and audit."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.crypto import blind_hash, organization_index_key
from apps.core.models import AuditEntry
from apps.people.models import Person, PersonNameKey, register_number_key
from apps.people.name_keys import name_tokens, stored_keys

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


class NotAllowed(Exception):
    """The member's role does not allow this write (views answer 403)."""


class RegisterNumberTaken(Exception):
    """Another person of the organisation already has this register number."""

    def __init__(self):
        super().__init__(_("Another person in your register already has this register number."))


def _check_register_number(organization_id, number: str, *, exclude_pk=None) -> None:
    key = register_number_key(organization_id, number)
    if key is None:
        return
    taken = Person.objects.filter(organization_id=organization_id, external_id_key=key)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise RegisterNumberTaken()


class StaleEdit(Exception):
    """Someone else saved the record after this form was opened."""

    def __init__(self):
        super().__init__(
            _(
                "Someone else saved this record while you were editing it. "
                "Your changes were not saved; they are still in the form. "
                "Open the record again to see the other changes, then re-apply yours."
            )
        )


def require(membership, permission: str) -> None:
    if membership is None or not membership.can(permission):
        raise NotAllowed(permission)


def name_key_hashes(person: Person) -> set[int]:
    """Hashes of every blind-index key of a person's names and aliases."""
    org_key = organization_index_key(person.organization_id)
    keys = stored_keys(name_tokens(person.family_name, person.given_name, person.patronymic))
    for alias in person.other_names or []:
        keys |= stored_keys(name_tokens(alias))
    return {blind_hash(org_key, k) for k in keys}


def index_person_name(person: Person) -> None:
    PersonNameKey.objects.filter(person=person).delete()
    PersonNameKey.objects.bulk_create(
        PersonNameKey(person=person, key=h) for h in name_key_hashes(person)
    )


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
