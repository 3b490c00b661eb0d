"""Every write to cases and what hangs off them: validate, write in one
transaction, audit."""

import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.colleagues import check_colleague
from apps.accounts.roles import Permission
from apps.cases.models import (
    STATUS_TRANSITIONS,
    Attachment,
    Case,
    CaseNote,
    CaseStatus,
    Consent,
    Task,
)
from apps.core import audit
from apps.core.crypto import decrypt_bytes, encrypt_bytes
from apps.core.date_rules import check_due_dates, check_past_events
from apps.core.models import AuditEntry
from apps.people.services import StaleEdit, require
from apps.people.validation import person_born

CASE_FIELDS = (
    "case_type",
    "assigned_to",
    "exploitation",
    "countries_of_recruitment",
    "countries_of_transit",
    "countries_of_exploitation",
    "recruitment_channel",
    "means_of_control",
    "opened_on",
    "exploitation_began_on",
    "exploitation_ended_on",
    "identified_on",
)
# Dates of what happened to the person: not in the future, not before they were born.
CASE_PAST_DATES = ("opened_on", "identified_on", "exploitation_began_on", "exploitation_ended_on")
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def _check_assignee(membership, user) -> None:
    check_colleague(membership, user)


def open_case(*, membership, person, data: dict, request=None) -> Case:
    """Open a case for a person of the member's organisation."""
    require(membership, Permission.EDIT_CASES)
    if person.organization_id != membership.organization_id:
        raise ValidationError(_("This person belongs to another organisation."))
    _check_assignee(membership, data.get("assigned_to"))
    check_past_events(
        {k: data[k] for k in CASE_PAST_DATES if data.get(k)}, born=person_born(person)
    )
    with transaction.atomic():
        case = Case(
            organization=membership.organization,
            person=person,
            created_by=membership.user,
            status=data.get("status") or CaseStatus.OPEN,
            **{k: v for k, v in data.items() if k in CASE_FIELDS},
        )
        case.save()
        audit.by_member(AuditEntry.Action.CREATE, membership, case, request)
    return case


def update_case(*, membership, case: Case, data: dict, expected_version: int, request=None):
    """Change a case's facts; StaleEdit if another user saved it since the form was opened."""
    require(membership, Permission.EDIT_CASES)
    _check_assignee(membership, data.get("assigned_to"))
    changed = [k for k in CASE_FIELDS if k in data and getattr(case, k) != data[k]]
    check_past_events(
        {k: data[k] for k in CASE_PAST_DATES if k in changed and data[k]},
        born=person_born(case.person),
    )
    with transaction.atomic():
        if not Case.objects.filter(pk=case.pk, version=expected_version).update(
            version=expected_version + 1, updated_at=timezone.now()
        ):
            raise StaleEdit()
        for k in changed:
            setattr(case, k, data[k])
        case.version = expected_version + 1
        case.save()
        audit.by_member(AuditEntry.Action.CHANGE, membership, case, request, {"fields": changed})
    return case


def change_case_status(
    *, membership, case: Case, status: str, expected_version: int, reason: str = "", request=None
) -> Case:
    """Move a case along its workflow; closing needs a reason."""
    require(membership, Permission.EDIT_CASES)
    if status not in STATUS_TRANSITIONS.get(case.status, set()):
        raise ValidationError(
            _("A case that is %(current)s cannot become %(new)s.")
            % {"current": case.get_status_display(), "new": CaseStatus(status).label}
        )
    if status == CaseStatus.CLOSED and not reason:
        raise ValidationError(_("Choose the reason for closing the case."))
    with transaction.atomic():
        if not Case.objects.filter(pk=case.pk, version=expected_version).update(
            version=expected_version + 1
        ):
            raise StaleEdit()
        previous = case.status
        case.status = status
        case.version = expected_version + 1
        if status == CaseStatus.CLOSED:
            case.closure_reason = reason
            case.closed_on = timezone.localdate()
        elif status == CaseStatus.REOPENED:
            case.closure_reason = ""
            case.closed_on = None
        case.updated_at = timezone.now()
        case.save()
        audit.by_member(
            AuditEntry.Action.CHANGE,
            membership,
            case,
            request,
            {"status": [previous, status], "reason": reason},
        )
    return case


def add_case_note(*, membership, case: Case, body: str, request=None) -> CaseNote:
    """Add a note; anyone who works the case may write one (reading needs VIEW_CASE_NOTES)."""
    require(membership, Permission.EDIT_CASES)
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("The note is empty."))
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, body=body, author=membership.user)
        audit.by_member(AuditEntry.Action.CREATE, membership, note, request, {"case": case.pk})
    return note


