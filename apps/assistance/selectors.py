"""Scoped reads of assistance records: the case's organisation and VIEW_CASES decide."""

import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import Organization
from apps.accounts.roles import Permission
from apps.assistance.models import (
    CheckIn,
    DeliveredService,
    NeedsAssessment,
    PlannedService,
    ServicePlan,
    ShelterCapacity,
    ShelterStay,
)
from apps.referrals.models import Referral

CHECK_IN_HORIZON_DAYS = 14
CENT = Decimal("0.01")


def _can_view(membership) -> bool:
    return membership is not None and membership.can(Permission.VIEW_CASES)


def _scoped(model, membership, case_path="case"):
    if not _can_view(membership):
        return model.objects.none()
    return model.objects.filter(**{f"{case_path}__organization_id": membership.organization_id})


def needs_assessments_visible_to(membership):
    return _scoped(NeedsAssessment, membership)


def service_plans_visible_to(membership):
    return _scoped(ServicePlan, membership)


def planned_services_visible_to(membership):
    return _scoped(PlannedService, membership, "plan__case")


def delivered_services_visible_to(membership):
    return _scoped(DeliveredService, membership)


def check_ins_visible_to(membership):
    return _scoped(CheckIn, membership)


def shelter_stays_visible_to(membership):
    return _scoped(ShelterStay, membership)


def one_of(queryset, pk):
    """One row of a scoped queryset, or 404."""
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404


def assistance_of_case(membership, case) -> dict:
    """Everything the case's assistance page shows."""
    delivered = list(
        delivered_services_visible_to(membership)
        .filter(case=case)
        .select_related("provider_organization")
    )
    totals = (
        delivered_services_visible_to(membership)
        .filter(case=case, amount__isnull=False)
        .values("currency")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by("currency")
    )
    plan = service_plans_visible_to(membership).filter(case=case).first()
    return {
        "assessments": {
            a.stage: a for a in needs_assessments_visible_to(membership).filter(case=case)
        },
        "plan": plan,
        "planned_services": (
            list(plan.services.select_related("provider_organization", "responsible"))
            if plan
            else []
        ),
        "delivered": delivered,
        # SQLite sums decimals without their scale; show two places everywhere.
        "totals": [{**t, "total": Decimal(t["total"]).quantize(CENT)} for t in totals],
        "check_ins": list(
            check_ins_visible_to(membership).filter(case=case).select_related("assigned_to")
        ),
        "stays": list(
            shelter_stays_visible_to(membership).filter(case=case).select_related("shelter")
        ),
    }


def my_check_ins(membership, *, within_days: int | None = None, limit: int = 100):
    """Check-ins not yet done, assigned to the member, due soonest first; with
    within_days, only those due by then (overdue ones included)."""
    qs = check_ins_visible_to(membership).filter(
        assigned_to=getattr(membership, "user", None), done_on__isnull=True
    )
    if within_days is not None:
        qs = qs.filter(due_on__lte=timezone.localdate() + datetime.timedelta(days=within_days))
    return qs.select_related("case", "case__person").order_by("due_on", "id")[:limit]


def _open_stays(shelter_ids, today):
    """The stays that hold a bed today: the one rule of occupancy."""
    return ShelterStay.objects.filter(
        shelter_id__in=shelter_ids, discharged_on__isnull=True, admitted_on__lte=today
    )


def shelter_beds(shelter_ids) -> dict[int, dict]:
    """{shelter id: {"capacity", "in_use", "free"}} for the given shelters, in two queries
    whatever their number; "capacity" and "free" are None while no capacity is set.
    Not scoped: counts only, no person (the directory shows them to every member)."""
    ids = list(shelter_ids)
    if not ids:
        return {}
    today = timezone.localdate()
    capacity = dict(
        ShelterCapacity.objects.filter(organization_id__in=ids).values_list(
            "organization_id", "beds"
        )
    )
    in_use = dict(
        _open_stays(ids, today)
        .values("shelter_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("shelter_id", "n")
    )
    out = {}
    for pk in ids:
        beds, used = capacity.get(pk), in_use.get(pk, 0)
        out[pk] = {
            "capacity": beds,
            "in_use": used,
            "free": None if beds is None else max(beds - used, 0),
        }
    return out


def shelter_occupancy(membership) -> dict | None:
    """Beds in use today against capacity, for a member of a shelter; None otherwise.
    Residents of the shelter's own cases are listed by case reference and person code
    only; stays recorded by other organisations are counted, not listed."""
    if not _can_view(membership) or membership.organization.type != Organization.Type.SHELTER:
        return None
    today = timezone.localdate()
    stays = list(
        _open_stays([membership.organization_id], today)
        .order_by("admitted_on", "id")
        .values(
            "pk",
            "case_id",
            "case__organization_id",
            "person_id",
            "admitted_on",
            "bed_label",
            "referral_id",
        )
    )
    # Residents admitted on a referral this shelter accepted: listed by the referral's
    # reference, never by the referring organisation's case reference or person code.
    # They stay listed (and counted) after a consent withdrawal until discharged.
    own = membership.organization_id
    referred = {
        s["pk"] for s in stays if s["referral_id"] is not None and s["case__organization_id"] != own
    }
    if referred:
        referrals = {
            r.pk: r
            for r in Referral.objects.filter(
                pk__in=[s["referral_id"] for s in stays if s["pk"] in referred],
                to_organization_id=own,
            )
        }
        for s in stays:
            if s["pk"] in referred and s["referral_id"] not in referrals:
                referred.discard(s["pk"])
    else:
        referrals = {}
    beds = shelter_beds([membership.organization_id])[membership.organization_id]
    return {
        "in_use": beds["in_use"],
        "capacity": beds["capacity"],
        "free": beds["free"],
        # Another organisation's case is counted as a bed in use but never listed:
        # its references belong to that organisation (sharing goes through referrals).
        "residents": [
            {**s, "referral_reference": referrals[s["referral_id"]].reference}
            if s["pk"] in referred
            else s
            for s in stays
            if s["case__organization_id"] == own or s["pk"] in referred
        ],
        "residents_elsewhere": sum(
            1 for s in stays if s["case__organization_id"] != own and s["pk"] not in referred
        ),
    }
