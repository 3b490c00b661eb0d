"""Writes to the shared register of recruitment agencies (audited)."""

import hashlib
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.crypto import decrypt_bytes, encrypt_bytes
from apps.core.errors import StaleEdit
from apps.core.models import AuditEntry
from apps.core.phones import normalised_phone
from apps.core.selectors import reference_codes
from apps.monitoring import risk
from apps.monitoring.models import (
    AgencyContact,
    AgencyLink,
    AgencyReport,
    JobAd,
    JobAdStatus,
    LicenceStatus,
    LicenceStatusChange,
    RecruitmentAgency,
    SourceType,
)
from apps.people.name_keys import fold
from apps.people.services import NotAllowed, require

AGENCY_FIELDS = (
    "name",
    "other_names",
    "licence_number",
    "licence_status",
    "licence_valid_until",
    "countries",
    "city",
    "address",
    "phone",
    "notes",
)

# Letters of either script, digits, and the separators licences are written with;
# at least one digit. Loose on purpose: licence formats changed over the years.
_LICENCE = re.compile(r"^[\w№#/.\- ]{2,60}$", re.UNICODE)
_TOKEN = re.compile(r"[a-z0-9]+")
# After fold(): "i" before a vowel is how я, ю, ё often come out ("Плюс" → "plius");
# dropping it lets "Жумуш Плюс" meet "Jumush Plus".
_SOFT_I = re.compile(r"i(?=[aeou])")
_SEARCH_TEXT_MAX = RecruitmentAgency._meta.get_field("search_text").max_length


def search_key(text: str) -> list[str]:
    """Tokens of a name or licence number, folded to one Latin spelling."""
    return _TOKEN.findall(_SOFT_I.sub("", fold(text or "")))


def search_text_for(name: str, other_names: str = "", licence_number: str = "") -> str:
    tokens: list[str] = []
    licence = (licence_number or "").lower()
    compact = "".join(ch for ch in licence if ch.isalnum())
    for tok in [*search_key(name), *search_key(other_names), *search_key(licence_number),
                licence, compact]:  # fmt: skip
        if tok and tok not in tokens:
            tokens.append(tok)
    return " ".join(tokens)[:_SEARCH_TEXT_MAX]


def _clean(data: dict) -> dict:
    out = {k: data[k] for k in AGENCY_FIELDS if k in data}
    for k, v in out.items():
        if isinstance(v, str):
            out[k] = " ".join(v.split()) if k != "notes" else v.strip()
    if "countries" in out:
        seen = []
        for c in out["countries"] or []:
            c = (c or "").strip().upper()
            if c and c not in seen:
                seen.append(c)
        out["countries"] = seen
    return out


def check_agency(data: dict) -> None:
    """The rules for a register entry, the same for the screens and the API."""
    errors = {}
    if not (data.get("name") or "").strip():
        errors["name"] = _("Give the agency's name.")
    licence = data.get("licence_number") or ""
    if licence and (not _LICENCE.match(licence) or not any(ch.isdigit() for ch in licence)):
        errors["licence_number"] = _(
            "A licence number has digits and may have letters, spaces, “-”, “/” or “.”."
        )
    status = data.get("licence_status") or LicenceStatus.UNKNOWN
    if status not in LicenceStatus.values:
        errors["licence_status"] = _("Unknown licence status.")
    elif status in (LicenceStatus.LICENSED, LicenceStatus.REVOKED) and not licence:
        errors["licence_number"] = _("Give the licence number of a licensed or revoked agency.")
    elif status == LicenceStatus.SUSPENDED and not licence:
        errors["licence_number"] = _("Give the licence number of a suspended agency.")
    unknown = sorted(set(data.get("countries") or []) - reference_codes("country"))
    if unknown:
        errors["countries"] = _("Unknown ISO 3166 country codes: %(codes)s") % {
            "codes": ", ".join(unknown)
        }
    if errors:
        raise ValidationError(errors)


