from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import Organization
from apps.operations.retention import apply_plan, retention_plans
from apps.operations.services import remove_expired_results


class Command(BaseCommand):
    help = (
        "Anonymise, per organisation's retention policy, people whose cases all closed "
        "more than the policy's years ago, and older closed cases of people with a newer "
        "one. Run daily (deploy/koldoo-retention.timer); --dry-run only reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report, change nothing")
        parser.add_argument("--organization", action="append", metavar="SLUG", default=None)

    def handle(self, *args, dry_run=False, organization=None, **options):
        orgs = None
        if organization:
            orgs = list(Organization.objects.filter(slug__in=organization))
            unknown = set(organization) - {o.slug for o in orgs}
            if unknown:
                raise CommandError(f"Unknown organisation: {', '.join(sorted(unknown))}")
        expired = remove_expired_results(dry_run=dry_run)
        self.stdout.write(
            f"Job results past their 24 hours: {expired} {'to remove' if dry_run else 'removed'}."
        )
        plans = retention_plans(organizations=orgs)
        if not plans:
            self.stdout.write("No organisation has a retention policy: nothing to do.")
            return
        verb = "would anonymise" if dry_run else "anonymised"
        for plan in plans:
            line = (
                f"{plan.organization.slug}: keep {plan.years} years (cases closed before "
                f"{plan.cutoff.isoformat()}): {verb} {len(plan.people)} people and "
                f"{len(plan.cases)} further cases"
            )
            if dry_run:
                ids = ", ".join(p.code for p in plan.people[:20])
                self.stdout.write(
                    line + (f" [{ids}{', ...' if len(plan.people) > 20 else ''}]" if ids else "")
                )
                continue
            report = apply_plan(plan)
            self.stdout.write(f"{line} ({report.rows} records, {report.files} files).")
