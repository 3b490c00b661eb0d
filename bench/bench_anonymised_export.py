"""Benchmark: the k-anonymous record-level export over 1,000,000 records (PostgreSQL).

    .venv/bin/python bench/bench_anonymised_export.py [--k 11] [--only trafficking|all]
        [--no-results]

Uses the benchmark database of bench/benchdb.py (1,000,000 people and
1,000,000 cases of six types, loaded once). The export counts only cases of
type "trafficking" (about a sixth of the benchmark's cases), so the run
"all" passes every case type to the same engine to reach 1,000,000 records;
the run "trafficking" is what the command itself exports. Each run is the
whole `export_anonymised` (extract, search, write, verify on the written
file, metadata, audit), with its phases timed. Target: 1,000,000 records in
under 60 s. The figures are printed and appended to bench/RESULTS.md.
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb  # noqa: E402

TARGET_SECONDS = 60.0


def run(case_types, k: int, out: Path) -> dict:
    from apps.core.reference_data import CASE_TYPES
    from apps.statistics import anonymised

    types = [c[0] for c in CASE_TYPES] if case_types == "all" else [anonymised.CASE_TYPE]
    timings: dict = {}
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    result = anonymised.export_anonymised(out, k=k, case_types=types, timings=timings)
    seconds = time.perf_counter() - t0
    release, data = result.release, result.microdata
    return {
        "case types": case_types,
        "records in": release.records_in,
        "records out": release.records_out,
        "suppressed": release.suppressed,
        "distinct base records": len(data.counts),
        "birth dates decrypted": data.decrypted,
        "classes": len(release.classes),
        "smallest class": min((n for _r, n in release.classes), default=0),
        "nodes evaluated": release.nodes_evaluated,
        "information loss": release.information_loss,
        "levels": dict(zip([h.name for h in anonymised.HIERARCHIES], release.levels, strict=True)),
        "seconds": seconds,
        "phases": {name: round(s, 2) for name, s in timings.items()},
        "load before": load_before,
        "load after": os.getloadavg()[0],
    }


def describe(r: dict) -> list[str]:
    verdict = "meets" if r["seconds"] < TARGET_SECONDS else "MISSES"
    phases = ", ".join(f"{name} {s:.1f} s" for name, s in r["phases"].items())
    return [
        f"- **{r['case types']}**: {r['records in']:,} records in, {r['records out']:,} out, "
        f"{r['suppressed']:,} suppressed; **{r['seconds']:.1f} s** ({verdict} the "
        f"{TARGET_SECONDS:.0f} s target). Phases: {phases}.",
        f"  {r['distinct base records']:,} distinct base records, "
        f"{r['birth dates decrypted']:,} birth dates decrypted, {r['nodes evaluated']} "
        f"lattice nodes evaluated, {r['classes']:,} classes (smallest {r['smallest class']:,}), "
        f"information loss {r['information loss']}. Levels: {r['levels']}. "
        f"Load average {r['load before']:.1f} before, {r['load after']:.1f} after.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=11)
    parser.add_argument("--only", choices=["trafficking", "all"], default=None)
    parser.add_argument("--no-results", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()

    benchdb.setup()
    benchdb.ensure_people()
    benchdb.ensure_cases()
    out_dir = benchdb.ROOT / "bench" / "var"
    out_dir.mkdir(exist_ok=True)
    results = []
    for case_types in [args.only] if args.only else ["trafficking", "all"]:
        r = run(case_types, args.k, out_dir / f"anonymised-{case_types}.csv")
        results.append(r)
        for line in describe(r):
            print(line, flush=True)
    if args.no_results:
        return
    command = "\n".join(
        [
            "```sh",
            ".venv/bin/python bench/bench_anonymised_export.py"
            + (f" --k {args.k}" if args.k != 11 else "")
            + (f" --only {args.only}" if args.only else ""),
            "```",
        ]
    )
    section = [
        "",
        f"## Anonymised export (k={args.k}), {dt.date.today().isoformat()}",
        "",
        f"Machine: `nproc` = {os.cpu_count()}, PostgreSQL benchmark database of "
        "bench/benchdb.py (1,000,000 cases of six types; about a sixth are trafficking). "
        "The machine was shared with other sessions; the load average is given per run.",
        "",
        command,
        "",
        *[line for r in results for line in describe(r)],
        "",
    ]
    with open(benchdb.ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as f:
        f.write("\n".join(section))


if __name__ == "__main__":
    main()