def save_agency(*, membership, data: dict, agency: RecruitmentAgency | None = None,
                request=None) -> RecruitmentAgency:  # fmt: skip
    """Create an agency, or change the given fields of one (the rest stay as they are)."""
    require(membership, Permission.EDIT_AGENCIES)
    data = _clean(data)
    created = agency is None
    if created:
        agency = RecruitmentAgency(created_by_organization=membership.organization)
    elif not may_edit_agency(membership, agency):
        # Others add reports and comments (add_agency_report), never rewrite the entry.
        raise NotAllowed(Permission.EDIT_AGENCIES)
    before = {k: getattr(agency, k) for k in AGENCY_FIELDS}
    merged = before | data
    if not merged.get("licence_status"):
        merged["licence_status"] = LicenceStatus.UNKNOWN
    check_agency(merged)
    changed = sorted(k for k in AGENCY_FIELDS if before[k] != merged[k])
    with transaction.atomic():
        for k in AGENCY_FIELDS:
            setattr(agency, k, merged[k])
        agency.search_text = search_text_for(agency.name, agency.other_names, agency.licence_number)
        agency.updated_by = membership.user
        agency.updated_at = timezone.now()
        agency.save()
        if created or before["licence_status"] != agency.licence_status:
            LicenceStatusChange.objects.create(
                agency=agency,
                old_status="" if created else before["licence_status"],
                new_status=agency.licence_status,
                changed_at=agency.updated_at,
                changed_by=membership.user,
                organization=membership.organization,
            )
        if created or changed:
            audit.record(
                AuditEntry.Action.CREATE if created else AuditEntry.Action.CHANGE,
                user=membership.user,
                organization=membership.organization,
                target=agency,
                detail={"fields": changed},
                request=request,
            )
    return agency


def may_edit_agency(membership, agency: RecruitmentAgency) -> bool:
    """Only the organisation that entered an agency edits it (its licence status
    included); an entry of unknown origin is changed by the system operator only."""
    return (
        membership is not None
        and membership.can(Permission.EDIT_AGENCIES)
        and agency.created_by_organization_id is not None
        and agency.created_by_organization_id == membership.organization_id
    )


REPORT_MAX_LENGTH = 5000


def add_agency_report(*, membership, agency: RecruitmentAgency, body: str,
                      kind: str = AgencyReport.Kind.COMMENT, occurred_on=None,
                      request=None) -> AgencyReport:  # fmt: skip
    """Any organisation that reads the register adds a report, complaint or comment to an
    entry; a complaint may be dated by when the events happened."""
    from apps.monitoring.selectors import can_read_agencies

    if not can_read_agencies(membership):
        raise NotAllowed(Permission.EDIT_AGENCIES)
    body = (body or "").strip()
    errors = {}
    if not body:
        errors["body"] = _("Write the report or comment.")
    elif len(body) > REPORT_MAX_LENGTH:
        errors["body"] = _("At most %(n)d characters.") % {"n": REPORT_MAX_LENGTH}
    if kind not in AgencyReport.Kind.values:
        errors["kind"] = _("Choose a report, a complaint or a comment.")
    if occurred_on and occurred_on > timezone.localdate():
        errors["occurred_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = AgencyReport.objects.create(
            agency=agency,
            kind=kind,
            body=body,
            organization=membership.organization,
            author=membership.user,
            occurred_on=occurred_on or None,
        )
        audit.record(
            AuditEntry.Action.CREATE,
            user=membership.user,
            organization=membership.organization,
            target=report,
            detail={"agency": agency.pk, "kind": kind},
            request=request,
        )
    return report


CONTACT_MAX_LENGTH = 300


