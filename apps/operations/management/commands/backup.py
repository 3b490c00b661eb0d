import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core import audit
from apps.core.models import AuditEntry
from apps.operations.backup import write_backup


class Command(BaseCommand):
    help = (
        "Write an encrypted archive of the database and the attachments (MEDIA_ROOT). "
        "The keys are not inside: keep the key file apart from the archives."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, metavar="FILE")

    def handle(self, *args, output, **options):
        target = Path(output)
        if target.is_dir():
            raise CommandError(f"{target} is a directory: name the archive file")
        partial = target.with_name(target.name + ".partial")
        # The backup itself is on the audit trail (and so inside the archive).
        audit.record(AuditEntry.Action.EXPORT, target_type="backup", detail={"backup": True})
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                summary = write_backup(fh)
                fh.flush()
                os.fsync(fh.fileno())
            partial.replace(target)
        except BaseException:
            # A full disk or an interruption leaves the previous archive, never half of one.
            partial.unlink(missing_ok=True)
            raise
        rows = sum(summary["counts"].values())
        self.stdout.write(
            f"Backup written to {target}: {rows} rows in {len(summary['counts'])} tables, "
            f"{summary['files']} files."
        )
