"""Benchmark: duplicate detection quality and wall time (apps.linkage.engine).

    KOLDOO_ENV=demo .venv/bin/python bench/bench_linkage.py [--sizes 10000 100000]
        [--train] [--threshold 0.9]

1. splink's public labelled set ../shared/data/linkage/fake_1000.csv (Latin names,
   typos, nicknames): our linker (as `link_people` runs it) against splink's own
   tutorial settings, in the same run.
2. Generated people with the truth known (apps.linkage.generate: cross-script and
   romanised spellings, typos, swapped names and dates, partial dates, patronymic
   forms, many namesakes), at each size: our linker against splink with default
   comparisons on the columns as written (the naive use of splink on such data).

Precision, recall and F1 are pairwise: every pair of records of one true person is a
true pair; a pair counts as found when its probability is at or above the threshold.
`--train` first retrains the shipped model (apps/linkage/model.json) on a generated
set with another seed than the measured ones. Prints a Markdown table.
"""

import argparse
import csv
import os
import resource
import sys
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koldoo.settings")
os.environ.setdefault("KOLDOO_ENV", "demo")

import django  # noqa: E402

django.setup()

import splink.comparison_library as cl  # noqa: E402
from splink import Linker, SettingsCreator, block_on  # noqa: E402

from apps.linkage import engine  # noqa: E402
from apps.linkage.generate import generate  # noqa: E402

FAKE_1000 = ROOT.parent / "shared" / "data" / "linkage" / "fake_1000.csv"


def true_pairs(records) -> set[frozenset]:
    by_cluster: dict = {}
    for r in records:
        by_cluster.setdefault(str(r["cluster"]), []).append(str(r["id"]))
    return {frozenset(p) for ids in by_cluster.values() for p in combinations(ids, 2)}


def scores(found: set[frozenset], truth: set[frozenset]) -> tuple[float, float, float]:
    tp = len(found & truth)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def ours(records, threshold, *, scored=False):
    """Our pairs at or above `threshold`; with `scored` (pair, probability) tuples."""
    started, cpu = time.perf_counter(), time.process_time()
    result = engine.link(records, threshold=threshold)
    seconds = time.perf_counter() - started
    print(f"  Koldoo linker: {time.process_time() - cpu:.0f} CPU s", flush=True)
    if scored:
        return [(frozenset((a, b)), p) for a, b, p, _f in result.pairs], seconds
    return {frozenset((a, b)) for a, b, _p, _f in result.pairs}, seconds


def best_threshold(scored, truth) -> tuple[float, float]:
    """The probability at which F1 is highest, and that F1 (each method's best)."""
    best, at, hits = 0.0, 1.0, 0
    for rank, (pair, p) in enumerate(sorted(scored, key=lambda x: -x[1]), start=1):
        hits += pair in truth
        f1 = 2 * hits / (rank + len(truth))
        if f1 > best:
            best, at = f1, p
    return at, best


def at_threshold(scored, threshold) -> set[frozenset]:
    return {pair for pair, p in scored if p >= threshold}


def splink_run(rows, settings, train, threshold, *, scored=False):
    """Splink on its own: the settings and training steps given, on raw columns."""
    started, cpu = time.perf_counter(), time.process_time()
    db_api = engine._db_api()
    linker = Linker(db_api.register(engine._columns(rows)), settings, log_level=None)
    train(linker)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    pairs = db_api.duckdb_con.execute(
        f"SELECT unique_id_l, unique_id_r, match_probability FROM {predictions.physical_name}"
    ).fetchall()
    print(f"  splink: {time.process_time() - cpu:.0f} CPU s", flush=True)
    seconds = time.perf_counter() - started
    if scored:
        return [(frozenset((str(a), str(b))), p) for a, b, p in pairs], seconds
    return {frozenset((str(a), str(b))) for a, b, _p in pairs}, seconds


def tutorial_settings():
    """splink's tutorial model for fake_1000 (docs: "Deduplicate 50k rows"/"Quick start")."""
    return SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[block_on("first_name"), block_on("surname")],
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
        ],
    )


def tutorial_training(linker):
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))


def default_settings_generated():
    """splink's library comparisons, as a user would start, on the columns as written."""
    return SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"),
            block_on("birth_date"),
            block_on("phone"),
            block_on("document_number"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("family_name"),
            cl.NameComparison("patronymic"),
            cl.DateOfBirthComparison(
                "birth_date", input_is_string=True, invalid_dates_as_null=True
            ),
            cl.ExactMatch("phone"),
            cl.ExactMatch("document_number"),
        ],
    )


def default_training_generated(linker):
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "birth_date")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "family_name")
    )


