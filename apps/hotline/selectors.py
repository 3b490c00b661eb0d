"""Scoped reads of hotline calls, the operator queue and prepared answers."""

from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Q, Value, When
from django.http import Http404
from django.utils import timezone

from apps.accounts.roles import Permission
from apps.core.phones import phone_keys
from apps.hotline.models import URGENCY_RANK, Answer, Call, ContactPerson


def calls_visible_to(membership):
    """Logged calls of the member's organisation, and the member's own drafts, for roles
    that handle calls. Another operator's draft is half-typed and unreviewed: it stays
    with its operator until an organisation admin takes it over (`draft_to_take_over`)."""
    if membership is None or not membership.can(Permission.HANDLE_CALLS):
        return Call.objects.none()
    return Call.objects.filter(organization_id=membership.organization_id).filter(
        Q(is_draft=False) | Q(operator_id=membership.user_id)
    )


def _may_take_over_drafts(membership) -> bool:
    return (
        membership is not None
        and membership.can(Permission.HANDLE_CALLS)
        and membership.can(Permission.MANAGE_ORGANIZATION)
    )


def drafts_of_others(membership):
    """Other operators' unfinished intakes, for an organisation admin who may take one
    over (e.g. when an operator left in the middle of a call); nobody else sees them."""
    if not _may_take_over_drafts(membership):
        return Call.objects.none()
    return (
        Call.objects.filter(organization_id=membership.organization_id, is_draft=True)
        .exclude(operator_id=membership.user_id)
        .select_related("operator")
        .order_by("-updated_at")
    )


def draft_to_take_over(membership, call_id) -> Call:
    """One of `drafts_of_others`, or 404."""
    try:
        return drafts_of_others(membership).get(pk=int(call_id))
    except (Call.DoesNotExist, ValueError, TypeError):
        raise Http404


def call_for(membership, call_id) -> Call:
    try:
        return (
            calls_visible_to(membership)
            .select_related("person", "case", "operator")
            .get(pk=int(call_id))
        )
    except (Call.DoesNotExist, ValueError, TypeError):
        raise Http404


def _urgency_order():
    return SqlCase(
        *[When(urgency=u, then=Value(rank)) for u, rank in URGENCY_RANK.items()],
        output_field=IntegerField(),
    )


def operator_queue(membership):
    """Follow-ups due today or overdue, emergencies first, then the oldest due date."""
    today = timezone.localdate()
    return (
        calls_visible_to(membership)
        .filter(is_draft=False, follow_up_due__lte=today, follow_up_done_at__isnull=True)
        .annotate(urgency_rank=_urgency_order())
        .order_by("urgency_rank", "follow_up_due", "started_at")
        .select_related("person", "case")
    )


def drafts_of(membership):
    """The member's own unfinished intakes (kept across closed tabs and dropped networks)."""
    return (
        calls_visible_to(membership)
        .filter(is_draft=True, operator=membership.user)
        .order_by("-updated_at")
    )


def recent_calls(membership, *, limit: int = 50):
    return (
        calls_visible_to(membership)
        .filter(is_draft=False)
        .select_related("operator", "person", "case")
        .order_by("-started_at", "-id")[:limit]
    )


def earlier_calls_from(membership, phone: str, *, exclude_call_id=None, limit: int = 10):
    """Logged calls of the member's organisation from the same phone number, newest
    first, found through the blind index (numbers typed in any form match). Empty for
    no usable number. The caller audits the look-up."""
    # Every index key held: a rotation re-keys calls in batches (decision 0038).
    keys = phone_keys(membership.organization_id, phone) if membership is not None else []
    if not keys:
        return Call.objects.none()
    qs = calls_visible_to(membership).filter(is_draft=False, caller_phone_key__in=keys)
    if exclude_call_id:
        qs = qs.exclude(pk=exclude_call_id)
    return qs.select_related("case").order_by("-started_at", "-id")[:limit]


def call_facts_of_case(membership, case) -> dict:
    """What the hotline knows about a case the member already sees: the calls it was
    opened from or linked to, the agencies checked during them and the contact persons
    recorded (names and phones decrypted: the caller audits showing them). Nothing for
    roles that do not see cases or for another organisation's case."""
    empty = {"calls": [], "agencies": [], "contact_persons": []}
    if (
        membership is None
        or not membership.can(Permission.VIEW_CASES)
        or case.organization_id != membership.organization_id
    ):
        return empty
    calls = list(
        Call.objects.filter(case=case, is_draft=False)
        .select_related("agency")
        .order_by("started_at", "id")
    )
    agencies = []
    for call in calls:
        if call.agency is not None and call.agency not in agencies:
            agencies.append(call.agency)
    contacts = list(
        ContactPerson.objects.filter(case=case, organization_id=membership.organization_id)
        .select_related("call")
        .order_by("id")
    )
    return {"calls": calls, "agencies": agencies, "contact_persons": contacts}


def answers_visible_to(membership, *, query: str = "", topic: str = "", country: str = ""):
    """Prepared answers of the organisation and those shared with the whole network."""
    if membership is None or not membership.can(Permission.HANDLE_CALLS):
        return Answer.objects.none()
    qs = Answer.objects.filter(
        Q(organization__isnull=True) | Q(organization_id=membership.organization_id)
    )
    if topic:
        qs = qs.filter(topic=topic)
    if country:
        qs = qs.filter(country=country.upper())
    if query:
        words = [w for w in query.split() if w]
        for w in words:
            qs = qs.filter(
                Q(title_en__icontains=w) | Q(title_ru__icontains=w) | Q(title_ky__icontains=w)
                | Q(body_en__icontains=w) | Q(body_ru__icontains=w) | Q(body_ky__icontains=w)
            )  # fmt: skip
    return qs
