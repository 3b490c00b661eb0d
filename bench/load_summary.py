"""The summary of a bench/run_load.sh run, as Markdown: requests, failures, median and
p95 per request and overall (bench/var/load/requests.csv, every request Locust made
with its time and duration, so that any period can be summed up), failures inside the PostgreSQL
restart window and outside it (bench/var/load/failures.csv, one line per failed request
with its time), the error messages, and the machine's load average during the run.

    .venv/bin/python bench/load_summary.py bench/var/load --start T0 --end T1 \
        [--restart-began R0 --restart-ended R1]

The restart window runs from the restart command to AFTER_RESTART_SECONDS after
PostgreSQL accepted connections again (the database backend waits up to 10 s for a
connection, apps.core.db_backend, so a request may still fail that late).
"""

import argparse
import csv
import math
import os
import platform
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

AFTER_RESTART_SECONDS = 15.0


SIGN_IN = {"sign-in page", "sign in"}


@dataclass(frozen=True)
class Request:
    at: float
    name: str
    ms: float
    ok: bool


def read_requests(folder: Path) -> list[Request]:
    with (folder / "requests.csv").open(encoding="utf-8") as fh:
        return [
            Request(float(r[0]), f"{r[1]} {r[2]}", float(r[3]), r[4] == "1")
            for r in csv.reader(fh)
            if r
        ]


def read_failures(folder: Path) -> list[tuple[float, str, str, str]]:
    path = folder / "failures.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return [(float(r[0]), f"{r[1]} {r[2]}", r[3], r[4]) for r in csv.reader(fh) if r]


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value at least `share` of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)] if ordered else 0.0


def row(label: str, requests: list[Request]) -> str:
    ms = [r.ms for r in requests]
    failed = sum(not r.ok for r in requests)
    return (
        f"| {label} | {len(requests)} | {failed} | {percentile(ms, 0.5):.0f} | "
        f"{percentile(ms, 0.95):.0f} | {max(ms, default=0):.0f} |"
    )


def load_average(folder: Path, start: float, end: float) -> str:
    path = folder / "loadavg.log"
    samples = []
    if path.exists():
        for line in path.read_text().splitlines():
            at, one, *_ = line.split()
            if start <= float(at) <= end:
                samples.append(float(one))
    if not samples:
        return "not sampled"
    mean = sum(samples) / len(samples)
    return (
        f"1-minute load average {min(samples):.1f}–{max(samples):.1f} "
        f"(mean {mean:.1f}, {len(samples)} samples) on {os.cpu_count()} cores"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--start", type=float, required=True)
    parser.add_argument("--end", type=float, required=True)
    parser.add_argument("--restart-began", type=float, default=0.0)
    parser.add_argument("--restart-ended", type=float, default=0.0)
    args = parser.parse_args()

    requests = read_requests(args.folder)
    window = (0.0, 0.0)
    if args.restart_began:
        window = (args.restart_began, args.restart_ended + AFTER_RESTART_SECONDS)
    in_window = [r for r in requests if window[0] <= r.at <= window[1]]
    print(f"Run of {args.end - args.start:.0f} s on {platform.node()}: "
          f"{load_average(args.folder, args.start, args.end)}.\n")  # fmt: skip
    print("| request | count | failures | median ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name in sorted({r.name for r in requests}):
        label = name.replace("<", "&lt;").replace(">", "&gt;")
        print(row(label, [r for r in requests if r.name == name]))
    working = [r for r in requests if r.name.split(" ", 1)[1] not in SIGN_IN]
    print(row("**all**", requests))
    print(row("**all but the sign-ins** (the ramp-up)", working))
    if args.restart_began:
        steady = [r for r in working if not window[0] <= r.at <= window[1]]
        print(row("**all but the sign-ins, outside the restart window**", steady))
        print(row("**all, inside the restart window**", in_window))
    print()

    failures = read_failures(args.folder)
    if args.restart_began:
        window_end = args.restart_ended + AFTER_RESTART_SECONDS
        inside = [f for f in failures if args.restart_began <= f[0] <= window_end]
        print(
            f"PostgreSQL restart at {args.restart_began - args.start:.0f} s; it accepted "
            f"connections again {args.restart_ended - args.restart_began:.1f} s later. "
            f"Failures inside the restart window (restart + {AFTER_RESTART_SECONDS:.0f} s "
            f"after): {len(inside)}; outside it: {len(failures) - len(inside)}."
        )
    else:
        inside = []
        print(f"No PostgreSQL restart. Failures: {len(failures)}.")
    for label, group in (("inside the window", inside), ("outside the window", None)):
        chosen = group if group is not None else [f for f in failures if f not in inside]
        if chosen:
            counts = Counter((name, status, message) for _, name, status, message in chosen)
            print(f"\nFailures {label}:")
            for (name, status, message), n in counts.most_common(10):
                print(f"- {n} × {name} ({status or 'no answer'}): {message[:120]}")
    restarts = args.folder / "worker_restarts.log"
    lines = restarts.read_text().splitlines() if restarts.exists() else []
    print(f"\nJob worker restarts during the run: {len(lines)}.")
    waited = {
        name: _count(args.folder / log, "retrying for a few seconds")
        for name, log in (("web server", "server.log"), ("job worker", "worker.log"))
    }
    print(
        "Connections that waited for PostgreSQL instead of failing (apps.core.db_backend): "
        + ", ".join(f"{n} in the {name}" for name, n in waited.items())
        + "."
    )


def _count(path: Path, text: str) -> int:
    return sum(text in line for line in path.read_text().splitlines()) if path.exists() else 0


if __name__ == "__main__":
    main()