def _checked_contact(kind: str, value: str) -> str:
    """The contact's value with spaces tidied; ValidationError naming the fields otherwise."""
    value = " ".join((value or "").split())
    errors = {}
    if kind not in AgencyContact.Kind.values:
        errors["kind"] = _("Choose the kind of contact.")
    if not value:
        errors["value"] = _("Give the address, number or account.")
    elif len(value) > CONTACT_MAX_LENGTH:
        errors["value"] = _("At most %(n)d characters.") % {"n": CONTACT_MAX_LENGTH}
    elif kind == AgencyContact.Kind.PHONE and not normalised_phone(value):
        errors["value"] = _("This is not a phone number.")
    if errors:
        raise ValidationError(errors)
    return value


def add_agency_contact(*, membership, agency: RecruitmentAgency, kind: str, value: str,
                       official: bool = False, request=None) -> AgencyContact:  # fmt: skip
    """Add an address, phone, website or social account to an entry. Like the entry
    itself, only the organisation that entered the agency adds to it."""
    if not may_edit_agency(membership, agency):
        raise NotAllowed(Permission.EDIT_AGENCIES)
    value = _checked_contact(kind, value)
    with transaction.atomic():
        contact = AgencyContact.objects.create(
            agency=agency,
            kind=kind,
            value=value,
            official=bool(official),
            organization=membership.organization,
        )
        audit.by_member(AuditEntry.Action.CREATE, membership, contact, request,
                        {"agency": agency.pk, "kind": kind})  # fmt: skip
    return contact


def change_agency_contact(*, membership, contact: AgencyContact, kind: str, value: str,
                          official: bool = False, seen: str | None = None,
                          request=None) -> AgencyContact:  # fmt: skip
    """Correct a contact of an entry (only the organisation that entered the agency).
    `seen` is the contact as the form showed it ("kind|value|official"); if someone
    changed it since, StaleEdit is raised rather than overwriting their correction."""
    if not may_edit_agency(membership, contact.agency):
        raise NotAllowed(Permission.EDIT_AGENCIES)
    value = _checked_contact(kind, value)
    with transaction.atomic():
        current = AgencyContact.objects.select_for_update().filter(pk=contact.pk).first()
        if current is None or (seen is not None and seen != contact_fingerprint(current)):
            raise StaleEdit()
        new = {"kind": kind, "value": value, "official": bool(official)}
        changed = [k for k, v in new.items() if getattr(current, k) != v]
        for k, v in new.items():
            setattr(current, k, v)
        current.save(update_fields=["kind", "value", "official"])
        # Field names only: a contact is public-register data, but the log stays lean.
        audit.by_member(AuditEntry.Action.CHANGE, membership, current, request,
                        {"agency": current.agency_id, "fields": changed})  # fmt: skip
    return current


def contact_fingerprint(contact: AgencyContact) -> str:
    """What an edit form saw of a contact, to detect a change made meanwhile."""
    return f"{contact.kind}|{contact.value}|{int(contact.official)}"


def delete_agency_contact(*, membership, contact: AgencyContact, request=None) -> None:
    """Remove a wrong or outdated contact (only the organisation that entered the agency)."""
    if not may_edit_agency(membership, contact.agency):
        raise NotAllowed(Permission.EDIT_AGENCIES)
    with transaction.atomic():
        audit.by_member(AuditEntry.Action.DELETE, membership, contact, request,
                        {"agency": contact.agency_id, "kind": contact.kind})  # fmt: skip
        contact.delete()


def link_agency_to_case(*, membership, agency: RecruitmentAgency, case, note: str = "",
                        request=None) -> AgencyLink:  # fmt: skip
    """Tie an agency to a case of the member's organisation (seen by that organisation
    only). The case must be one the member can open."""
    from apps.cases.selectors import cases_visible_to
    from apps.monitoring.selectors import can_read_agencies

    if not can_read_agencies(membership) or not membership.can(Permission.VIEW_CASES):
        raise NotAllowed(Permission.VIEW_CASES)
    if not cases_visible_to(membership).filter(pk=getattr(case, "pk", None)).exists():
        raise ValidationError({"case": _("No such case in your organisation.")})
    if AgencyLink.objects.filter(agency=agency, case=case).exists():
        raise ValidationError({"case": _("The agency is already linked to this case.")})
    with transaction.atomic():
        link = AgencyLink.objects.create(
            agency=agency,
            organization=membership.organization,
            case=case,
            note=(note or "").strip()[:2000],
            created_by=membership.user,
        )
        audit.by_member(AuditEntry.Action.CREATE, membership, link, request,
                        {"agency": agency.pk, "case": case.pk})  # fmt: skip
    return link


