from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.core.audit import head_still_in_chain, parse_head, verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit trail's keyed chain and print its head (sequence and seal). "
        "With --expect or --anchor, also detect newest entries deleted since a head "
        "recorded earlier. Exit 1 at the first problem."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect",
            metavar="SEQ:MAC",
            help="a head printed earlier; fails unless that entry is still in the chain unchanged",
        )
        parser.add_argument(
            "--anchor",
            metavar="FILE",
            help="check the head last recorded in FILE, then append the current head to it",
        )

    def handle(self, *args, expect=None, anchor=None, **options):
        report = verify_chain()
        if report.broken_id is not None:
            raise CommandError(
                f"Audit trail broken at entry {report.broken_id}: {report.reason} "
                f"({report.checked} entries before it are intact)."
            )
        recorded = []
        if expect:
            recorded.append(("--expect", expect))
        if anchor:
            last = _last_head(anchor)
            if last:
                recorded.append((anchor, last))
        for where, text in recorded:
            try:
                seq, mac = parse_head(text)
            except ValueError as exc:
                raise CommandError(f"{where}: {exc}")
            if not head_still_in_chain(seq, mac):
                raise CommandError(
                    f"Audit trail shortened or rewritten: the head {seq}:{mac} recorded in "
                    f"{where} is no longer in the chain (current head {report.head})."
                )
        if anchor:
            with open(anchor, "a", encoding="utf-8") as fh:
                fh.write(f"{timezone.now().isoformat(timespec='seconds')} {report.head}\n")
        self.stdout.write(f"Audit trail intact: {report.checked} entries verified.")
        self.stdout.write(f"Head: {report.head}")


def _last_head(path: str) -> str:
    """The last non-empty line of the anchor file, or "" for a new file."""
    try:
        with open(path, encoding="utf-8") as fh:
            lines = [line for line in fh.read().splitlines() if line.strip()]
    except FileNotFoundError:
        return ""
    return lines[-1] if lines else ""
