"""Import cases from an HTCDS v2 file (JSON, CSV or XLSX): all cases or none."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils import translation

from apps.accounts.models import Membership, Organization
from apps.accounts.roles import Permission, Role
from apps.exchange import files
from apps.exchange.services import apply_import, plan_import
from apps.people.management.commands.import_register import Command as RegisterCommand
from apps.people.management.commands.import_register import SystemImport


class SystemExchangeImport(SystemImport):
    """The command line's actor: it imports, so it also registers people and opens cases."""

    def can(self, permission: str) -> bool:
        return permission in (
            Permission.IMPORT_REGISTER,
            Permission.EDIT_PEOPLE,
            Permission.EDIT_CASES,
        )


class Command(RegisterCommand):
    help = (
        "Import people and their cases from an HTCDS v2 file (.json, .csv or .xlsx). "
        "The whole file is checked first; if any case is wrong nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the HTCDS file: .json, .csv or .xlsx")
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
            return self._run_htcds(file, organization, dry_run, user)

    def _run_htcds(self, file, slug, dry_run, email):
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            raise CommandError(f"No organisation with the short name {slug!r}.")
        actor = SystemExchangeImport(org)
        if email:
            actor = (
                Membership.objects.filter(
                    organization=org,
                    user__email=email.strip().lower(),
                    role=Role.ORG_ADMIN,
                    is_active=True,
                )
                .select_related("user", "organization")
                .first()
            )
            if actor is None:
                raise CommandError(f"{email} is not an active admin of {slug}.")
        path = Path(file)
        if path.suffix.lower().lstrip(".") not in files.FORMATS:
            raise CommandError("The file must be a .json, .csv or .xlsx file.")
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        plan = plan_import(org, path.read_bytes(), path.name)
        report = plan.report
        if not plan.ok:
            self._print_errors(report)
            raise CommandError(
                f"The file was rejected: {report.error_count} problem(s). Nothing was imported."
            )
        for name, count in sorted(plan.left_out.items()):
            self.stdout.write(f"  left out (Koldoo has no place for it): {name} in {count} case(s)")
        if not dry_run:
            apply_import(actor, plan)
        head = "Dry run, nothing written. The import would make:" if dry_run else "Imported:"
        self.stdout.write(head)
        self.stdout.write(f"  people registered: {report.people_created}")
        self.stdout.write(f"  cases opened: {report.cases_created}")
        self.stdout.write(f"  case notes added: {report.notes_added}")
        if not dry_run:
            self.stdout.write(self.style.SUCCESS("Import complete."))
