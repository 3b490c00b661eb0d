from django.core.management.base import BaseCommand

from apps.operations.services import recover_interrupted


class Command(BaseCommand):
    help = (
        "Undo what was interrupted by a killed process: roll back register imports whose "
        "process is gone (their people, keys, cases and notes are deleted) and pick up "
        "again, or fail with a message, jobs whose worker is gone. Run before a worker "
        "starts (scripts/run.sh, deploy/koldoo-worker.service); safe at any time, work "
        "still running is left alone."
    )

    def handle(self, *args, **options):
        imports, jobs = recover_interrupted()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Interrupted imports rolled back: {imports}. "
                f"Stalled jobs picked up again or failed: {jobs}."
            )
