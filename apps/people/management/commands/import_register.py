"""Import an organisation's register from a CSV or XLSX file (all rows or none)."""

from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from apps.accounts.models import Membership, Organization
from apps.accounts.roles import Permission, Role
from apps.core.staged_upload import PlanChanged
from apps.people.register_import import MAX_FILE_BYTES, apply_import, plan_import


@dataclass
class SystemImport:
    """The actor of an import run from the command line.

    It stands in for a membership: the operator has shell access to the server,
    which is more than an organisation admin has, so it may import. `user` is the
    member named with --user, else None: the audit entry then has no user, which
    is the truth (nobody signed in did it).
    """

    organization: Organization
    user: object = None

    @property
    def organization_id(self):
        return self.organization.pk

    def can(self, permission: str) -> bool:
        return permission == Permission.IMPORT_REGISTER


class Command(BaseCommand):
    """Check a whole file, print its report, then write it all or nothing. Other
    importers (the HTCDS import) subclass it with their own file kinds and plan."""

    help = (
        "Import people and their cases from a CSV (UTF-8) or XLSX register. "
        "The whole file is checked first; if any row is wrong nothing is written."
    )
    actor_class = SystemImport
    suffixes = (".csv", ".xlsx")

    def plan(self, organization, data: bytes, filename: str):
        return plan_import(organization, data, filename)

    def apply(self, actor, plan) -> None:
        apply_import(actor, plan)

    def print_plan_notes(self, plan) -> None:
        """What the file holds that will not be imported (nothing, for a register)."""

    def add_arguments(self, parser):
        parser.add_argument("file", help="the register, .csv or .xlsx")
        parser.add_argument("--organization", required=True, help="the organisation's short name")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report only; write nothing"
        )
        parser.add_argument(
            "--user",
            default="",
            help="e-mail of an admin of the organisation to record as the importer",
        )
        parser.add_argument(
            "--language",
            default="",
            help="language of the report (ky, ru or en); default: the site's",
        )

    def handle(self, *args, file, organization, dry_run, user, language, **options):
        with translation.override(language or translation.get_language()):
            return self._run(file, organization, dry_run, user)

    def _run(self, file, slug, dry_run, email):
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            raise CommandError(f"No organisation with the short name {slug!r}.")
        actor = self.actor_class(org)
        if email:
            member = (
                Membership.objects.filter(
                    organization=org,
                    user__email=email.strip().lower(),
                    role=Role.ORG_ADMIN,
                    is_active=True,
                )
                .select_related("user", "organization")
                .first()
            )
            if member is None:
                raise CommandError(f"{email} is not an active admin of {slug}.")
            actor = member

        path = Path(file)
        if path.suffix.lower() not in self.suffixes:
            raise CommandError(f"The file must be a {' or '.join(self.suffixes)} file.")
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"The file is larger than {MAX_FILE_BYTES // 2**20} MB.")

        plan = self.plan(org, path.read_bytes(), path.name)
        report = plan.report
        if not plan.ok:
            self._print_errors(report)
            raise CommandError(
                f"The file was rejected: {report.error_count} problem(s). Nothing was imported."
            )
        self.print_plan_notes(plan)
        if not dry_run:
            try:
                self.apply(actor, plan)
            except PlanChanged as exc:
                raise CommandError(str(exc)) from exc
        self._print_counts(report, dry_run)

    def _print_errors(self, report):
        self.stderr.write("row\tcolumn\tvalue\treason")
        for e in report.errors:
            value = e.value if len(e.value) <= 60 else e.value[:59] + "…"
            row = "" if e.row is None else str(e.row)
            self.stderr.write(f"{row}\t{e.column}\t{value}\t{e.reason}")
        if report.more_errors:
            self.stderr.write(f"… and {report.more_errors} more problem(s).")

    def _print_counts(self, report, dry_run):
        head = "Dry run, nothing written. The import would make:" if dry_run else "Imported:"
        self.stdout.write(head)
        for name, count in report.counts().items():
            self.stdout.write(f"  {name.replace('_', ' ')}: {count}")
        if report.empty_rows:
            self.stdout.write(f"  empty rows skipped: {report.empty_rows}")
        if not dry_run:
            self.stdout.write(self.style.SUCCESS("Import complete."))
