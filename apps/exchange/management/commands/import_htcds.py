"""Import cases from an HTCDS v2 file (JSON, CSV or XLSX): all cases or none."""

from apps.accounts.roles import Permission
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
    """The register import's command (arguments, actor, report, all or nothing) with the
    HTCDS reader and writer."""

    help = (
        "Import people and their cases from an HTCDS v2 file (.json, .csv or .xlsx). "
        "The whole file is checked first; if any case is wrong nothing is written."
    )
    actor_class = SystemExchangeImport
    suffixes = tuple(f".{fmt}" for fmt in files.FORMATS)

    def plan(self, organization, data: bytes, filename: str):
        return plan_import(organization, data, filename)

    def apply(self, actor, plan) -> None:
        apply_import(actor, plan)

    def print_plan_notes(self, plan) -> None:
        for name, count in sorted(plan.left_out.items()):
            self.stdout.write(f"  left out (Koldoo has no place for it): {name} in {count} case(s)")
