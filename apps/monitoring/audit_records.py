"""How the audit trail names the agency register's records."""

from django.urls import reverse

from apps.core.audit_display import register_record_kind
from apps.monitoring.models import (
    AgencyContact,
    AgencyLink,
    AgencyReport,
    JobAd,
    LicenceStatusChange,
    RecruitmentAgency,
)


def _visible(membership, ids):
    from apps.monitoring.selectors import agencies_for

    return agencies_for(membership).filter(pk__in=ids).values_list("pk", flat=True)


register_record_kind(
    "recruitmentagency",
    model=RecruitmentAgency,
    detail_keys=("agency",),
    url=lambda pk: reverse("agency_detail", args=[pk]),
    visible=_visible,
)
register_record_kind("agencyreport", model=AgencyReport)
register_record_kind("licencestatuschange", model=LicenceStatusChange)


def _job_ads_visible(membership, ids):
    from apps.monitoring.selectors import job_ads_for

    return job_ads_for(membership).filter(pk__in=ids).values_list("pk", flat=True)


register_record_kind(
    "jobad",
    model=JobAd,
    detail_keys=("job_ad",),
    url=lambda pk: reverse("job_ad_detail", args=[pk]),
    visible=_job_ads_visible,
)
register_record_kind("agencycontact", model=AgencyContact)
register_record_kind("agencylink", model=AgencyLink)
