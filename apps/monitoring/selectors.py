"""Reads of the shared agency register: look-up by name in any script or by licence number."""

from django.db.models import Q
from django.http import Http404

from apps.accounts.roles import Permission
from apps.monitoring.models import AgencyReport, LicenceStatusChange, RecruitmentAgency
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
