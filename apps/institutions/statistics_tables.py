"""The closed-institution tables of the national report (counting rules:
docs/statistics/monitoring-counting-rules.md, section "Closed institutions")."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from apps.institutions.models import Access, Recommendation, RecommendationStatus, Visit
from apps.statistics.counting import Cells, code, record_keys
from apps.statistics.sources import Counted, SourceTable

SECTION = ("monitoring", _("Monitoring: violations and closed institutions"))


def count_visits_by_access(scope) -> Counted:
    """Visits made in the period to the organisations' registered institutions, by access."""
    cells = Cells()
    rows = (
        Visit.objects.filter(
            institution__organization_id__in=list(scope.organization_ids),
            visited_on__gte=scope.date_from,
            visited_on__lte=scope.date_to,
        )
        .order_by()
        .values_list("access")
        .annotate(n=Count("id"), k=record_keys(Visit, "visit"))
    )
    for access, n, k in rows:
        cells.add((code(access),), n, k)
    return Counted(cells)


def count_recommendations_by_status(scope) -> Counted:
    """Recommendations made in the period, by their follow-up status today."""
    cells = Cells()
    rows = (
        Recommendation.objects.filter(
            organization_id__in=list(scope.organization_ids),
            made_on__gte=scope.date_from,
            made_on__lte=scope.date_to,
        )
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"), k=record_keys(Recommendation, "recommendation"))
    )
    for status, n, k in rows:
        cells.add((code(status),), n, k)
    return Counted(cells)


TABLES = [
    SourceTable(
        name="visits_by_access",
        dimensions=("access",),
        title=_("Monitoring visits by access granted"),
        section=SECTION,
        count=count_visits_by_access,
        labels=lambda dimension: dict(Access.choices),
        dimension_titles={"access": _("Access")},
        domains={"access": list(Access.values)},
        notes=(
            _(
                "Closed institutions: visits are counted by the day of the visit; "
                "recommendations by the day they were made, under their status today."
            ),
        ),
    ),
    SourceTable(
        name="recommendations_by_status",
        dimensions=("recommendation_status",),
        title=_("Recommendations by response status"),
        section=SECTION,
        count=count_recommendations_by_status,
        labels=lambda dimension: dict(RecommendationStatus.choices),
        dimension_titles={"recommendation_status": _("Response status")},
        domains={"recommendation_status": list(RecommendationStatus.values)},
    ),
]
