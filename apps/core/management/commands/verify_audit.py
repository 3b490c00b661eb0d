from django.core.management.base import BaseCommand, CommandError

from apps.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; exit 1 at the first broken entry."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.broken_id is not None:
            raise CommandError(
                f"Audit trail broken at entry {report.broken_id}: {report.reason} "
                f"({report.checked} entries before it are intact)."
            )
        self.stdout.write(f"Audit trail intact: {report.checked} entries verified.")
