from django.core.management.base import BaseCommand, CommandError

from apps.core import audit
from apps.core.audit import verify_chain
from apps.core.models import AuditEntry
from apps.operations.backup import BackupError, restore_archive, verify_archive


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into an empty, migrated database (and "
        "MEDIA_ROOT), then verify the audit chain. Needs the key file the archive was "
        "made with."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", metavar="FILE")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the data of a database that is not empty",
        )
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="only check that the archive opens whole with these keys",
        )

    def handle(self, *args, archive, force=False, check_only=False, **options):
        try:
            if check_only:
                summary = verify_archive(archive)
                self.stdout.write(
                    f"Archive intact: {sum(summary['counts'].values())} rows, "
                    f"{summary['files']} files, made {summary['created_at']}."
                )
                return
            summary = restore_archive(archive, force=force)
        except BackupError as exc:
            raise CommandError(f"Not restored: {exc}.") from exc
        except FileNotFoundError as exc:
            raise CommandError(f"No such archive: {exc.filename}") from exc
        report = verify_chain()
        if report.broken_id is not None:
            raise CommandError(
                f"Restored, but the audit trail is broken at entry {report.broken_id}: "
                f"{report.reason}. Is this the key file the archive was made with?"
            )
        audit.record(AuditEntry.Action.IMPORT, target_type="backup", detail={"restored": True})
        self.stdout.write(
            f"Restored {sum(summary['counts'].values())} rows and {summary['files']} files; "
            f"audit trail intact ({report.checked} entries)."
        )
