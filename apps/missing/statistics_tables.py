"""The missing-people table of the national report (counting rules:
docs/statistics/monitoring-counting-rules.md, section "Missing people")."""

from django.db.models import Case, CharField, Count, Value, When
from django.utils.translation import gettext_lazy as _

from apps.missing.models import AppealStatus, MissingPersonAppeal
from apps.statistics.counting import NOT_RECORDED, Cells, record_keys
from apps.statistics.sources import Counted, SourceTable

SECTION = ("missing_people", _("Missing people"))
OPEN, CLOSED = "open", "closed"


def count_appeals_by_outcome(scope) -> Counted:
    """Appeals the scope's organisations received in the period, by their outcome (the
    status of the latest follow-up) and whether they are closed, as the data stand
    when the report is made."""
    rows = (
        MissingPersonAppeal.objects.filter(
            organization_id__in=list(scope.organization_ids),
            received_on__gte=scope.date_from,
            received_on__lte=scope.date_to,
        )
        .annotate(
            state=Case(
                When(closure_reason="", then=Value(OPEN)),
                default=Value(CLOSED),
                output_field=CharField(),
            )
        )
        .order_by()
        .values_list("status", "state")
        .annotate(n=Count("id"), k=record_keys(MissingPersonAppeal, "missing_appeal"))
    )
    cells = Cells()
    for status, state, n, k in rows:
        cells.add((status or NOT_RECORDED, state), n, k)
    return Counted(cells)


def _labels(dimension: str) -> dict[str, str]:
    if dimension == "outcome":
        return {code: str(label) for code, label in AppealStatus.choices}
    if dimension == "state":
        return {OPEN: str(_("open")), CLOSED: str(_("closed"))}
    return {}


TABLES = [
    SourceTable(
        name="missing_person_appeals_by_outcome",
        dimensions=("outcome", "state"),
        title=_("Missing-person appeals by outcome"),
        section=SECTION,
        count=count_appeals_by_outcome,
        labels=_labels,
        dimension_titles={"outcome": _("Outcome"), "state": _("Open or closed")},
        domains={"outcome": list(AppealStatus.values), "state": [OPEN, CLOSED]},
    ),
]
