"""Writes to relatives' appeals about people missing abroad (audited).

The missing person is registered as a person of the organisation (apps.people), so the
foundation's search finds them and matches them against existing people and cases.
Monitors take appeals but do not register clients otherwise: the appeal is what lets
them create that one person record (apps.people.services.record_person_for_record,
docs/decisions/0021).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.models import AuditEntry
from apps.core.phones import normalised_phone
from apps.core.selectors import reference_codes
from apps.missing.models import (
    AppealMatch,
    AppealNote,
    AppealStatus,
    ClosureReason,
    ContactChannel,
    DocumentsHeldBy,
    MissingPersonAppeal,
    Relation,
)
from apps.people.services import NotAllowed, StaleEdit, record_person_for_record, require

APPEAL_FIELDS = (
    "reporter_name",
    "reporter_relation",
    "reporter_contact",
    "destination_country",
    "employer",
    "agency",
    "last_contact_on",
    "last_contact_channel",
    "last_contact_number",
    "circumstances",
    "documents_held_by",
    "consulate_contacted_on",
    "consulate_contact",
    "police_contacted_on",
    "police_contact",
    "received_on",
)
PERSON_FIELDS = ("given_name", "family_name", "patronymic", "birth_year", "sex", "phones")
TEXT_MAX = 10000
SHORT_MAX = 300
MATCH_LIMIT = 10


class OrganisationSearch:
    """The organisation's view of its people, for matching an appeal. Candidates are
    stored for human confirmation and shown only to members who may view people
    (apps.missing.selectors)."""

    def __init__(self, organization_id):
        self.organization_id = organization_id

    def can(self, permission: str) -> bool:
        return permission == Permission.VIEW_PEOPLE


def _check(data: dict) -> dict:
    out = {k: data.get(k) for k in APPEAL_FIELDS if k in data}
    errors = {}
    today = timezone.localdate()
    for k in ("reporter_name", "reporter_contact", "employer", "last_contact_number",
              "consulate_contact", "police_contact"):  # fmt: skip
        out[k] = " ".join((out.get(k) or "").split())
        if len(out[k]) > SHORT_MAX:
            errors[k] = _("At most %(n)d characters.") % {"n": SHORT_MAX}
    out["circumstances"] = (out.get("circumstances") or "").strip()
    if len(out["circumstances"]) > TEXT_MAX:
        errors["circumstances"] = _("At most %(n)d characters.") % {"n": TEXT_MAX}
    if not out["reporter_name"]:
        errors["reporter_name"] = _("Give the name of who reports.")
    if out.get("reporter_relation") not in Relation.values:
        errors["reporter_relation"] = _("Choose the relation to the missing person.")
    country = (out.get("destination_country") or "").strip().upper()
    if country and country not in reference_codes("country"):
        errors["destination_country"] = _("Unknown ISO 3166 country code.")
    out["destination_country"] = country
    channel = out.get("last_contact_channel") or ""
    if channel and channel not in ContactChannel.values:
        errors["last_contact_channel"] = _("Unknown channel.")
    out["last_contact_channel"] = channel
    held = out.get("documents_held_by") or DocumentsHeldBy.UNKNOWN
    if held not in DocumentsHeldBy.values:
        errors["documents_held_by"] = _("Choose who holds the documents.")
    out["documents_held_by"] = held
    out["received_on"] = out.get("received_on") or today
    for k in ("last_contact_on", "consulate_contacted_on", "police_contacted_on", "received_on"):
        value = out.get(k)
        if value and value > today:
            errors[k] = _("The date cannot be in the future.")
    last = out.get("last_contact_on")
    if last and last > out["received_on"] and "last_contact_on" not in errors:
        errors["last_contact_on"] = _("The last contact cannot be after the appeal was received.")
    if errors:
        raise ValidationError(errors)
    return out


def _check_person(person: dict) -> dict:
    out = {k: person.get(k) for k in PERSON_FIELDS if person.get(k) not in (None, "")}
    errors = {}
    for k in ("given_name", "family_name", "patronymic"):
        if k in out:
            out[k] = " ".join(str(out[k]).split())[:100]
    if not out.get("given_name"):
        errors["given_name"] = _("Give at least the missing person's given name.")
    year = out.get("birth_year")
    if year is not None and not (1900 <= int(year) <= timezone.localdate().year):
        errors["birth_year"] = _("Give a year between 1900 and this year.")
    phones = [p for p in (out.get("phones") or []) if str(p).strip()]
    bad = [p for p in phones if not normalised_phone(str(p))]
    if bad:
        errors["phones"] = _("Not a phone number: %(values)s") % {"values": ", ".join(bad)}
    out["phones"] = phones
    if errors:
        raise ValidationError(errors)
    return out


def _agency(membership, agency):
    if agency in (None, ""):
        return None
    from apps.monitoring.models import RecruitmentAgency

    agency_id = getattr(agency, "pk", agency)
    try:
        return RecruitmentAgency.objects.get(pk=int(agency_id))
    except (RecruitmentAgency.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"agency": _("No such agency in the register.")})


def find_matches(appeal: MissingPersonAppeal) -> list[AppealMatch]:
    """Compare the missing person with the organisation's people (names, phone) through
    the people register's search, and keep new candidates for confirmation."""
    from apps.people.selectors import search_people

    person = appeal.person
    search = OrganisationSearch(appeal.organization_id)
    found = {}
    name = " ".join(p for p in (person.family_name, person.given_name, person.patronymic) if p)
    queries = [name] + list(person.phones or [])
    for query in queries:
        for candidate in search_people(search, query, limit=MATCH_LIMIT):
            if candidate.pk != person.pk and candidate.pk not in found:
                found[candidate.pk] = getattr(candidate, "search_match", "name")
    known = set(appeal.matches.values_list("person_id", flat=True))
    new = [
        AppealMatch(appeal=appeal, person_id=pk, found_by=kind)
        for pk, kind in found.items()
        if pk not in known
    ]
    return AppealMatch.objects.bulk_create(new)


