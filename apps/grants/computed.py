"""Values of computed indicators for a grant and a period.

"People reached" sums the attendance of the events linked to the grant that began in the
period (apps.prevention.selectors). Victims assisted, calls answered and cases opened are
counted for the grant's organisation by the national statistics' counting rules
(apps.statistics.counting), exactly: the figures stay inside the organisation, so no
disclosure control applies. Each value comes with its disaggregation: {dimension:
{code: n}}."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count

from apps.grants.models import DataSource

CONSULTATION_DATE_FIELDS = ("given_on", "held_on", "consulted_on", "date", "occurred_on")


@dataclass
class Value:
    value: Decimal | None
    breakdown: dict = field(default_factory=dict)
    available: bool = True


def consultation_model():
    """apps.legal's consultation model when it exists and can be counted by organisation
    and day; None otherwise (apps.legal is built separately)."""
    try:
        model = apps.get_model("legal", "Consultation")
    except LookupError:
        return None
    try:
        model._meta.get_field("organization")
    except FieldDoesNotExist:
        return None
    for name in CONSULTATION_DATE_FIELDS:
        try:
            model._meta.get_field(name)
            return model
        except FieldDoesNotExist:
            continue
    return None


def _date_field(model) -> str:
    for name in CONSULTATION_DATE_FIELDS:
        try:
            model._meta.get_field(name)
            return name
        except FieldDoesNotExist:
            continue
    raise LookupError


def people_reached(grant, period_from, period_to) -> Value:
    from apps.prevention.selectors import events_of_organization, people_reached

    events = events_of_organization(grant.organization_id).filter(
        grant_links__grant=grant, starts_on__gte=period_from, starts_on__lte=period_to
    )
    reached = people_reached(events, grant.organization)
    return Value(
        Decimal(reached["total"]),
        {d: reached[d] for d in ("sex", "age_band", "region")},
    )


def victims_assisted(grant, period_from, period_to) -> Value:
    from apps.statistics import counting

    cells = counting.assisted_counts([grant.organization_id], period_from, period_to)
    by_sex: dict = defaultdict(int)
    by_age: dict = defaultdict(int)
    for (sex, age_group), n in cells.items():
        by_sex[sex] += n
        by_age[age_group] += n
    return Value(Decimal(sum(cells.values())), {"sex": dict(by_sex), "age_band": dict(by_age)})


def calls_answered(grant, period_from, period_to) -> Value:
    from apps.statistics import counting

    counts = counting.call_counts([grant.organization_id], period_from, period_to)
    by_region = {k[0]: n for k, n in counts["by_region"].items()}
    return Value(Decimal(counts["total"]), {"region": by_region})


def cases_opened(grant, period_from, period_to) -> Value:
    from apps.statistics import counting

    counts = counting.case_counts([grant.organization_id], period_from, period_to)
    return Value(Decimal(sum(counts["opened_by_type"].values())))


def consultations_given(grant, period_from, period_to) -> Value:
    model = consultation_model()
    if model is None:
        return Value(None, available=False)
    day = _date_field(model)
    rows = model.objects.filter(
        organization_id=grant.organization_id,
        **{f"{day}__gte": period_from, f"{day}__lte": period_to},
    ).order_by()
    breakdown = {}
    for dim in ("sex", "region"):
        try:
            model._meta.get_field(dim)
        except FieldDoesNotExist:
            continue
        cells: dict = defaultdict(int)
        for v, n in rows.values_list(dim).annotate(n=Count("id")):
            cells[v or ("U" if dim == "sex" else "unknown")] += n
        breakdown[dim] = dict(cells)
    return Value(Decimal(rows.count()), breakdown)


COMPUTE = {
    DataSource.PEOPLE_REACHED: people_reached,
    DataSource.VICTIMS_ASSISTED: victims_assisted,
    DataSource.CALLS_ANSWERED: calls_answered,
    DataSource.CASES_OPENED: cases_opened,
    DataSource.CONSULTATIONS: consultations_given,
}


def compute(indicator, grant, period_from, period_to) -> Value:
    """The indicator's value for the grant and period; only the dimensions the indicator
    is disaggregated by are kept."""
    value = COMPUTE[indicator.source](grant, period_from, period_to)
    value.breakdown = {
        d: cells for d, cells in value.breakdown.items() if d in (indicator.disaggregation or [])
    }
    return value
