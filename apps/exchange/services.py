"""Every write of case exchange: exporting a referral's case (audited) and importing an
HTCDS file (all cases or none, audited once).

An import is two steps, like the register import: `plan_import()` checks the whole file
and writes nothing; `apply_import()` writes a clean plan in one transaction through the
people and cases services, so names are encrypted and indexed and every record is audited.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.roles import Permission
from apps.cases.services import add_case_note, open_case
from apps.core import audit
from apps.core.models import AuditEntry
from apps.exchange import files, htcds, selectors
from apps.people.register_import import ImportReport
from apps.people.services import create_person, require


class ExportRefused(ValidationError):
    """The referral's data may not leave now (consent, status); the message says why."""


@dataclass
class Export:
    body: bytes
    content_type: str
    filename: str
    record: htcds.ExportRecord


def htcds_record(referral) -> htcds.ExportRecord:
    """The HTCDS record of a referral's case, consented fields only (no audit: for the
    preview page, which shows field names, never values)."""
    return htcds.export_record(referral, selectors.shared_data(referral))


def export_referral(*, membership, referral, fmt: str, request=None) -> Export:
    """The referral's case as an HTCDS file (json, csv or xlsx), audited as an export.

    Raises ExportRefused while the consent is not in force or the referral is closed.
    `referral` must come from selectors.referral_for_export (the sender's scope);
    `membership` may be the command line's stand-in with no user."""
    if fmt not in files.FORMATS:
        raise ValueError(fmt)
    refusal = selectors.export_refusal(referral)
    if refusal:
        raise ExportRefused(refusal)
    record = htcds_record(referral)
    body = files.WRITERS[fmt]([record.values])
    audit.record(
        AuditEntry.Action.EXPORT,
        user=getattr(membership, "user", None),
        organization=referral.from_organization,
        target=referral,
        detail={
            "format": f"htcds-{fmt}",
            "htcds_fields": list(record.values),
            "left_out": [name for name, _reason in record.left_out],
        },
        request=request,
    )
    return Export(
        body=body,
        content_type=files.CONTENT_TYPES[fmt],
        filename=f"{referral.reference}-htcds.{fmt}",
        record=record,
    )


# --------------------------------------------------------------------------- import


@dataclass
class ImportPlan:
    organization_id: int
    format: str
    rows: list[htcds.PlannedCase]
    report: ImportReport
    # HTCDS fields the file fills that Koldoo has no place for → number of records.
    left_out: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.report.ok


def plan_import(organization, data: bytes, filename: str) -> ImportPlan:
    """Read and check a whole HTCDS file (JSON, CSV or XLSX) without writing anything.

    Every problem is in the report with its row, HTCDS field, value and reason (in the
    active language); the counts say what importing would create."""
    fmt = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    records, report = files.read_records(data, filename)
    organization_id = getattr(organization, "pk", organization)
    report.rows = len(records)
    # Records come back only when the file could be read; an unknown field in one JSON
    # object is already in the report and the rest is still checked, to list everything.
    checker = htcds.RecordChecker(report)
    planned = [p for p in (checker.check(row, record) for row, record in records) if p]
    if not report.ok:
        return ImportPlan(organization_id, fmt, [], report, checker.left_out)
    report.people_created = report.cases_created = len(planned)
    report.notes_added = sum(1 for p in planned if p.note)
    return ImportPlan(organization_id, fmt, planned, report, checker.left_out)


def apply_import(membership, plan: ImportPlan, *, request=None) -> ImportReport:
    """Write a clean plan in one transaction: each record becomes a new person with one
    new trafficking case (and a case note for the referral details). One "import" audit
    entry with the counts, besides the entries of each person and case created.

    Raises NotAllowed without the import permission, ValueError for a plan with errors
    or of another organisation."""
    require(membership, Permission.IMPORT_REGISTER)
    if not plan.ok:
        raise ValueError("An HTCDS file with errors cannot be imported.")
    if plan.organization_id != membership.organization.pk:
        raise ValueError("The plan was made for another organisation.")
    with transaction.atomic():
        for planned in plan.rows:
            person = create_person(membership=membership, data=planned.person, request=request)
            case = open_case(
                membership=membership, person=person, data=planned.case, request=request
            )
            if planned.note:
                add_case_note(membership=membership, case=case, body=planned.note, request=request)
        audit.record(
            AuditEntry.Action.IMPORT,
            user=getattr(membership, "user", None),
            organization=membership.organization,
            target_type="case",
            detail={**plan.report.counts(), "format": f"htcds-{plan.format}"},
            request=request,
        )
    return plan.report


def import_htcds(membership, data: bytes, filename: str, *, dry_run=False, request=None):
    """Check a file and, when it is clean and this is not a dry run, import it."""
    require(membership, Permission.IMPORT_REGISTER)
    plan = plan_import(membership.organization, data, filename)
    if plan.ok and not dry_run:
        apply_import(membership, plan, request=request)
    return plan
