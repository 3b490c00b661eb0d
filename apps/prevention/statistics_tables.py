"""Prevention's tables in the national report (contract: apps.statistics.sources).
Counting rules: docs/statistics/prevention-counting-rules.md."""

from django.db.models import Count, Exists, OuterRef, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.prevention.models import (
    AGE_UNKNOWN,
    ANY,
    DEFAULT_AGE_BANDS,
    AgeBand,
    AttendanceCount,
    Event,
    EventType,
    Sex,
)
from apps.statistics.counting import Cells, code, record_keys
from apps.statistics.sources import Counted, SourceTable

SECTION = ("prevention", _("Prevention"))
EVENT_KIND = "prevention_event"
ATTENDANCE_KIND = "prevention_attendance"


def _events(scope):
    """Events of the scope's organisations that began in the period."""
    return Event.objects.filter(
        organization_id__in=list(scope.organization_ids),
        starts_on__gte=scope.date_from,
        starts_on__lte=scope.date_to,
    ).order_by()


def count_events_by_type(scope) -> Counted:
    cells = Cells()
    for event_type, n, k in (
        _events(scope)
        .values_list("event_type")
        .annotate(n=Count("id"), k=record_keys(Event, EVENT_KIND))
    ):
        cells.add((code(event_type),), n, k)
    return Counted(cells)


def count_people_by_sex_age(scope) -> Counted:
    """People at the events by sex and age band: the cross-tab where the organiser
    counted it; where only totals by sex were counted, those people are under "age
    unknown" (their ages are in the events' own age breakdown, not here)."""
    events = _events(scope)
    in_scope = AttendanceCount.objects.filter(event__in=events).order_by()
    crossed = (
        AttendanceCount.objects.filter(event=OuterRef("event"))
        .exclude(sex=ANY)
        .exclude(age_band=ANY)
    )
    cells = Cells()
    keys = record_keys(AttendanceCount, ATTENDANCE_KIND)
    rows = (
        in_scope.exclude(sex=ANY)
        .exclude(age_band=ANY)
        .values_list("sex", "age_band")
        .annotate(n=Sum("count"), k=keys)
    )
    for sex, band, n, k in rows:
        cells.add((sex, band), n or 0, k)
    only_sex = (
        in_scope.filter(age_band=ANY)
        .exclude(sex=ANY)
        .filter(~Exists(crossed))
        .values_list("sex")
        .annotate(n=Sum("count"), k=keys)
    )
    for sex, n, k in only_sex:
        cells.add((sex, AGE_UNKNOWN), n or 0, k)
    # Events without any breakdown: all their people are of unknown sex and age.
    broken_down = AttendanceCount.objects.filter(event=OuterRef("pk"))
    bare = events.filter(~Exists(broken_down)).aggregate(
        n=Sum("total_attendance"), k=record_keys(Event, EVENT_KIND)
    )
    if bare["n"]:
        cells.add((Sex.UNKNOWN, AGE_UNKNOWN), bare["n"], bare["k"])
    return Counted(cells)


def count_people_by_region(scope) -> Counted:
    cells = Cells()
    for region, n, k in (
        _events(scope)
        .values_list("region")
        .annotate(n=Sum("total_attendance"), k=record_keys(Event, EVENT_KIND))
    ):
        if n:
            cells.add((code(region),), n, k)
    return Counted(cells)


def _labels(dimension: str) -> dict:
    if dimension == "event_type":
        return dict(EventType.choices)
    if dimension == "sex":
        return dict(Sex.choices)
    if dimension == "age_band":
        labels = {c: label for c, label, _lo, _hi in DEFAULT_AGE_BANDS}
        for c, label in AgeBand.objects.values_list("code", "label"):
            labels.setdefault(c, label)
        labels[AGE_UNKNOWN] = pgettext_lazy("age band", "age unknown")
        return labels
    if dimension == "region":
        from apps.core.selectors import reference_labels

        return {**reference_labels("region"), "unknown": pgettext_lazy("region", "not recorded")}
    return {}


PEOPLE_NOTE = _(
    "People reached are the attendance counted at prevention events that began in the "
    "period; a person at two events counts twice (except within one training's "
    "sessions, where named participants count once). Broadcast reach is not included. "
    "Like the counts of records, these sums carry a small noise drawn from the events "
    "behind each cell, and small cells are suppressed."
)

TABLES = [
    SourceTable(
        name="prevention_events_by_type",
        dimensions=("event_type",),
        title=_("Prevention events by type"),
        section=SECTION,
        count=count_events_by_type,
        labels=_labels,
        dimension_titles={"event_type": _("Type of event")},
        domains={"event_type": list(EventType.values)},
    ),
    SourceTable(
        name="people_reached_by_sex_age",
        dimensions=("sex", "age_band"),
        title=_("People reached by prevention events, by sex and age band"),
        section=SECTION,
        count=count_people_by_sex_age,
        labels=_labels,
        dimension_titles={"sex": _("Sex"), "age_band": _("Age band")},
        domains={
            "sex": list(Sex.values),
            "age_band": [c for c, _l, _lo, _hi in DEFAULT_AGE_BANDS] + [AGE_UNKNOWN],
        },
        notes=(PEOPLE_NOTE,),
    ),
    SourceTable(
        name="people_reached_by_region",
        dimensions=("region",),
        title=_("People reached by prevention events, by region"),
        section=SECTION,
        count=count_people_by_region,
        labels=_labels,
        dimension_titles={"region": _("Region")},
    ),
]
