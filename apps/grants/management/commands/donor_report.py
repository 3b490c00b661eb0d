"""Write a grant's donor report for a period (XLSX or PDF, in the report's language)."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core import audit
from apps.core.models import AuditEntry
from apps.grants import donor_report, services
from apps.grants.models import Grant


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}")


class Command(BaseCommand):
    help = "Write the donor report of a grant for a period, as XLSX or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--grant", required=True, metavar="REF", help="the grant's reference")
        parser.add_argument(
            "--organization", default="", metavar="SLUG", help="when two organisations share REF"
        )
        parser.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--format", dest="fmt", choices=donor_report.FORMATS, default="xlsx")
        parser.add_argument("--language", choices=donor_report.LANGUAGES, default="en")
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument(
            "--mark-sent",
            action="store_true",
            help="keep the values as sent to the donor (later changes are then flagged)",
        )
        parser.add_argument("--user", default="", help="e-mail of who runs it, for the audit")

    def handle(self, *, grant, organization, date_from, date_to, fmt, language, output, **opts):
        from apps.accounts.models import User

        period_from, period_to = _day(date_from), _day(date_to)
        if period_to < period_from:
            raise CommandError("--to is before --from")
        grants = Grant.objects.filter(reference=grant).select_related("organization", "donor")
        if organization:
            grants = grants.filter(organization__slug=organization)
        found = list(grants[:2])
        if not found:
            raise CommandError(f"no grant with the reference {grant!r}")
        if len(found) > 1:
            raise CommandError("several organisations have this reference; give --organization")
        the_grant = found[0]
        user = User.objects.filter(email__iexact=opts["user"]).first() if opts["user"] else None
        data, report = donor_report.render(the_grant, period_from, period_to, fmt, language)
        Path(output).write_bytes(data)
        audit.record(
            AuditEntry.Action.EXPORT,
            user=user,
            organization=the_grant.organization,
            target=the_grant,
            detail={
                "via": "command",
                "report": "donor_report",
                "format": fmt,
                "language": language,
                "from": period_from.isoformat(),
                "to": period_to.isoformat(),
            },
        )
        if opts["mark_sent"]:
            services.record_report_sent(
                grant=the_grant,
                period_from=period_from,
                period_to=period_to,
                values=report.values,
                user=user,
            )
        self.stdout.write(f"{output}: {len(data)} bytes")
