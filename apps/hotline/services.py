"""Every write to hotline calls: drafts, logging, follow-ups, opening a case."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import CASE_WORK_ROLES, Permission
from apps.cases.services import add_case_note, open_case
from apps.core import audit
from apps.core.index_rebuild import rekey_next_batch
from apps.core.models import AuditEntry
from apps.core.phones import phone_key
from apps.core.selectors import reference_codes
from apps.hotline.models import Call, CallerCategory, ContactPerson, Outcome, Relation
from apps.monitoring.selectors import agencies_for
from apps.people.services import StaleEdit, create_person, require

CALL_FIELDS = (
    "channel",
    "direction",
    "started_at",
    "duration_minutes",
    "caller_category",
    "caller_region",
    "language",
    "topics",
    "urgency",
    "caller_name",
    "caller_phone",
    "summary",
    "answer",
    "outcome",
    "follow_up_due",
    "destination_country",
    "agency",
)

# Which case type a call's topics suggest when a case is opened from it.
TOPIC_CASE_TYPES = [
    ("trafficking_report", "trafficking"),
    ("danger_now", "trafficking"),
    ("missing_relative", "trafficking"),
    ("labour_rights", "labour_rights"),
    ("domestic_violence", "domestic_violence"),
]


def check_call(data: dict) -> None:
    """Rules a finished call must meet (drafts may be incomplete)."""
    errors = {}
    if data.get("outcome") == Outcome.FOLLOW_UP and not data.get("follow_up_due"):
        errors["follow_up_due"] = _("Give the date of the follow-up.")
    if data.get("caller_category") == CallerCategory.ANONYMOUS and (
        data.get("caller_name") or data.get("caller_phone")
    ):
        errors["caller_name"] = _(
            "An anonymous call keeps no name or phone; choose another caller."
        )
    if not data.get("topics"):
        errors["topics"] = _("Choose at least one topic.")
    if not data.get("outcome"):
        errors["outcome"] = _("Choose the outcome of the call.")
    if errors:
        raise ValidationError(errors)


def _checked_facts(membership, data: dict) -> dict:
    """The destination country must be a known code, and the agency one the member finds
    in the register (given as an agency or its id); None clears it."""
    data = dict(data)
    country = data.get("destination_country")
    if country and country not in reference_codes("country"):
        raise ValidationError({"destination_country": _("Choose a country from the list.")})
    if data.get("agency") is not None:
        agency_id = getattr(data["agency"], "pk", data["agency"])
        agency = agencies_for(membership).filter(pk=agency_id).first()
        if agency is None:
            raise ValidationError({"agency": _("This agency is not in the register.")})
        data["agency"] = agency
    return data


def save_call(*, membership, data: dict, call: Call | None = None, expected_version=None,
              finish: bool = False, request=None) -> Call:  # fmt: skip
    """Create or update a call; `finish` logs it (validated), otherwise it stays a draft.

    The caller's phone is indexed (keyed hash of the normalised number) so that later
    calls from it are recognised; the agency comes from the register the member reads."""
    require(membership, Permission.HANDLE_CALLS)
    if finish:
        check_call(data)
    data = _checked_facts(membership, data)
    with transaction.atomic():
        if call is None:
            call = Call(organization=membership.organization, operator=membership.user)
            created = True
        else:
            created = False
            if not call.is_draft and not finish:
                raise ValidationError(_("A logged call cannot go back to draft."))
            if expected_version is not None:
                if not Call.objects.filter(pk=call.pk, version=expected_version).update(
                    version=expected_version + 1
                ):
                    raise StaleEdit()
                call.version = expected_version + 1
        for k in CALL_FIELDS:
            if k in data:
                setattr(call, k, data[k])
        if "caller_phone" in data:
            call.caller_phone_key = phone_key(call.organization_id, call.caller_phone)
        was_draft = call.is_draft
        call.is_draft = not finish and call.is_draft
        call.updated_at = timezone.now()
        call.save()
        if created or (was_draft and finish):
            audit.by_member(
                AuditEntry.Action.CREATE, membership, call, request, {"draft": call.is_draft}
            )
        elif not call.is_draft:
            audit.by_member(AuditEntry.Action.CHANGE, membership, call, request)
    return call


def take_over_draft(*, membership, call: Call, request=None) -> Call:
    """An organisation admin makes another operator's draft their own, so that they can
    open and finish it; audited with the previous operator. The caller gets the draft
    from `selectors.draft_to_take_over`, which checks the admin's role."""
    require(membership, Permission.HANDLE_CALLS)
    require(membership, Permission.MANAGE_ORGANIZATION)
    if not call.is_draft or call.organization_id != membership.organization_id:
        raise ValidationError(
            _("Only an unfinished intake of your organisation can be taken over.")
        )
    with transaction.atomic():
        previous = call.operator_id
        call.operator = membership.user
        call.updated_at = timezone.now()
        call.save(update_fields=["operator", "updated_at"])
        audit.by_member(
            AuditEntry.Action.CHANGE,
            membership,
            call,
            request,
            {"taken_over_from": previous, "draft": True},
        )
    return call


def complete_follow_up(*, membership, call: Call, request=None) -> Call:
    require(membership, Permission.HANDLE_CALLS)
    if call.follow_up_due is None or call.follow_up_done_at is not None:
        raise ValidationError(_("This call has no open follow-up."))
    call.follow_up_done_at = timezone.now()
    call.save(update_fields=["follow_up_done_at"])
    audit.by_member(AuditEntry.Action.CHANGE, membership, call, request, {"follow_up": "done"})
    return call