def create_appeal(*, membership, data: dict, person: dict, request=None) -> MissingPersonAppeal:
    """Take a relative's appeal: register the missing person, record the appeal, and
    look for the person among the organisation's people and cases."""
    require(membership, Permission.HANDLE_MISSING_APPEALS)
    clean = _check(data)
    errors = {}
    try:
        person_data = _check_person(person)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        clean["agency"] = _agency(membership, clean.get("agency"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        missing = record_person_for_record(
            membership=membership,
            permission=Permission.HANDLE_MISSING_APPEALS,
            data=person_data,
            request=request,
        )
        appeal = MissingPersonAppeal.objects.create(
            organization=membership.organization,
            person=missing,
            created_by=membership.user,
            **clean,
        )
        matches = find_matches(appeal)
        audit.by_member(AuditEntry.Action.CREATE, membership, appeal, request,
                        {"person": missing.pk, "possible_matches": len(matches)})  # fmt: skip
    return appeal


def update_appeal(*, membership, appeal: MissingPersonAppeal, data: dict, expected_version: int,
                  request=None) -> MissingPersonAppeal:  # fmt: skip
    """Change an appeal's facts (consulate and police contacts among them)."""
    _require_own(membership, appeal)
    base = {k: getattr(appeal, k) for k in APPEAL_FIELDS}
    clean = _check(base | data)
    clean["agency"] = _agency(membership, clean.get("agency"))
    changed = sorted(k for k in APPEAL_FIELDS if base[k] != clean[k])
    with transaction.atomic():
        bumped = MissingPersonAppeal.objects.filter(pk=appeal.pk, version=expected_version).update(
            version=expected_version + 1, updated_at=timezone.now()
        )
        if not bumped:
            raise StaleEdit()
        for k, v in clean.items():
            setattr(appeal, k, v)
        appeal.version = expected_version + 1
        appeal.save()
        audit.by_member(AuditEntry.Action.CHANGE, membership, appeal, request, {"fields": changed})
    return appeal


def _require_own(membership, appeal):
    require(membership, Permission.HANDLE_MISSING_APPEALS)
    if appeal.organization_id != membership.organization_id:
        raise NotAllowed(Permission.HANDLE_MISSING_APPEALS)


def add_note(*, membership, appeal: MissingPersonAppeal, status: str, body: str,
             request=None) -> AppealNote:  # fmt: skip
    """A follow-up: what was done or learnt; its status becomes the appeal's."""
    _require_own(membership, appeal)
    body = (body or "").strip()
    errors = {}
    if status not in AppealStatus.values:
        errors["status"] = _("Choose the status.")
    if not body:
        errors["body"] = _("Write what was done or learnt.")
    elif len(body) > TEXT_MAX:
        errors["body"] = _("At most %(n)d characters.") % {"n": TEXT_MAX}
    if appeal.is_closed:
        errors["status"] = _("The appeal is closed.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        note = AppealNote.objects.create(
            appeal=appeal, status=status, body=body, author=membership.user
        )
        MissingPersonAppeal.objects.filter(pk=appeal.pk).update(
            status=status, updated_at=timezone.now()
        )
        appeal.status = status
        audit.by_member(AuditEntry.Action.CREATE, membership, note, request,
                        {"appeal": appeal.pk, "status": status})  # fmt: skip
    return note


def close_appeal(*, membership, appeal: MissingPersonAppeal, reason: str, closed_on=None,
                 request=None) -> MissingPersonAppeal:  # fmt: skip
    _require_own(membership, appeal)
    closed_on = closed_on or timezone.localdate()
    if reason not in ClosureReason.values:
        raise ValidationError({"closure_reason": _("Choose why the appeal is closed.")})
    if closed_on > timezone.localdate() or closed_on < appeal.received_on:
        raise ValidationError(
            {"closed_on": _("The closing date must be between the appeal's date and today.")}
        )
    with transaction.atomic():
        appeal.closure_reason = reason
        appeal.closed_on = closed_on
        appeal.updated_at = timezone.now()
        appeal.save(update_fields=["closure_reason", "closed_on", "updated_at"])
        audit.by_member(AuditEntry.Action.CHANGE, membership, appeal, request,
                        {"closed": reason})  # fmt: skip
    return appeal


def decide_match(*, membership, match: AppealMatch, confirmed: bool,
                 request=None) -> AppealMatch:  # fmt: skip
    """A member who may see the organisation's people confirms or rejects a candidate.
    Confirmed, the appeal follows the person's trafficking case (their latest one), and
    the person is marked found."""
    from apps.cases.models import Case

    appeal = match.appeal
    _require_own(membership, appeal)
    require(membership, Permission.VIEW_PEOPLE)
    if match.decision != AppealMatch.Decision.PENDING:
        raise ValidationError(_("This possible match has already been decided."))
    with transaction.atomic():
        match.decision = (
            AppealMatch.Decision.CONFIRMED if confirmed else AppealMatch.Decision.REJECTED
        )
        match.decided_by = membership.user
        match.decided_at = timezone.now()
        match.save()
        detail = {"appeal": appeal.pk, "person": match.person_id, "confirmed": confirmed}
        if confirmed:
            case = (
                Case.objects.filter(
                    organization_id=appeal.organization_id,
                    person_id=match.person_id,
                    case_type="trafficking",
                )
                .order_by("-opened_on", "-id")
                .first()
            )
            appeal.case = case
            appeal.status = AppealStatus.TRAFFICKED if case else AppealStatus.FOUND
            appeal.updated_at = timezone.now()
            appeal.save(update_fields=["case", "status", "updated_at"])
            detail["case"] = case.pk if case else None
        audit.by_member(AuditEntry.Action.CHANGE, membership, match, request, detail)
    return match


def link_case(*, membership, appeal: MissingPersonAppeal, case, request=None):
    """Tie the appeal to a trafficking case of the organisation (the person was found
    and is followed there)."""
    from apps.cases.selectors import cases_visible_to

    _require_own(membership, appeal)
    if not cases_visible_to(membership).filter(pk=getattr(case, "pk", None)).exists():
        raise ValidationError({"case": _("No such case in your organisation.")})
    with transaction.atomic():
        appeal.case = case
        appeal.updated_at = timezone.now()
        appeal.save(update_fields=["case", "updated_at"])
        audit.by_member(AuditEntry.Action.CHANGE, membership, appeal, request, {"case": case.pk})
    return appeal
