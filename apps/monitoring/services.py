"""Writes to the shared register of recruitment agencies (audited)."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.models import AuditEntry
from apps.core.selectors import reference_codes
from apps.monitoring.models import (
    AgencyReport,
    LicenceStatus,
    LicenceStatusChange,
    RecruitmentAgency,
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
                      kind: str = AgencyReport.Kind.COMMENT, request=None) -> AgencyReport:  # fmt: skip
    """Any organisation that reads the register adds a report or comment to an entry."""
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
        errors["kind"] = _("Choose a report or a comment.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = AgencyReport.objects.create(
            agency=agency,
            kind=kind,
            body=body,
            organization=membership.organization,
            author=membership.user,
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
