"""Scoped reads of prevention records: the member's organisation and RECORD_PREVENTION
decide. apps.grants reads people reached through `people_reached` and never the models."""

from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.http import Http404

from apps.accounts.roles import Permission
from apps.prevention.models import (
    AGE_UNKNOWN,
    ANY,
    AttendanceCount,
    Campaign,
    CapacityArea,
    CapacityAssessment,
    Event,
    Sex,
)
from apps.prevention.services import age_bands_of


def _can(membership) -> bool:
    return membership is not None and membership.can(Permission.RECORD_PREVENTION)


def events_visible_to(membership):
    """The organisation's events (none without RECORD_PREVENTION)."""
    if not _can(membership):
        return Event.objects.none()
    return Event.objects.filter(organization_id=membership.organization_id).select_related(
        "campaign"
    )


def campaigns_visible_to(membership):
    if not _can(membership):
        return Campaign.objects.none()
    return Campaign.objects.filter(organization_id=membership.organization_id).annotate(
        event_count=Count("events"),
        people_reached=Sum("events__total_attendance"),
        broadcast_reach=Sum("events__broadcast_reach"),
    )


def capacity_assessments_visible_to(membership):
    if not _can(membership):
        return CapacityAssessment.objects.none()
    return CapacityAssessment.objects.filter(organization_id=membership.organization_id)


def one_of(queryset, pk):
    """One row of a scoped queryset, or 404 (another organisation's record included)."""
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404


def event_for(membership, pk) -> Event:
    return one_of(events_visible_to(membership), pk)


def band_labels(organization) -> dict[str, str]:
    from django.utils.translation import gettext as _
    from django.utils.translation import override

    from apps.prevention.models import DEFAULT_AGE_BANDS

    # The default bands keep their translated label while an organisation has not renamed
    # them (the stored label is the English one).
    defaults = {code: label for code, label, _lo, _hi in DEFAULT_AGE_BANDS}
    with override("en"):
        english = {code: str(label) for code, label in defaults.items()}
    labels = {
        b.code: str(defaults[b.code]) if english.get(b.code) == b.label else b.label
        for b in age_bands_of(organization)
    }
    labels[AGE_UNKNOWN] = _("age unknown")
    return labels


def attendance_table(event: Event) -> dict:
    """The event's attendance laid out for a page: the margins by sex and by age band and,
    when known, the cross-tab."""
    bands = list(band_labels(event.organization).items())
    rows = list(event.counts.values_list("sex", "age_band", "count"))
    by_sex = {s: n for s, b, n in rows if b == ANY}
    by_age = {b: n for s, b, n in rows if s == ANY}
    cells = {(s, b): n for s, b, n in rows if s != ANY and b != ANY}
    return {
        "bands": bands,
        "sexes": list(Sex.choices),
        "by_sex": [(label, by_sex.get(code, 0)) for code, label in Sex.choices],
        "by_age": [(label, by_age.get(code, 0)) for code, label in bands],
        "cells": [
            (label, [cells.get((code, b), 0) for b, _l in bands]) for code, label in Sex.choices
        ]
        if cells
        else None,
        "total": event.total_attendance,
    }


def people_reached(events, organization) -> dict:
    """People reached at `events` (a queryset already scoped by the caller): the total
    attendance, and the same people by sex, by age band and by region. Broadcast reach is
    given apart, never added to attendance."""
    events = events.order_by()
    total = events.aggregate(n=Sum("total_attendance"))["n"] or 0
    reach = events.aggregate(n=Sum("broadcast_reach"))["n"] or 0
    margins = (
        AttendanceCount.objects.filter(event__in=events)
        .filter(Q(sex=ANY) | Q(age_band=ANY))
        .values_list("sex", "age_band")
        .annotate(n=Sum("count"))
    )
    by_sex: dict = defaultdict(int)
    by_age: dict = defaultdict(int)
    for sex, band, n in margins:
        if band == ANY:
            by_sex[sex] += n
        else:
            by_age[band] += n
    by_region: dict = defaultdict(int)
    for region, n in events.values_list("region").annotate(n=Sum("total_attendance")):
        by_region[region or "unknown"] += n or 0
    return {
        "total": total,
        "broadcast_reach": reach,
        "sex": dict(by_sex),
        "age_band": dict(by_age),
        "region": dict(by_region),
    }


def campaign_totals(membership, campaign: Campaign) -> dict:
    """The campaign's events and their attendance rolled up."""
    events = events_visible_to(membership).filter(campaign=campaign)
    return {
        "events": list(events.order_by("starts_on", "id")),
        **people_reached(events, membership.organization),
    }


def capacity_growth(membership) -> dict:
    """Scores by area and year, with each year's change from the year before."""
    rows = list(capacity_assessments_visible_to(membership).values_list("year", "area", "score"))
    years = sorted({y for y, _a, _s in rows})
    scores = {(y, a): s for y, a, s in rows}
    table = []
    for area, label in CapacityArea.choices:
        cells = []
        previous = None
        for y in years:
            score = scores.get((y, area))
            change = score - previous if score is not None and previous is not None else None
            cells.append({"score": score, "change": change})
            if score is not None:
                previous = score
        table.append({"area": area, "label": label, "cells": cells})
    averages = []
    for y in years:
        values = [scores[(y, a)] for a in CapacityArea.values if (y, a) in scores]
        averages.append(round(sum(values) / len(values), 1) if values else None)
    return {"years": years, "rows": table, "averages": averages}


def events_of_organization(organization_id: int):
    """Every event of one organisation, for figures computed on the organisation's behalf
    (a grant's indicators, a donor report run by the command). The caller has already
    decided that the reader may see this organisation's figures."""
    return Event.objects.filter(organization_id=organization_id)
