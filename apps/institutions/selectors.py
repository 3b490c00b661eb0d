"""Scoped reads of the institution register, visits and recommendations: the member's
organisation's records, for members who document violations."""

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from apps.accounts.roles import Permission
from apps.institutions.models import (
    UNIMPLEMENTED,
    ChecklistQuestion,
    Institution,
    Interview,
    Recommendation,
    Visit,
)


def _documents(membership) -> bool:
    return membership is not None and membership.can(Permission.DOCUMENT_VIOLATIONS)


def institutions_visible_to(membership):
    if not _documents(membership):
        return Institution.objects.none()
    return Institution.objects.filter(organization_id=membership.organization_id)


def visits_visible_to(membership):
    if not _documents(membership):
        return Visit.objects.none()
    return Visit.objects.filter(institution__organization_id=membership.organization_id)


def recommendations_visible_to(membership):
    if not _documents(membership):
        return Recommendation.objects.none()
    return Recommendation.objects.filter(organization_id=membership.organization_id)


def interviewed_people_ids(membership):
    """Ids of the people interviewed on the organisation's visits (a subquery)."""
    return Interview.objects.filter(visit__in=visits_visible_to(membership).values("pk")).values(
        "person_id"
    )


def one_of(queryset, pk):
    """One row of a scoped queryset, or 404."""
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404


def checklist_for(membership, visit: Visit) -> list[ChecklistQuestion]:
    """The organisation's active questions for the visit's type, each with `answer`."""
    answers = {a.question_id: a.value for a in visit.answers.all()}
    questions = list(
        ChecklistQuestion.objects.filter(
            organization_id=membership.organization_id, active=True
        ).filter(Q(visit_kind="") | Q(visit_kind=visit.kind))
    )
    for q in questions:
        q.answer = answers.get(q.pk, "")
    return questions


def visit_detail(membership, visit: Visit) -> dict:
    interviews = list(visit.interviews.select_related("person"))
    return {
        "visit": visit,
        "observations": list(visit.observations.all()),
        "interviews": interviews,
        "recommendations": list(
            recommendations_visible_to(membership).filter(visit=visit).prefetch_related("updates")
        ),
        "checklist": checklist_for(membership, visit),
        "people": [i.person for i in interviews],
    }


def repeated_unimplemented(membership):
    """The latest recommendation of each chain of repeats that is still not implemented
    (it repeats an earlier one and nothing repeats it yet), with `chain_length` (how many
    times it has been made), most often made first: what the authorities keep ignoring."""
    qs = (
        recommendations_visible_to(membership)
        .filter(status__in=UNIMPLEMENTED, repeats__isnull=False, repeated_by__isnull=True)
        .select_related("institution", "repeats")
    )
    today = timezone.localdate()
    rows = []
    for rec in qs.order_by("deadline", "id"):
        chain, seen, earlier = 1, {rec.pk}, rec.repeats
        while earlier is not None and earlier.pk not in seen:
            seen.add(earlier.pk)
            chain += 1
            earlier = earlier.repeats
        rec.chain_length = chain
        rec.overdue = rec.deadline is not None and rec.deadline < today
        rows.append(rec)
    rows.sort(key=lambda r: -r.chain_length)
    return rows
