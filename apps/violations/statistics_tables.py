"""The violation tables of the national report (counting rules:
docs/statistics/monitoring-counting-rules.md, section "Violations")."""

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.statistics.counting import (
    NOT_RECORDED,
    Cells,
    code,
    local_day_bounds,
    record_keys,
)
from apps.statistics.sources import Counted, SourceTable
from apps.violations.models import Act, ActType, Event, Involvement, PerpetratorType

SECTION = ("monitoring", _("Monitoring: violations and closed institutions"))


def events_in_scope(scope):
    """The scope's organisations' events that happened in the period; an event with no
    date counts on the day it was recorded."""
    start, end = local_day_bounds(scope.date_from, scope.date_to)
    return Event.objects.filter(organization_id__in=list(scope.organization_ids)).filter(
        Q(occurred_on__gte=scope.date_from, occurred_on__lte=scope.date_to)
        | Q(occurred_on__isnull=True, created_at__gte=start, created_at__lt=end)
    )


def _top_codes(model) -> dict[int, str]:
    """Term id -> code of its top-level term (vocabularies are small)."""
    terms = {t.pk: t for t in model.objects.all()}
    out = {}
    for pk, term in terms.items():
        seen = {pk}
        while term.parent_id is not None and term.parent_id in terms and term.parent_id not in seen:
            seen.add(term.parent_id)
            term = terms[term.parent_id]
        out[pk] = term.code
    return out


def count_acts_by_type(scope) -> Counted:
    """Acts (one victim suffering one act in one event) by the top-level act type."""
    top = _top_codes(ActType)
    cells = Cells()
    rows = (
        Act.objects.filter(event__in=events_in_scope(scope).values("pk"))
        .order_by()
        .values_list("act_type_id")
        .annotate(n=Count("id"), k=record_keys(Act, "violation_act"))
    )
    for act_type_id, n, k in rows:
        cells.add((top.get(act_type_id, NOT_RECORDED),), n, k)
    return Counted(cells)


def count_involvements_by_perpetrator_type(scope) -> Counted:
    """Involvements (a person or group involved in an event) by perpetrator type."""
    codes = dict(PerpetratorType.objects.values_list("pk", "code"))
    cells = Cells()
    rows = (
        Involvement.objects.filter(event__in=events_in_scope(scope).values("pk"))
        .order_by()
        .values_list("perpetrator_type_id")
        .annotate(n=Count("id"), k=record_keys(Involvement, "violation_involvement"))
    )
    for type_id, n, k in rows:
        cells.add((codes.get(type_id, NOT_RECORDED) if type_id else NOT_RECORDED,), n, k)
    return Counted(cells)


def _acts_in_scope(scope):
    return Act.objects.filter(event__in=events_in_scope(scope).values("pk")).order_by()


def _acts_by(scope, field: str) -> Counted:
    """Acts by one value of their event (an institution's type, a region)."""
    cells = Cells()
    rows = (
        _acts_in_scope(scope)
        .values_list(field)
        .annotate(n=Count("id"), k=record_keys(Act, "violation_act"))
    )
    for value, n, k in rows:
        cells.add((code(value),), n, k)
    return Counted(cells)


def count_acts_by_institution_type(scope) -> Counted:
    """Acts by the type of the closed institution their event happened in; "unknown"
    when the event is not linked to an institution of the register."""
    return _acts_by(scope, "event__institution__kind")


def count_acts_by_region(scope) -> Counted:
    """Acts by the region their event happened in; "unknown" when none was recorded."""
    return _acts_by(scope, "event__region")


def count_acts_by_month(scope) -> Counted:
    """Acts by the month their event happened in (an undated event: the month it was
    recorded, in the local time zone)."""
    from apps.hotline.statistics import local_zone

    cells = Cells()
    acts = _acts_in_scope(scope)
    dated = (
        acts.filter(event__occurred_on__isnull=False)
        .annotate(month=TruncMonth("event__occurred_on"))
        .values_list("month")
        .annotate(n=Count("id"), k=record_keys(Act, "violation_act"))
    )
    undated = (
        acts.filter(event__occurred_on__isnull=True)
        .annotate(month=TruncMonth("event__created_at", tzinfo=local_zone()))
        .values_list("month")
        .annotate(n=Count("id"), k=record_keys(Act, "violation_act"))
    )
    for month, n, k in [*dated, *undated]:
        cells.add((f"{month.year:04d}-{month.month:02d}",), n, k)
    return Counted(cells)


def _institution_type_labels(dimension):
    from apps.institutions.models import InstitutionKind

    return {**dict(InstitutionKind.choices), NOT_RECORDED: _("not in the register")}


def _region_labels(dimension):
    from apps.core.selectors import reference_labels

    return {**reference_labels("region"), NOT_RECORDED: pgettext_lazy("region", "not recorded")}


def _month_labels(dimension):
    # Month codes (YYYY-MM) read as they are.
    return {}


def _labels(model, top_only=False):
    def labels(dimension):
        terms = model.objects.all()
        if top_only:
            terms = terms.filter(parent__isnull=True)
        return {t.code: t.label for t in terms} | {NOT_RECORDED: _("not recorded")}

    return labels


TABLES = [
    SourceTable(
        name="violations_by_act_type",
        dimensions=("act_type",),
        title=_("Violations by type of act"),
        section=SECTION,
        count=count_acts_by_type,
        labels=_labels(ActType, top_only=True),
        dimension_titles={"act_type": _("Type of act")},
        notes=(
            _(
                "Violations: one act is one victim suffering one kind of act in one "
                "event, counted by the event's date and the broadest term of its type."
            ),
        ),
    ),
    SourceTable(
        name="violations_by_perpetrator_type",
        dimensions=("perpetrator_type",),
        title=_("People and groups involved in violations, by perpetrator type"),
        section=SECTION,
        count=count_involvements_by_perpetrator_type,
        labels=_labels(PerpetratorType),
        dimension_titles={"perpetrator_type": _("Perpetrator type")},
    ),
    SourceTable(
        name="violations_by_institution_type",
        dimensions=("institution_type",),
        title=_("Violations by type of closed institution"),
        section=SECTION,
        count=count_acts_by_institution_type,
        labels=_institution_type_labels,
        dimension_titles={"institution_type": _("Type of institution")},
    ),
    SourceTable(
        name="violations_by_region",
        dimensions=("region",),
        title=_("Violations by region"),
        section=SECTION,
        count=count_acts_by_region,
        labels=_region_labels,
        dimension_titles={"region": _("Region")},
    ),
    SourceTable(
        name="violations_by_month",
        dimensions=("month",),
        title=_("Violations by month"),
        section=SECTION,
        count=count_acts_by_month,
        labels=_month_labels,
        dimension_titles={"month": _("Month")},
    ),
]
