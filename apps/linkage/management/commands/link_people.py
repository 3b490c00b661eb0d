"""Find the same person recorded more than once in a CSV file (a register to check
before importing it, or a labelled set to measure the linker on).

    python manage.py link_people --input FILE.csv --output PAIRS.csv \\
        [--threshold P] [--clusters CLUSTERS.csv]

The input has a header with `id`, `family_name`, `given_name` and any of
`patronymic`, `sex`, `birth_date` (YYYY-MM-DD, YYYY-MM, YYYY or YYYYMMDD), `phone`,
`document_number` (several separated by ; or ,); other columns are ignored. The
output lists `id_l,id_r,probability` for every candidate pair at or above the
threshold, and with --clusters `id,cluster_id` for every record. Only ids leave the
run: the names are compared in memory (apps.linkage.engine).
"""

import csv
import time

from django.core.management.base import BaseCommand, CommandError

from apps.linkage.engine import DEFAULT_THRESHOLD, link
from apps.people.validation import split_list

REQUIRED = ("id", "family_name", "given_name")
OPTIONAL = ("patronymic", "sex", "birth_date", "phone", "document_number")


def read_people(path) -> list[dict]:
    """The records of a CSV file; CommandError for a file the command cannot use."""
    try:
        handle = open(path, newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}")
    with handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise CommandError(f"The header lacks the column(s): {', '.join(missing)}")
        reader.fieldnames = header
        records, seen = [], set()
        for line, row in enumerate(reader, start=2):
            ident = (row.get("id") or "").strip()
            if not ident:
                raise CommandError(f"Line {line}: the id is empty.")
            if ident in seen:
                raise CommandError(f"Line {line}: the id {ident!r} is used twice.")
            seen.add(ident)
            records.append(
                {
                    "id": ident,
                    "family_name": row.get("family_name") or "",
                    "given_name": row.get("given_name") or "",
                    "patronymic": row.get("patronymic") or "",
                    "sex": (row.get("sex") or "").strip(),
                    "birth_date": (row.get("birth_date") or "").strip(),
                    "phones": split_list(row.get("phone") or ""),
                    "document_numbers": split_list(row.get("document_number") or ""),
                }
            )
    return records


class Command(BaseCommand):
    help = "Find the same person recorded more than once in a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="CSV file with a header row")
        parser.add_argument("--output", required=True, help="where to write the pairs")
        parser.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            help=f"lowest match probability written (default {DEFAULT_THRESHOLD})",
        )
        parser.add_argument("--clusters", help="also write each id's cluster here")

    def handle(self, *args, **options):
        threshold = options["threshold"]
        if not 0 <= threshold <= 1:
            raise CommandError("The threshold is a probability between 0 and 1.")
        started = time.perf_counter()
        records = read_people(options["input"])
        result = link(records, threshold=threshold, clusters=bool(options["clusters"]))
        with open(options["output"], "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["id_l", "id_r", "probability"])
            for a, b, probability, _agreeing in result.pairs:
                writer.writerow([a, b, f"{probability:.6f}"])
        if options["clusters"]:
            with open(options["clusters"], "w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["id", "cluster_id"])
                for record in records:
                    writer.writerow([record["id"], result.clusters.get(record["id"], record["id"])])
        self.stdout.write(
            f"{len(records)} records, {len(result.pairs)} pairs at or above {threshold} "
            f"in {time.perf_counter() - started:.1f} s"
        )