def fake_1000(threshold):
    with open(FAKE_1000, newline="", encoding="utf-8") as f:
        raw = list(csv.DictReader(f))
    truth = true_pairs([{"id": r["unique_id"], "cluster": r["cluster"]} for r in raw])
    records = [
        {
            "id": r["unique_id"],
            "family_name": r["surname"],
            "given_name": r["first_name"],
            "birth_date": r["dob"],
        }
        for r in raw
    ]
    rows = [
        {"unique_id": r["unique_id"], **{k: r[k] or None for k in r if k != "unique_id"}}
        for r in raw
    ]
    # Scored down to 0.001 once: the figures at `threshold` and at each method's best.
    found, seconds = ours(records, 0.001, scored=True)
    theirs, their_seconds = splink_run(
        rows, tutorial_settings(), tutorial_training, 0.001, scored=True
    )
    out = []
    for method, scored, secs in (
        ("Koldoo linker (names, dob only)", found, seconds),
        ("splink tutorial (+city, email)", theirs, their_seconds),
    ):
        out.append(
            ("fake_1000", 1000, method, *scores(at_threshold(scored, threshold), truth), secs)
        )
        best_at, _f1 = best_threshold(scored, truth)
        out.append(
            (
                "fake_1000",
                1000,
                f"{method}, at its best threshold {best_at:.3f}",
                *scores(at_threshold(scored, best_at), truth),
                secs,
            )
        )
    return out


GRID = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)


def print_grid(label, scored, truth):
    """Precision, recall and F1 of our pairs over a grid of thresholds, and the best."""
    print(f"\n{label}: threshold grid ({len(truth):,} true pairs)\n")
    print("| threshold | pairs | precision | recall | F1 |")
    print("| --- | --- | --- | --- | --- |")
    best_at, _f1 = best_threshold(scored, truth)
    for t in sorted((*GRID, round(best_at, 4))):
        found = at_threshold(scored, t)
        p, r, f1 = scores(found, truth)
        mark = " (best)" if t == round(best_at, 4) else ""
        print(f"| {t}{mark} | {len(found):,} | {p:.3f} | {r:.3f} | {f1:.3f} |")
    print(flush=True)


def generated(n, threshold, *, names="realistic", splink_defaults=True, grid=False):
    records = generate(n, seed=7, names=names)
    label = f"generated {n:,}" + (f" ({names} names)" if names != "realistic" else "")
    truth = true_pairs(records)
    if grid:  # scored down to 0.01 once: the figures at `threshold` and over the grid
        scored, seconds = ours(records, 0.01, scored=True)
        print_grid(label, scored, truth)
        found = at_threshold(scored, threshold)
    else:
        found, seconds = ours(records, threshold)
    out = [(label, n, "Koldoo linker", *scores(found, truth), seconds)]
    _progress(out[-1])
    if splink_defaults:
        rows = [
            {
                "unique_id": str(r["id"]),
                "given_name": r["given_name"] or None,
                "family_name": r["family_name"] or None,
                "patronymic": r["patronymic"] or None,
                "birth_date": r["birth_date"] or None,
                "phone": (r["phones"] or [None])[0],
                "document_number": (r["document_numbers"] or [None])[0],
            }
            for r in records
        ]
        theirs, their_seconds = splink_run(
            rows, default_settings_generated(), default_training_generated, threshold
        )
        out.append(
            (
                label,
                n,
                "splink defaults, raw columns",
                *scores(theirs, truth),
                their_seconds,
            )  # fmt: skip
        )
        _progress(out[-1])
    return out


def _progress(row):
    """One result as soon as it is known (a long run may be stopped before the table),
    with the peak memory of the process so far."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(
        f"  {row[0]} / {row[2]}: F1 {row[5]:.3f} in {row[6]:.1f} s, peak {peak:.1f} GB", flush=True
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000])
    parser.add_argument("--threshold", type=float, default=engine.DEFAULT_THRESHOLD)
    parser.add_argument("--train", action="store_true")
    parser.add_argument(
        "--names",
        choices=["realistic", "dense", "demo"],
        default="realistic",
        help="generated names: fitted to published counts, the earlier steeper draw, or"
        " the demo's short lists",
    )
    parser.add_argument("--no-fake", action="store_true", help="skip fake_1000")
    parser.add_argument(
        "--no-splink", action="store_true", help="skip splink's defaults on generated data"
    )
    parser.add_argument(
        "--grid", action="store_true", help="P/R/F1 of ours over a grid of thresholds"
    )
    parser.add_argument(
        "--log-prior", action="store_true", help="print splink's estimate of the prior"
    )
    args = parser.parse_args()
    if args.log_prior:
        import logging

        logging.basicConfig(format="  splink: %(message)s")
        logging.getLogger("splink").setLevel(logging.INFO)
    if args.train:
        started = time.perf_counter()
        training = generate(20_000, seed=101)
        engine.save_model(
            engine.train_model(training), prior_recall=engine.prior_rules_recall(training)
        )
        print(f"model retrained in {time.perf_counter() - started:.1f} s")
    results = [] if args.no_fake else fake_1000(args.threshold)
    for n in args.sizes:
        results += generated(
            n,
            args.threshold,
            names=args.names,
            splink_defaults=not args.no_splink,
            grid=args.grid,
        )
    print(f"\nthreshold {args.threshold}\n")
    print("| data | records | method | precision | recall | F1 | wall time | per 1M records |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for data, n, method, p, r, f1, seconds in results:
        print(
            f"| {data} | {n:,} | {method} | {p:.3f} | {r:.3f} | {f1:.3f} | {seconds:.1f} s "
            f"| {seconds / n * 1e6 / 60:.1f} min |"
        )


if __name__ == "__main__":
    main()
