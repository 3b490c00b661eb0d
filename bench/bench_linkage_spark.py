"""Benchmark: duplicate detection on splink's Spark backend against DuckDB
(KOLDOO_LINKAGE_BACKEND, apps.linkage.spark, decision 0036).

    pip install -r requirements-spark.txt   # PySpark, in a virtualenv of its own
    KOLDOO_ENV=demo python bench/bench_linkage_spark.py [--sizes 10000 100000]
        [--threshold P] [--master local[2]]

For each size, the same generated records (apps.linkage.generate, seed 7) are linked
by `engine.link` as `link_people` runs it, first on the in-memory DuckDB, then on
Spark (KOLDOO_SPARK_MASTER, default local[2]). Prints the wall time of each, the
Spark session's start (once per process, not counted in the runs), the number of
pairs at the threshold and how many pairs the two backends share. Prints a Markdown
table.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koldoo.settings")
os.environ.setdefault("KOLDOO_ENV", "demo")

import django  # noqa: E402

django.setup()

from django.test import override_settings  # noqa: E402

from apps.linkage import engine  # noqa: E402
from apps.linkage.generate import generate  # noqa: E402


def timed_link(records, threshold):
    started = time.perf_counter()
    result = engine.link(records, threshold=threshold)
    pairs = {frozenset((a, b)): p for a, b, p, _f in result.pairs}
    return pairs, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--threshold", type=float, default=engine.DEFAULT_THRESHOLD)
    parser.add_argument("--master", help="KOLDOO_SPARK_MASTER for this run")
    args = parser.parse_args()
    if args.master:
        os.environ["KOLDOO_SPARK_MASTER"] = args.master
    from apps.linkage import spark  # PySpark from requirements-spark.txt

    started = time.perf_counter()
    spark.session()
    start_seconds = time.perf_counter() - started
    print(f"Spark {spark.session().version}, master {spark.master()}, ", end="")
    print(f"session started in {start_seconds:.1f} s, threshold {args.threshold}", flush=True)
    print()
    print("| records | backend | seconds | pairs | pairs in both | largest difference |")
    print("| --- | --- | --- | --- | --- | --- |")
    for n in args.sizes:
        records = generate(n, seed=7)
        on_duckdb, duckdb_seconds = timed_link(records, args.threshold)
        print(f"| {n:,} | DuckDB (in memory) | {duckdb_seconds:.1f} | {len(on_duckdb):,} | | |")
        with override_settings(KOLDOO_LINKAGE_BACKEND="spark"):
            on_spark, spark_seconds = timed_link(records, args.threshold)
        both = on_duckdb.keys() & on_spark.keys()
        largest = max((abs(on_duckdb[p] - on_spark[p]) for p in both), default=0.0)
        print(
            f"| {n:,} | Spark ({spark.master()}) | {spark_seconds:.1f} | {len(on_spark):,} "
            f"| {len(both):,} | {largest:.3f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