def add_task(*, membership, case: Case, title: str, due_on=None, assigned_to=None, request=None):
    require(membership, Permission.EDIT_CASES)
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Describe the task."))
    _check_assignee(membership, assigned_to)
    check_due_dates({"due_on": due_on})
    with transaction.atomic():
        task = Task.objects.create(
            case=case,
            title=title,
            due_on=due_on,
            assigned_to=assigned_to or membership.user,
            created_by=membership.user,
        )
        audit.by_member(AuditEntry.Action.CREATE, membership, task, request, {"case": case.pk})
    return task


def complete_task(*, membership, task: Task, request=None) -> Task:
    """Mark a task done; `reopen_task` can take that back for UNDO_SECONDS."""
    require(membership, Permission.EDIT_CASES)
    with transaction.atomic():
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        audit.by_member(AuditEntry.Action.CHANGE, membership, task, request, {"done": True})
    return task


# How long "done" can be taken back: long enough to catch a slip of the finger, short
# enough that "done" on someone's dashboard can be relied upon.
UNDO_SECONDS = 60


def may_reopen(task: Task, now=None) -> bool:
    """Whether `reopen_task` would take this task back now (pages show Undo by it)."""
    if task.done_at is None:
        return False
    return ((now or timezone.now()) - task.done_at).total_seconds() <= UNDO_SECONDS


def reopen_task(*, membership, task: Task, request=None) -> Task:
    """Undo "done" within UNDO_SECONDS of it; later, or on an open task, a
    ValidationError says why and the task stays as it is."""
    require(membership, Permission.EDIT_CASES)
    with transaction.atomic():
        # Read done_at under a lock so that two undos (or undo and a late click) agree.
        current = Task.objects.select_for_update().get(pk=task.pk)
        if current.done_at is None:
            raise ValidationError(_("This task is open already."))
        if not may_reopen(current):
            raise ValidationError(
                _("Too late to undo: a task can be reopened within a minute of marking it done.")
            )
        Task.objects.filter(pk=task.pk).update(done_at=None)
        task.done_at = None
        audit.by_member(AuditEntry.Action.CHANGE, membership, task, request, {"done": False})
    return task


def _fitting_filename(name: str, limit: int) -> str:
    """The file's name as uploaded, shortened in the middle when it is longer than the
    column: the start and the extension are what people recognise a file by."""
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    ext = dot + ext if stem and len(ext) <= 10 else ""
    stem = name[: len(name) - len(ext)]
    return stem[: limit - len(ext) - 1] + "…" + ext


def _attachment_path(storage_name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / storage_name


def add_attachment(*, membership, case: Case, uploaded_file, request=None) -> Attachment:
    """Store an uploaded file encrypted on disk under a random name."""
    require(membership, Permission.EDIT_CASES)
    if uploaded_file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))
    data = uploaded_file.read()
    storage_name = secrets.token_hex(20)
    path = _attachment_path(storage_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encrypt_bytes(data))
    with transaction.atomic():
        att = Attachment.objects.create(
            case=case,
            filename=_fitting_filename(uploaded_file.name, 200),
            content_type=(uploaded_file.content_type or "application/octet-stream")[:120],
            size=len(data),
            storage_name=storage_name,
            uploaded_by=membership.user,
        )
        audit.by_member(AuditEntry.Action.CREATE, membership, att, request, {"case": case.pk})
    return att


def read_attachment(*, membership, attachment: Attachment, request=None) -> bytes:
    """Decrypt an attachment for download; the download is audited."""
    require(membership, Permission.VIEW_CASES)
    data = decrypt_bytes(_attachment_path(attachment.storage_name).read_bytes())
    audit.by_member(
        AuditEntry.Action.EXPORT, membership, attachment, request, {"case": attachment.case_id}
    )
    return data


def record_consent(*, membership, person, scope: str, case=None, given_on=None, valid_until=None,
                   note: str = "", request=None) -> Consent:  # fmt: skip
    require(membership, Permission.EDIT_PEOPLE)
    with transaction.atomic():
        consent = Consent.objects.create(
            person=person,
            case=case,
            scope=scope,
            given_on=given_on or timezone.localdate(),
            valid_until=valid_until,
            note=note,
            recorded_by=membership.user,
        )
        audit.by_member(
            AuditEntry.Action.CREATE, membership, consent, request, {"person": person.pk}
        )
    return consent


def withdraw_consent(*, membership, consent: Consent, request=None) -> Consent:
    """The person takes back a consent; it stops being in force today."""
    require(membership, Permission.EDIT_PEOPLE)
    if consent.withdrawn_on is not None:
        raise ValidationError(_("This consent was already withdrawn."))
    with transaction.atomic():
        consent.withdrawn_on = timezone.localdate()
        consent.withdrawn_by = membership.user
        consent.save(update_fields=["withdrawn_on", "withdrawn_by"])
        audit.by_member(AuditEntry.Action.CHANGE, membership, consent, request, {"withdrawn": True})
    return consent


def record_case_view(*, membership, case: Case, request=None) -> None:
    audit.by_member(AuditEntry.Action.VIEW, membership, case, request)
