"""Scoped reads of missing-person appeals.

An appeal and its missing person are seen by the members of the organisation who
handle appeals (monitors included, who otherwise see no people). The possible matches
with the organisation's other people and cases are shown only to members who may view
people: a monitor is told "possible match, ask a case worker", never who.
"""

from django.http import Http404

from apps.accounts.roles import Permission
from apps.missing.models import AppealMatch, MissingPersonAppeal


def may_handle(membership) -> bool:
    return membership is not None and membership.can(Permission.HANDLE_MISSING_APPEALS)


def may_see_matches(membership) -> bool:
    return may_handle(membership) and membership.can(Permission.VIEW_PEOPLE)


def appeals_for(membership, *, status: str = "", open_only: bool = False):
    """The organisation's appeals, newest first, with their missing person."""
    if not may_handle(membership):
        return MissingPersonAppeal.objects.none()
    qs = MissingPersonAppeal.objects.filter(organization_id=membership.organization_id)
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(closure_reason="")
    return qs.select_related("person", "agency").order_by("-received_on", "-id")


def appeal_for(membership, appeal_id) -> MissingPersonAppeal:
    """One appeal of the member's organisation, or 404."""
    try:
        return appeals_for(membership).get(pk=int(appeal_id))
    except (MissingPersonAppeal.DoesNotExist, ValueError, TypeError):
        raise Http404


def notes_of(membership, appeal: MissingPersonAppeal):
    if not may_handle(membership) or appeal.organization_id != membership.organization_id:
        return appeal.notes.none()
    return appeal.notes.select_related("author").order_by("-created_at", "-id")


def matches_of(membership, appeal: MissingPersonAppeal):
    """The candidates with their people and cases, for members who may view people."""
    if not may_see_matches(membership) or appeal.organization_id != membership.organization_id:
        return AppealMatch.objects.none()
    return appeal.matches.select_related("person").order_by("decision", "id")


def pending_match_count(membership, appeal: MissingPersonAppeal) -> int:
    """How many candidates wait for a decision (what a monitor is told)."""
    if not may_handle(membership) or appeal.organization_id != membership.organization_id:
        return 0
    return appeal.matches.filter(decision=AppealMatch.Decision.PENDING).count()


def match_for(membership, appeal: MissingPersonAppeal, match_id) -> AppealMatch:
    try:
        return matches_of(membership, appeal).get(pk=int(match_id))
    except (AppealMatch.DoesNotExist, ValueError, TypeError):
        raise Http404


def cases_of_matches(membership, matches) -> dict[int, list]:
    """person id → that person's cases, for the match list (same scoping as the cases)."""
    from apps.cases.selectors import cases_visible_to

    ids = [m.person_id for m in matches]
    out: dict[int, list] = {}
    for case in cases_visible_to(membership).filter(person_id__in=ids).order_by("-opened_on"):
        out.setdefault(case.person_id, []).append(case)
    return out
