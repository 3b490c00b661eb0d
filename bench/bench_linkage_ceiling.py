"""Benchmark: how far the linker is from the best any pairwise classifier could do with
the same comparisons on generated data (apps.linkage.generate), and how many true pairs
the blocking rules never compare.

    KOLDOO_ENV=demo .venv/bin/python bench/bench_linkage_ceiling.py --sizes 100000
        [--names realistic|dense] [--seed 7]

Every candidate pair the blocking rules make is scored as `engine.link` scores it (the
same training), then grouped by what a classifier could see of it: the level each
comparison took and the name's frequency (in thirds of a natural-log step). Within a
group no classifier on these comparisons can tell pairs apart, so taking whole groups
in order of their share of true pairs gives the highest F1 reachable: the ceiling.
It is optimistic (each group's share is read from the truth of this very data), so a
model may come close to it but should not be expected to reach it. Pairs never
compared count as missed for every method. Prints the linker's figures at the
default threshold and at its best threshold beside the ceiling, and the groups the
linker scores furthest from their true share.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koldoo.settings")
os.environ.setdefault("KOLDOO_ENV", "demo")

import django  # noqa: E402

django.setup()

import pyarrow as pa  # noqa: E402
from splink import Linker  # noqa: E402

from apps.linkage import engine  # noqa: E402
from apps.linkage.generate import generate  # noqa: E402


def f1_at(found: int, hits: int, truth: int) -> tuple[float, float, float]:
    precision = hits / found if found else 1.0
    recall = hits / truth if truth else 1.0
    return precision, recall, (2 * hits / (found + truth) if found + truth else 0.0)


def measure(n: int, names: str, seed: int) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    records = generate(n, seed=seed, names=names)
    people: dict = {}
    for r in records:
        people.setdefault(r["cluster"], []).append(r)
    truth = sum(len(v) * (len(v) - 1) // 2 for v in people.values())
    rows = engine.feature_rows(records)
    db_api = engine._db_api()
    columns = engine._columns(rows)
    table = db_api.register(columns)
    linker = Linker(table, engine.settings(engine.shipped_model(), n, columns), log_level=None)
    fitted = engine.estimate(
        linker,
        n,
        em=engine.MIN_RECORDS_TO_ESTIMATE <= n <= engine.EM_UP_TO,
        table=columns,
        recall=engine.shipped_model().get("prior_rules_recall", engine.PRIOR_RECALL),
    )
    prior = (fitted or linker.misc.save_model_to_json())["probability_two_random_records_match"]
    if fitted:
        linker = Linker(table, fitted, log_level=None)
    rules = len(linker.misc.save_model_to_json()["blocking_rules_to_generate_predictions"])
    predictions = linker.inference.predict(threshold_match_probability=0.0)
    con = db_api.duckdb_con
    con.register(
        "truth",
        pa.table(
            {"uid": [str(r["id"]) for r in records], "person": [r["cluster"] for r in records]}
        ),
    )
    weights = [c["output_column_name"] for c in engine.comparisons()]
    levels = ", ".join(f'round("mw_{w}", 5) AS "{w}"' for w in weights)
    pairs = predictions.physical_name
    # Splink's table name and our column names only: no input reaches the SQL text.
    scored = f"""
        SELECT p.*, (l.person = r.person) AS same_person,
            round(ln(greatest(coalesce(p.tf_names_ordered_l, 1e-9),
                              coalesce(p.tf_names_ordered_r, 1e-9))) * 3) AS name_frequency
        FROM {pairs} p
        JOIN truth l ON l.uid = p.unique_id_l JOIN truth r ON r.uid = p.unique_id_r
    """  # noqa: S608
    groups = con.execute(
        f"SELECT {levels}, name_frequency, count(*), sum(same_person::int),"  # noqa: S608
        f" avg(match_probability) FROM ({scored}) GROUP BY ALL"
    ).fetchall()
    compared = sum(g[-3] for g in groups)
    compared_true = sum(g[-2] for g in groups)
    groups.sort(key=lambda g: -g[-2] / g[-3])
    hits = found = 0
    ceiling = (0.0, 0.0, 0.0)
    for g in groups:
        hits += g[-2]
        found += g[-3]
        candidate = f1_at(found, hits, truth)
        if candidate[2] > ceiling[2]:
            ceiling = candidate
    ranked = con.execute(
        f"SELECT match_probability, same_person FROM ({scored})"  # noqa: S608
        " WHERE match_probability >= 0.01 ORDER BY match_probability DESC"
    ).fetchall()
    best, best_at, hits = (0.0, 0.0, 0.0), 1.0, 0
    at_default = None
    for rank, (probability, same) in enumerate(ranked, start=1):
        hits += same
        if probability >= engine.DEFAULT_THRESHOLD:
            at_default = f1_at(rank, hits, truth)
        candidate = f1_at(rank, hits, truth)
        if candidate[2] > best[2]:
            best, best_at = candidate, probability
    at_default = at_default or (1.0, 0.0, 0.0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"\ngenerated {n:,} ({names} names, seed {seed}): {truth:,} true pairs")
    print(
        f"  {rules} blocking rules; {compared:,} pairs compared, holding {compared_true:,} "
        f"true pairs (blocking recall {compared_true / truth:.3f})"
    )
    print(f"  prior {prior:.3g} (true {truth / (n * (n - 1) / 2):.3g})")
    print(
        f"  {time.perf_counter() - started:.0f} s wall, "
        f"{time.process_time() - cpu:.0f} CPU s, peak {peak:.1f} GB\n"
    )
    print("| method | precision | recall | F1 |")
    print("| --- | --- | --- | --- |")
    print(
        f"| Koldoo linker at {engine.DEFAULT_THRESHOLD} (default) | {at_default[0]:.4f} "
        f"| {at_default[1]:.4f} | **{at_default[2]:.4f}** |"
    )
    print(
        f"| Koldoo linker at its best threshold ({best_at:.3f}) | {best[0]:.4f} "
        f"| {best[1]:.4f} | {best[2]:.4f} |"
    )
    print(
        f"| ceiling: any classifier on these comparisons | {ceiling[0]:.4f} "
        f"| {ceiling[1]:.4f} | {ceiling[2]:.4f} |"
    )
    labels = [*weights, "name_frequency"]
    print("\n  groups scored furthest from their true share (largest first):")
    off = sorted(groups, key=lambda g: -abs(g[-2] - g[-1] * g[-3]))[:8]
    for g in off:
        described = ", ".join(f"{k} {v:g}" for k, v in zip(labels, g[:-3], strict=True) if v)
        print(
            f"  {g[-3]:>7,} pairs, {g[-2] / g[-3]:.2f} true, scored {g[-1]:.2f} on average: "
            f"{described}"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--names", choices=["realistic", "dense"], default="realistic")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for n in args.sizes:
        measure(n, args.names, args.seed)


if __name__ == "__main__":
    main()
