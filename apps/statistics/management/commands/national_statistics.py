"""python manage.py national_statistics --from 2025-01-01 --to 2025-12-31 --format json
--output report.json [--organization SLUG ...] [--no-disclosure-control] [--threshold N]
[--language en|ru|ky] [--notes FILE]

Without --organization the report covers every organisation that shares its aggregates.
Disclosure control is on by default when more than one organisation is covered; it
perturbs the counts (cell-key method) and needs a period of one whole calendar month,
quarter or year.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from apps.accounts.models import Organization
from apps.core import audit
from apps.core.models import AuditEntry
from apps.statistics.disclosure import effective_threshold
from apps.statistics.periods import check_disclosure_period
from apps.statistics.report import MINIMUM_THRESHOLD, ReportScope, build_report
from apps.statistics.selectors import sharing_organizations
from apps.statistics.writers import FORMATS, write

LANGUAGES = ("en", "ru", "ky")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = "Write the national statistics report (aggregates only) as JSON, CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD, included")
        parser.add_argument(
            "--organization",
            action="append",
            default=[],
            metavar="SLUG",
            help="repeat for several; default: every organisation sharing aggregates",
        )
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", required=True, help="file to write")
        parser.add_argument(
            "--disclosure-control",
            action="store_true",
            default=None,
            help="perturb the counts and suppress small cells (default for more than one "
            "organisation); needs a whole calendar month, quarter or year",
        )
        parser.add_argument(
            "--no-disclosure-control",
            dest="disclosure_control",
            action="store_false",
            help="show small numbers: only for use inside one organisation",
        )
        parser.add_argument(
            "--threshold",
            type=int,
            default=None,
            help=f"smallest number shown (default {settings.KOLDOO_SUPPRESSION_THRESHOLD}, "
            f"at least {MINIMUM_THRESHOLD})",
        )
        parser.add_argument("--language", choices=LANGUAGES, default="en")
        parser.add_argument("--notes", help="also write the report's notes to this file")

    def handle(self, *args, **options):
        date_from, date_to = _day(options["date_from"]), _day(options["date_to"])
        if date_from > date_to:
            raise CommandError("--from is after --to")
        threshold = options["threshold"]
        if threshold is not None and threshold < MINIMUM_THRESHOLD:
            raise CommandError(f"--threshold cannot be below {MINIMUM_THRESHOLD}")
        try:
            ids = sharing_organizations(options["organization"] or None)
        except Organization.DoesNotExist as error:
            raise CommandError(f"No such organisation: {error}") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if not ids:
            raise CommandError("No organisation to report on.")
        control = options["disclosure_control"]
        if control is None:
            control = len(ids) > 1
        if control:
            try:
                check_disclosure_period(date_from, date_to)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        scope = ReportScope(
            date_from=date_from,
            date_to=date_to,
            organization_ids=ids,
            disclosure_control=control,
            threshold=effective_threshold(threshold),
        )
        with translation.override(options["language"]):
            report = build_report(scope)
            notes = [str(n) for n in report.notes]
        body = write(report, options["format"], options["language"])
        with open(options["output"], "wb") as fh:
            fh.write(body)
        if options["notes"]:
            with open(options["notes"], "w", encoding="utf-8") as fh:
                fh.write("\n\n".join(notes) + "\n")
        # Who ran what, never a number or a person.
        audit.record(
            AuditEntry.Action.EXPORT,
            target_type="national_statistics",
            detail={
                "command": "national_statistics",
                "format": options["format"],
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "organizations": list(ids),
                "disclosure_control": control,
                "threshold": scope.threshold,
            },
        )
        self.stderr.write(
            f"{len(report.tables)} tables, {len(ids)} organisation(s), disclosure control "
            f"{'on (threshold ' + str(scope.threshold) + ')' if control else 'OFF'}: "
            f"{options['output']}"
        )
