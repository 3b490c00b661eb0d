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


def ours(records, threshold):
    started = time.perf_counter()
    result = engine.link(records, threshold=threshold)
    seconds = time.perf_counter() - started
    return {frozenset((a, b)) for a, b, _p, _f in result.pairs}, seconds


def splink_run(rows, settings, train, threshold):
    """Splink on its own: the settings and training steps given, on raw columns."""
    started = time.perf_counter()
    db_api = engine._db_api()
    linker = Linker(db_api.register(engine._columns(rows)), settings, log_level=None)
    train(linker)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    pairs = db_api.duckdb_con.execute(
        f"SELECT unique_id_l, unique_id_r FROM {predictions.physical_name}"
    ).fetchall()
    return {frozenset((str(a), str(b))) for a, b in pairs}, time.perf_counter() - started


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
    found, seconds = ours(records, threshold)
    theirs, their_seconds = splink_run(rows, tutorial_settings(), tutorial_training, threshold)
    return [
        ("fake_1000", 1000, "Koldoo linker (names, dob only)", *scores(found, truth), seconds),
        (
            "fake_1000",
            1000,
            "splink tutorial (+city, email)",
            *scores(theirs, truth),
            their_seconds,
        ),
    ]


def generated(n, threshold):
    records = generate(n, seed=7)
    truth = true_pairs(records)
    found, seconds = ours(records, threshold)
    out = [(f"generated {n:,}", n, "Koldoo linker", *scores(found, truth), seconds)]
    if n <= 100_000:
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
                f"generated {n:,}",
                n,
                "splink defaults, raw columns",
                *scores(theirs, truth),
                their_seconds,
            )  # fmt: skip
        )
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000])
    parser.add_argument("--threshold", type=float, default=engine.DEFAULT_THRESHOLD)
    parser.add_argument("--train", action="store_true")
    args = parser.parse_args()
    if args.train:
        started = time.perf_counter()
        engine.save_model(engine.train_model(generate(20_000, seed=101)))
        print(f"model retrained in {time.perf_counter() - started:.1f} s")
    results = fake_1000(args.threshold)
    for n in args.sizes:
        results += generated(n, args.threshold)
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