# Job advertisements ----------------------------------------------------------------

MAX_ARCHIVE_BYTES = 10 * 1024 * 1024
JOB_AD_FIELDS = (
    "source_type",
    "source_name",
    "captured_on",
    "text",
    "promised_job",
    "country",
    "pay",
    "conditions",
    "phones",
    "payment_details",
    "agency",
    "red_flags",
)
TEXT_MAX_LENGTH = 20000
MAX_VALUES = 20


def _lines(values) -> list[str]:
    if isinstance(values, str):
        values = values.splitlines()
    out = []
    for v in values or []:
        v = " ".join(str(v).split())
        if v and v not in out:
            out.append(v[:100])
    return out


def check_job_ad(membership, data: dict) -> dict:
    """The rules for an advertisement, the same for the screens and the API; returns the
    cleaned values."""
    from apps.monitoring.selectors import agencies_for

    out = {k: data[k] for k in JOB_AD_FIELDS if k in data}
    errors = {}
    if out.get("source_type") not in SourceType.values:
        errors["source_type"] = _("Choose where the advertisement was seen.")
    captured = out.get("captured_on")
    if not captured:
        errors["captured_on"] = _("Give the date the advertisement was captured.")
    elif captured > timezone.localdate():
        errors["captured_on"] = _("The date cannot be in the future.")
    for k in ("source_name", "promised_job", "pay"):
        out[k] = " ".join((out.get(k) or "").split())
    for k in ("text", "conditions"):
        out[k] = (out.get(k) or "").strip()
        if len(out[k]) > TEXT_MAX_LENGTH:
            errors[k] = _("At most %(n)d characters.") % {"n": TEXT_MAX_LENGTH}
    country = (out.get("country") or "").strip().upper()
    if country and country not in reference_codes("country"):
        errors["country"] = _("Unknown ISO 3166 country code.")
    out["country"] = country
    for k in ("phones", "payment_details"):
        out[k] = _lines(out.get(k))
        if len(out[k]) > MAX_VALUES:
            errors[k] = _("At most %(n)d values.") % {"n": MAX_VALUES}
    bad_phones = [p for p in out["phones"] if not normalised_phone(p)]
    if bad_phones:
        errors["phones"] = _("Not a phone number: %(values)s") % {"values": ", ".join(bad_phones)}
    flags = list(dict.fromkeys(out.get("red_flags") or []))
    unknown = [f for f in flags if f not in risk.RED_FLAGS]
    if unknown:
        errors["red_flags"] = _("Unknown red flags: %(codes)s") % {"codes": ", ".join(unknown)}
    out["red_flags"] = flags
    agency = out.get("agency")
    if agency is not None:
        agency_id = getattr(agency, "pk", agency)
        agency = agencies_for(membership).filter(pk=agency_id).first()
        if agency is None:
            errors["agency"] = _("No such agency in the register.")
    out["agency"] = agency
    if not out["text"] and not out["promised_job"]:
        errors["text"] = _("Copy the advertisement's text or at least the promised job.")
    if errors:
        raise ValidationError(errors)
    return out


def _store_archive(job_ad: JobAd, uploaded_file) -> None:
    if uploaded_file.size > MAX_ARCHIVE_BYTES:
        raise ValidationError({"archive": _("The file is larger than 10 MB.")})
    data = uploaded_file.read()
    if len(data) > MAX_ARCHIVE_BYTES:  # the declared size may lie
        raise ValidationError({"archive": _("The file is larger than 10 MB.")})
    storage_name = "jobads-" + secrets.token_hex(20)
    path = Path(settings.MEDIA_ROOT) / storage_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encrypt_bytes(data))
    job_ad.archive_storage = storage_name
    job_ad.archive_sha256 = hashlib.sha256(data).hexdigest()
    job_ad.archive_size = len(data)
    job_ad.archive_name = (uploaded_file.name or "archive")[-200:]
    job_ad.archive_content_type = (uploaded_file.content_type or "application/octet-stream")[:120]


