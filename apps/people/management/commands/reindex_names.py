"""Rebuild the name keys after an upgrade changed how names are normalised."""

from django.core.management.base import BaseCommand, CommandError

from apps.core import audit
from apps.core.models import AuditEntry
from apps.people.services import name_keys_stale, reindex_names


class Command(BaseCommand):
    help = (
        "Rebuild the name keys of every person whose keys differ from what the current "
        "normaliser gives, in short batches while Koldoo keeps running. Safe to stop and "
        "run again. With --check, only report whether a rebuild is due (exit status 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="people per transaction")
        parser.add_argument(
            "--check", action="store_true", help="sample people; fail if their keys are stale"
        )
        parser.add_argument("--sample", type=int, default=200, help="people sampled by --check")

    def handle(self, *args, batch, check, sample, **options):
        if check:
            stale = name_keys_stale(sample)
            if stale:
                raise CommandError(
                    f"{stale} of the people sampled have stale name keys: "
                    "run manage.py reindex_names."
                )
            self.stdout.write("Name keys are up to date.")
            return
        checked = rekeyed = 0
        for checked, rekeyed in reindex_names(batch=max(batch, 1)):
            if options["verbosity"] > 1:
                self.stdout.write(f"{checked} people checked, {rekeyed} re-keyed")
        audit.record(
            AuditEntry.Action.CHANGE,
            target_type="keys",
            detail={"name_keys_rebuilt": rekeyed, "people_checked": checked},
        )
        self.stdout.write(f"Checked {checked} people; re-keyed {rekeyed}.")
