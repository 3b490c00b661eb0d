"""The monitoring tables of the national report (counting rules:
docs/statistics/monitoring-counting-rules.md, section "Agencies and job ads")."""

from datetime import datetime, time

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.monitoring.models import (
    AgencyReport,
    JobAd,
    LicenceStatus,
    LicenceStatusChange,
    RecruitmentAgency,
    RiskBand,
)
from apps.statistics.counting import NOT_RECORDED, Cells, record_key, record_keys
from apps.statistics.sources import Counted, SourceTable

SECTION = ("monitoring", _("Recruitment agencies and job advertisements"))
WITH_COMPLAINTS, WITHOUT_COMPLAINTS = "with_complaints", "without_complaints"


def _end_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def count_agencies_by_licence_status(scope) -> Counted:
    """Agencies entered by the scope's organisations by their licence status at the end
    of the period (the last dated change up to then), and whether any organisation
    filed a complaint about them up to then. The register is a stock: an agency entered
    before the period counts."""
    end = _end_of(scope.date_to)
    agencies = dict(
        RecruitmentAgency.objects.filter(
            created_by_organization_id__in=list(scope.organization_ids)
        )
        .annotate(rk=record_key(RecruitmentAgency, "agency"))
        .values_list("id", "rk")
    )
    status_at_end: dict[int, str] = {}
    changes = (
        LicenceStatusChange.objects.filter(agency_id__in=list(agencies), changed_at__lte=end)
        .order_by("agency_id", "changed_at", "id")
        .values_list("agency_id", "new_status")
    )
    for agency_id, status in changes:
        status_at_end[agency_id] = status  # the latest wins
    complained = set(
        AgencyReport.objects.filter(
            agency_id__in=list(agencies), kind=AgencyReport.Kind.COMPLAINT, created_at__lte=end
        ).values_list("agency_id", flat=True)
    )
    cells = Cells()
    for agency_id, status in status_at_end.items():
        flag = WITH_COMPLAINTS if agency_id in complained else WITHOUT_COMPLAINTS
        cells.add((status or NOT_RECORDED, flag), 1, agencies[agency_id])
    return Counted(cells)


def count_job_ads_by_risk_band(scope) -> Counted:
    """Advertisements the scope's organisations captured in the period, by risk band."""
    rows = (
        JobAd.objects.filter(
            organization_id__in=list(scope.organization_ids),
            captured_on__gte=scope.date_from,
            captured_on__lte=scope.date_to,
        )
        .order_by()
        .values_list("risk_band")
        .annotate(n=Count("id"), k=record_keys(JobAd, "job_ad"))
    )
    cells = Cells()
    for band, n, k in rows:
        cells.add((band or NOT_RECORDED,), n, k)
    return Counted(cells)


def _labels(dimension: str) -> dict[str, str]:
    if dimension == "licence_status":
        return {code: str(label) for code, label in LicenceStatus.choices}
    if dimension == "complaints":
        return {
            WITH_COMPLAINTS: str(_("with complaints")),
            WITHOUT_COMPLAINTS: str(_("without complaints")),
        }
    if dimension == "risk_band":
        return {code: str(label) for code, label in RiskBand.choices}
    return {}


TABLES = [
    SourceTable(
        name="agencies_by_licence_status",
        dimensions=("licence_status", "complaints"),
        title=_("Recruitment agencies by licence status and complaints"),
        section=SECTION,
        count=count_agencies_by_licence_status,
        labels=_labels,
        dimension_titles={
            "licence_status": _("Licence status"),
            "complaints": pgettext_lazy("statistics", "Complaints"),
        },
        domains={
            "licence_status": list(LicenceStatus.values),
            "complaints": [WITH_COMPLAINTS, WITHOUT_COMPLAINTS],
        },
    ),
    SourceTable(
        name="job_ads_by_risk_band",
        dimensions=("risk_band",),
        title=_("Job advertisements by risk band"),
        section=SECTION,
        count=count_job_ads_by_risk_band,
        labels=_labels,
        dimension_titles={"risk_band": _("Risk band")},
        domains={"risk_band": list(RiskBand.values)},
    ),
]
