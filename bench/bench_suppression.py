"""Benchmark (not a test): how many cells of the national report disclosure control hides,
on the demo data.

    .venv/bin/python bench/bench_suppression.py [--installations 20] [--year 2025]

Loads the demo (`seed_demo`, its default seed) into a scratch SQLite database under a
temporary KOLDOO_VAR_DIR, then builds the coordinator's report (every organisation that
shares aggregates, disclosure control on, the configured threshold) for the year and for
each of its quarters. The noise, and so what is suppressed, depends on the installation's
statistics key: the counts are averaged over `--installations` keys, each derived like the
tests' (sha256 of "installation N"), so that a run is reproducible and two code versions
are compared on the same keys.

Printed per table: cells, non-zero cells (true counts), cells hidden, and the true number
of records in the hidden non-zero cells (what the reader loses). Marginal tables (those
whose name ends in "__margin_…") are listed under their three-way table.
"""

import argparse
import contextlib
import dataclasses
import hashlib
import io
import os
import statistics
import sys
import tempfile
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(var_dir: Path) -> None:
    os.environ["KOLDOO_ENV"] = "demo"
    os.environ["DATABASE_URL"] = ""
    os.environ["KOLDOO_VAR_DIR"] = str(var_dir)
    os.environ.pop("KOLDOO_KEY_FILE", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koldoo.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    with contextlib.redirect_stdout(io.StringIO()):  # the demo's console e-mails
        call_command("seed_demo", verbosity=0)


def periods(year: int) -> list[tuple[str, date, date]]:
    out = [(f"year {year}", date(year, 1, 1), date(year, 12, 31))]
    ends = {1: date(year, 3, 31), 2: date(year, 6, 30), 3: date(year, 9, 30), 4: date(year, 12, 31)}
    for q in range(1, 5):
        out.append((f"Q{q} {year}", date(year, 3 * q - 2, 1), ends[q]))
    return out


def measure(scope, truth) -> dict[str, tuple[int, int, int, int]]:
    """{table: (cells, non-zero cells, hidden cells, true records in hidden cells)}."""
    from apps.statistics.report import SUPPRESSED, build_report

    report = build_report(scope)
    out = {}
    for table in report.tables:
        exact = {
            tuple(r[d] for d in table.dimensions): r["count"] for r in truth.table(table.name).rows
        }
        cells = nonzero = hidden = lost = 0
        for row in table.rows:
            key = tuple(row[d] for d in table.dimensions)
            cells += 1
            nonzero += exact.get(key, 0) != 0
            if row["count"] == SUPPRESSED:
                hidden += 1
                lost += exact.get(key, 0)
        out[table.name] = (cells, nonzero, hidden, lost)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--installations", type=int, default=20)
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="koldoo-bench-") as tmp:
        setup(Path(tmp))
        from django.conf import settings

        from apps.statistics.report import ReportScope, build_report
        from apps.statistics.selectors import sharing_organizations

        ids = sharing_organizations()
        original = settings.KEYRING
        print(
            f"demo data (seed_demo defaults), {len(ids)} organisations sharing aggregates, "
            f"threshold {settings.KOLDOO_SUPPRESSION_THRESHOLD}, "
            f"{args.installations} installation keys"
        )
        grand = defaultdict(list)
        for label, date_from, date_to in periods(args.year):
            truth = build_report(ReportScope(date_from, date_to, ids, disclosure_control=False))
            runs = []
            for seed in range(args.installations):
                key = hashlib.sha256(b"installation %d" % seed).digest()
                settings.KEYRING = dataclasses.replace(original, index_key=key)
                scope = ReportScope(date_from, date_to, ids, disclosure_control=True)
                runs.append(measure(scope, truth))
            settings.KEYRING = original
            victims = truth.table("victims_by_status").total
            print(f"\n== {label}: {victims} victims (true count)")
            print(f"{'table':58} {'cells':>5} {'non-0':>5} {'hidden':>7} {'records hidden':>15}")
            for name in runs[0]:
                cells, nonzero = runs[0][name][:2]
                hidden = statistics.mean(r[name][2] for r in runs)
                lost = statistics.mean(r[name][3] for r in runs)
                grand[label].append((cells, hidden))
                print(f"{name:58} {cells:5d} {nonzero:5d} {hidden:7.1f} {lost:15.1f}")
            cells = sum(c for c, _h in grand[label])
            hidden = sum(h for _c, h in grand[label])
            print(f"{'all tables':58} {cells:5d} {'':5} {hidden:7.1f}")


if __name__ == "__main__":
    main()
