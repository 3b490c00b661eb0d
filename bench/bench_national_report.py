"""Benchmark: the full national statistics report over 1,000,000 cases (PostgreSQL).

    .venv/bin/python bench/bench_national_report.py [--runs 5] [--reload-cases]

Uses the benchmark database of bench/benchdb.py (1,000,000 people and 1,000,000
cases of the main organisation). Times `build_report` for every organisation that
shares aggregates over all years (2012-2026: without disclosure control, which takes
whole months, quarters or years only) and over one year (2025, with it), and prints the median, the best and the time per table group.
Target: the full report under 2 s.
"""

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb  # noqa: E402

# (label, from, to, disclosure control)
PERIODS = [
    ("all years 2012-2026, uncontrolled", date(2012, 1, 1), date(2026, 12, 31), False),
    ("one year 2025", date(2025, 1, 1), date(2025, 12, 31), True),
]


def _timed(fn, runs):
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reload-cases", action="store_true")
    args = parser.parse_args()
    benchdb.setup()
    benchdb.ensure_people()
    benchdb.ensure_cases(reload=args.reload_cases)

    from django.db import connection

    from apps.statistics import counting
    from apps.statistics.report import ReportScope, build_report
    from apps.statistics.selectors import sharing_organizations

    ids = sharing_organizations()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*), count(*) FILTER (WHERE case_type = 'trafficking') FROM cases_case"
        )
        n_cases, n_trafficking = cur.fetchone()
    benchdb.log(
        f"{n_cases:,} cases ({n_trafficking:,} trafficking) in {len(ids)} organisations sharing "
        f"aggregates; {args.runs} runs each after one warm-up run"
    )
    for label, date_from, date_to, controlled in PERIODS:
        scope = ReportScope(date_from, date_to, ids, disclosure_control=controlled, threshold=5)
        build_report(scope)  # warm-up: caches, plans
        times, report = _timed(lambda scope=scope: build_report(scope), args.runs)
        victims = report.table("victims_by_status").total
        opened = report.table("cases_opened_by_type").total
        benchdb.log(
            f"\nfull report, {label}: median {statistics.median(times):.2f} s, "
            f"best {min(times):.2f} s (cases opened {opened:,}, victims {victims:,})"
        )
        parts = [
            ("cases (opened by type/month, closed)", counting.case_counts),
            (
                "victims (status, form x sex x age, citizenship, region, countries, channels)",
                counting.victim_counts,
            ),
            ("victims assisted", counting.assisted_counts),
            ("services", counting.service_counts),
            ("referrals", counting.referral_counts),
            ("shelters", counting.shelter_counts),
            ("hotline calls", counting.call_counts),
        ]
        for part, fn in parts:
            with counting.report_transaction():  # the settings build_report runs with
                t, _result = _timed(lambda fn=fn, f=date_from, t=date_to: fn(ids, f, t), 3)
            benchdb.log(f"  {part}: median {statistics.median(t) * 1000:.0f} ms")
    benchdb.log(f"\nload average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main()
