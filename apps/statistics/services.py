"""Running the national report: every run, on screen, as a download, through the API or
on a dashboard, is written into the audit trail (the scope, never a number)."""

from apps.core import audit
from apps.core.models import AuditEntry
from apps.statistics.report import Report, ReportScope, build_report

AUDIT_TARGET = "national_statistics"


def record_report_run(membership, scope: ReportScope, *, request=None, fmt: str = "",
                      lang: str = "") -> None:  # fmt: skip
    """Write who looked at which report (a download or an API call as an export). Written
    with audit.record rather than by_member: a report has no record of its own to name."""
    audit.record(
        AuditEntry.Action.EXPORT if fmt else AuditEntry.Action.VIEW,
        user=membership.user,
        organization=membership.organization,
        target_type=AUDIT_TARGET,
        detail={
            "from": scope.date_from.isoformat(),
            "to": scope.date_to.isoformat(),
            "organizations": list(scope.organization_ids),
            "disclosure_control": scope.disclosure_control,
            **({"format": fmt, "language": lang} if fmt else {}),
        },
        request=request,
    )


def run_report(membership, scope: ReportScope, *, request=None, fmt: str = "",
               lang: str = "") -> Report:  # fmt: skip
    """Build the report for the scope and record the run."""
    report = build_report(scope)
    record_report_run(membership, scope, request=request, fmt=fmt, lang=lang)
    return report
