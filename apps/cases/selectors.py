"""Scoped reads of cases, notes, tasks, attachments and consents."""

from django.http import Http404

from apps.accounts.roles import Permission
from apps.cases.models import Case, CaseStatus, Consent, Task


def cases_visible_to(membership):
    """Cases of the member's organisation, for roles that work with clients."""
    if membership is None or not membership.can(Permission.VIEW_CASES):
        return Case.objects.none()
    return Case.objects.filter(organization_id=membership.organization_id)


def case_for(membership, case_id) -> Case:
    """One visible case with its person, or 404."""
    try:
        return (
            cases_visible_to(membership)
            .select_related("person", "assigned_to")
            .get(pk=int(case_id))
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404


def cases_of_person(membership, person):
    return cases_visible_to(membership).filter(person=person).order_by("-opened_on", "-id")


def notes_of_case(membership, case):
    """Case notes, only for roles allowed to read them."""
    if not membership.can(Permission.VIEW_CASE_NOTES):
        return case.notes.none()
    return case.notes.select_related("author")


def my_open_cases(membership, *, limit: int = 20):
    """Cases assigned to the member that are not closed, most recent first."""
    return (
        cases_visible_to(membership)
        .filter(assigned_to=getattr(membership, "user", None))
        .exclude(status=CaseStatus.CLOSED)
        .select_related("person")
        .order_by("-opened_on", "-id")[:limit]
    )


def my_open_tasks(membership, *, limit: int = 50):
    """Open tasks assigned to the member on visible cases, soonest due first."""
    if membership is None or not membership.can(Permission.VIEW_CASES):
        return Task.objects.none()
    return (
        Task.objects.filter(
            case__organization_id=membership.organization_id,
            assigned_to=membership.user,
            done_at__isnull=True,
        )
        .select_related("case", "case__person")
        .order_by("due_on", "id")[:limit]
    )


def consents_of_person(membership, person):
    if membership is None or not membership.can(Permission.VIEW_PEOPLE):
        return Consent.objects.none()
    return Consent.objects.filter(
        person=person, person__organization_id=membership.organization_id
    ).select_related("recorded_by")


# Columns the case list page does not show. Each person's encrypted fields would
# otherwise be decrypted for every row and each JSON list parsed: a fifth of the time
# to build a page's rows in the benchmark, more for records with more encrypted
# fields filled in (bench/RESULTS.md).
# What the case list shows: plain values, no model instances (bench/RESULTS.md).
LIST_COLUMNS = (
    "pk",
    "case_type",
    "status",
    "opened_on",
    "person_id",
    "person__family_name",
    "person__given_name",
    "person__patronymic",
    "person__hide_name",
    "assigned_to__email",
)


def case_list(membership, *, status: str = "", case_type: str = "", assigned: str = ""):
    """Rows (dicts of LIST_COLUMNS) of the organisation's case list, newest first,
    with the filters of the case list page. Names arrive decrypted."""
    qs = cases_visible_to(membership)
    if status:
        qs = qs.filter(status=status)
    if case_type:
        qs = qs.filter(case_type=case_type)
    if assigned == "me":
        qs = qs.filter(assigned_to=membership.user)
    return qs.order_by("-opened_on", "-id").values(*LIST_COLUMNS)