def link_call(*, membership, call: Call, person=None, case=None, request=None) -> Call:
    """Attach a call to an existing person and/or case of the same organisation."""
    require(membership, Permission.HANDLE_CALLS)
    for linked in (person, case):
        if linked is not None and linked.organization_id != membership.organization_id:
            raise ValidationError(_("This record belongs to another organisation."))
    if case is not None:
        person = case.person
        call.case = case
    call.person = person
    call.save(update_fields=["person", "case"])
    audit.by_member(AuditEntry.Action.CHANGE, membership, call, request,
           {"person": getattr(person, "pk", None), "case": getattr(case, "pk", None)})  # fmt: skip
    return call


def suggested_case_type(call: Call) -> str:
    for topic, case_type in TOPIC_CASE_TYPES:
        if topic in (call.topics or []):
            return case_type
    return "other"


class CallAlreadyConverted(Exception):
    pass


CONTACT_NAME_MAX = 200
CONTACT_PHONE_MAX = 40


def check_contact_persons(contacts) -> list[dict]:
    """Contact persons as given when opening a case: rows with nothing typed are dropped;
    the others need a name and a relation."""
    checked = []
    for contact in contacts or []:
        name = str(contact.get("name") or "").strip()
        phone = str(contact.get("phone") or "").strip()
        relation = str(contact.get("relation") or "")
        if not (name or phone):
            continue
        if not name:
            raise ValidationError(_("Give the name of each contact person."))
        if relation not in Relation.values:
            raise ValidationError(_("Say how each contact person is related to the person."))
        if len(name) > CONTACT_NAME_MAX or len(phone) > CONTACT_PHONE_MAX:
            raise ValidationError(_("A contact person's name or phone is too long."))
        checked.append({"name": name, "relation": relation, "phone": phone})
    return checked


def _add_contact_persons(membership, case, call, contacts, request) -> None:
    for contact in contacts:
        person = ContactPerson.objects.create(
            organization=membership.organization,
            case=case,
            call=call,
            created_by=membership.user,
            **contact,
        )
        # Ids and the relation only: the name and phone stay out of the audit trail.
        audit.by_member(AuditEntry.Action.CREATE, membership, person, request,
                        {"case": case.pk, "call": call.pk, "relation": contact["relation"]})  # fmt: skip


def open_case_from_call(*, membership, call: Call, person_data: dict | None = None,
                        case_data: dict | None = None, contact_persons=None,
                        request=None):  # fmt: skip
    """Open a case from a call, carrying its facts over; only one case per call.

    Uses the call's linked person, or registers one from `person_data`. The call's
    destination country becomes a country of exploitation (unless `case_data` names
    them); the agency checked during the call stays linked through the call.
    `contact_persons` (dicts of name, relation, phone) are the people the caller speaks
    for, recorded with the case. Two operators converting the same call at once: the
    second gets CallAlreadyConverted and nothing of theirs is written.
    """
    require(membership, Permission.EDIT_CASES)
    if call.is_draft:
        raise ValidationError(_("Log the call before opening a case from it."))
    contacts = check_contact_persons(contact_persons)
    with transaction.atomic():
        person = call.person
        if person is None:
            if not person_data or not person_data.get("given_name"):
                raise ValidationError(_("Say who the case is for (at least a given name)."))
            person = create_person(membership=membership, data=person_data, request=request)
        data = {
            "case_type": suggested_case_type(call),
            "opened_on": timezone.localtime(call.started_at).date(),
            # The one who opens it keeps it only if their role works on cases; an
            # operator's case waits, unassigned, for a worker to be chosen.
            "assigned_to": membership.user if membership.role in CASE_WORK_ROLES else None,
        }
        if call.destination_country:
            data["countries_of_exploitation"] = [call.destination_country]
        data.update(case_data or {})
        case = open_case(membership=membership, person=person, data=data, request=request)
        # The guard: only the first conversion finds the call without a case.
        if not Call.objects.filter(pk=call.pk, case__isnull=True).update(
            case=case, person=person, outcome=Outcome.CASE_OPENED
        ):
            raise CallAlreadyConverted()
        _add_contact_persons(membership, case, call, contacts, request)
        if call.summary or call.answer:
            body = "\n\n".join(
                part
                for part in (
                    _("From call %(ref)s.") % {"ref": call.reference},
                    call.summary,
                    call.answer,
                )
                if part
            )
            add_case_note(membership=membership, case=case, body=body, request=request)
        audit.by_member(AuditEntry.Action.CHANGE, membership, call, request, {"case": case.pk})
    call.refresh_from_db()
    return case


def rekey_calls(*, after: int, size: int) -> tuple[int, int] | None:
    """Bring the callers' phone keys of the next `size` calls after primary key `after`
    under the current index key (key rotation, apps.operations.key_rotation); returns
    (last primary key, calls re-keyed), None past the last call (rekey_next_batch)."""
    return rekey_next_batch(
        Call.objects.only("id", "organization_id", "caller_phone", "caller_phone_key"),
        after=after,
        size=size,
        field="caller_phone_key",
        keys_for=lambda calls: [phone_key(c.organization_id, c.caller_phone) for c in calls],
    )