def save_job_ad(*, membership, data: dict, job_ad: JobAd | None = None, archive=None,
                request=None) -> JobAd:  # fmt: skip
    """Record a captured advertisement (or change one of the member's organisation):
    the red flags give its risk score and band; the archived copy is encrypted on disk
    and its SHA-256 computed here, whatever the client claims."""
    require(membership, Permission.EDIT_AGENCIES)
    from apps.monitoring import alerts

    created = job_ad is None
    if not created and job_ad.organization_id != membership.organization_id:
        raise NotAllowed(Permission.EDIT_AGENCIES)
    base = {} if created else {k: getattr(job_ad, k) for k in JOB_AD_FIELDS}
    clean = check_job_ad(membership, base | data)
    if created:
        job_ad = JobAd(organization=membership.organization, created_by=membership.user)
    changed = sorted(k for k in JOB_AD_FIELDS if base.get(k) != clean[k])
    for k, v in clean.items():
        setattr(job_ad, k, v)
    job_ad.red_flags = risk.effective_flags(clean["red_flags"], clean["agency"])
    job_ad.risk_score = risk.risk_score(job_ad.red_flags)
    job_ad.risk_band = risk.risk_band(job_ad.risk_score)
    job_ad.updated_at = timezone.now()
    if archive is not None:
        _store_archive(job_ad, archive)
        changed.append("archive")
    with transaction.atomic():
        job_ad.save()
        alerts.index_job_ad(job_ad)
        audit.by_member(
            AuditEntry.Action.CREATE if created else AuditEntry.Action.CHANGE,
            membership,
            job_ad,
            request,
            {"fields": changed, "risk": job_ad.risk_band},
        )
    return job_ad


def change_job_ad_status(*, membership, job_ad: JobAd, status: str, case=None,
                         request=None) -> JobAd:  # fmt: skip
    """Move an advertisement on: checked, reported, taken down, or linked to a case of
    the organisation (which needs a member who can open cases)."""
    require(membership, Permission.EDIT_AGENCIES)
    if job_ad.organization_id != membership.organization_id:
        raise NotAllowed(Permission.EDIT_AGENCIES)
    if status not in JobAdStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == JobAdStatus.LINKED:
        from apps.cases.selectors import cases_visible_to

        if not membership.can(Permission.VIEW_CASES):
            raise NotAllowed(Permission.VIEW_CASES)
        if case is None or not cases_visible_to(membership).filter(pk=case.pk).exists():
            raise ValidationError({"case": _("Choose a case of your organisation.")})
        job_ad.case = case
    with transaction.atomic():
        old = job_ad.status
        job_ad.status = status
        job_ad.updated_at = timezone.now()
        job_ad.save(update_fields=["status", "case", "updated_at"])
        audit.by_member(AuditEntry.Action.CHANGE, membership, job_ad, request,
                        {"status": [old, status], "case": job_ad.case_id})  # fmt: skip
    return job_ad


def read_job_ad_archive(*, membership, job_ad: JobAd, request=None) -> bytes:
    """The archived copy, decrypted for download (audited)."""
    require(membership, Permission.EDIT_AGENCIES)
    if job_ad.organization_id != membership.organization_id or not job_ad.archive_storage:
        raise NotAllowed(Permission.EDIT_AGENCIES)
    data = decrypt_bytes((Path(settings.MEDIA_ROOT) / job_ad.archive_storage).read_bytes())
    audit.by_member(AuditEntry.Action.EXPORT, membership, job_ad, request, {"archive": True})
    return data
