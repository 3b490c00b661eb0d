"""Reads of the shared agency register: look-up by name in any script or by licence number."""

from django.db.models import Prefetch, Q
from django.http import Http404

from apps.accounts.roles import Permission
from apps.monitoring.models import (
    AgencyContact,
    AgencyLink,
    AgencyReport,
    JobAd,
    LicenceStatusChange,
    RecruitmentAgency,
)
from apps.monitoring.services import search_key


def can_read_agencies(membership) -> bool:
    return membership is not None and (
        membership.can(Permission.HANDLE_CALLS) or membership.can(Permission.EDIT_AGENCIES)
    )


def agencies_for(membership, query: str = "", *, status: str = ""):
    """The register, for hotline staff and monitors. It is shared by every organisation:
    public facts about businesses, no client data."""
    if not can_read_agencies(membership):
        return RecruitmentAgency.objects.none()
    qs = RecruitmentAgency.objects.all()
    if status:
        qs = qs.filter(licence_status=status)
    query = (query or "").strip()[:200]
    if query:
        tokens = search_key(query)
        raw = query.lower()
        match = Q(licence_number__iexact=query) | Q(search_text__contains=raw)
        if tokens:
            by_name = Q()
            for tok in tokens:
                by_name &= Q(search_text__contains=tok)
            match |= by_name
        qs = qs.filter(match)
    return qs.order_by("name", "id")


def agency_for(membership, agency_id) -> RecruitmentAgency:
    try:
        return agencies_for(membership).get(pk=int(agency_id))
    except (RecruitmentAgency.DoesNotExist, ValueError, TypeError):
        raise Http404


def agency_status_history(membership, agency: RecruitmentAgency):
    """The dated licence status changes of an agency, newest first, with who made them."""
    if not can_read_agencies(membership):
        return LicenceStatusChange.objects.none()
    return agency.status_changes.select_related("changed_by", "organization").order_by(
        "-changed_at", "-id"
    )


def agency_reports(membership, agency: RecruitmentAgency):
    """Reports and comments on an agency from every organisation, newest first."""
    if not can_read_agencies(membership):
        return AgencyReport.objects.none()
    return agency.reports.select_related("author", "organization").order_by("-created_at", "-id")


def agency_contacts(membership, agency: RecruitmentAgency):
    """Every address, phone, website and account of an agency, for register readers."""
    if not can_read_agencies(membership):
        return AgencyContact.objects.none()
    return agency.contacts.order_by("kind", "id")


def agency_links(membership, agency: RecruitmentAgency):
    """The cases of the member's own organisation the agency is linked to; only for
    members who may open cases (a monitor is told how many, not which)."""
    if membership is None or not membership.can(Permission.VIEW_CASES):
        return AgencyLink.objects.none()
    return agency.links.filter(organization_id=membership.organization_id).select_related("case")


def agency_link_count(membership, agency: RecruitmentAgency) -> int:
    """How many cases of the member's organisation the agency is linked to."""
    if not can_read_agencies(membership):
        return 0
    return agency.links.filter(organization_id=membership.organization_id).count()


# Job advertisements: each belongs to the organisation that captured it.


def job_ads_for(membership, *, status: str = "", band: str = "", agency_id=None):
    """The member's organisation's advertisements, newest capture first."""
    if membership is None or not membership.can(Permission.EDIT_AGENCIES):
        return JobAd.objects.none()
    qs = JobAd.objects.filter(organization_id=membership.organization_id)
    if status:
        qs = qs.filter(status=status)
    if band:
        qs = qs.filter(risk_band=band)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    return qs.select_related("agency").order_by("-captured_on", "-id")


def job_ad_for(membership, job_ad_id) -> JobAd:
    """One advertisement of the member's organisation, or 404 (another organisation's
    ad is not disclosed)."""
    try:
        return job_ads_for(membership).get(pk=int(job_ad_id))
    except (JobAd.DoesNotExist, ValueError, TypeError):
        raise Http404


# The public check: no sign-in, licence status and official contacts only.

PUBLIC_LIMIT = 10


def public_agencies(query: str):
    """Agencies matching a name (any script) or licence number, for people about to
    migrate: at most PUBLIC_LIMIT, nothing for a query shorter than two characters.
    Callers show only the public fields (apps.monitoring.public)."""
    query = (query or "").strip()[:100]
    if len(query) < 2:
        return []
    tokens = search_key(query)
    match = Q(licence_number__iexact=query)
    if tokens:
        by_name = Q()
        for tok in tokens:
            by_name &= Q(search_text__contains=tok)
        match |= by_name
    official = Prefetch("contacts", queryset=AgencyContact.objects.filter(official=True))
    return list(
        RecruitmentAgency.objects.filter(match)
        .prefetch_related(official)
        .order_by("name", "id")[:PUBLIC_LIMIT]
    )
