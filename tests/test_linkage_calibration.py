"""How the linker weighs evidence (decision 0039): a name's frequency against the right
baseline, sex agreement counted once with the names, a prior that does not grow with
the register's namesakes, comparisons a register can afford, and generated names with
the spread of published counts."""

import math
import random
from collections import Counter

import pytest
from splink import Linker

from apps.linkage import engine, name_lists
from apps.linkage.generate import generate


def _register(records):
    rows = engine.feature_rows(records)
    columns = engine._columns(rows)
    db_api = engine._db_api()
    return db_api, columns, db_api.register(columns)


def _scored(records, model=None):
    """Every candidate pair of `records` with its partial weights, under the shipped
    model as it stands (no training)."""
    db_api, columns, table = _register(records)
    chosen = engine.settings(model or engine.shipped_model(), len(records), columns)
    linker = Linker(table, chosen, log_level=None)
    predictions = linker.inference.predict(threshold_match_probability=0.0)
    con = db_api.duckdb_con
    cursor = con.execute(f"SELECT * FROM {predictions.physical_name}")  # noqa: S608
    names = [d[0] for d in cursor.description]
    return {
        frozenset((row["unique_id_l"], row["unique_id_r"])): row
        for row in (dict(zip(names, values, strict=True)) for values in cursor.fetchall())
    }


def _background(n=300):
    """Generated people, without the truth (the records under test carry none)."""
    return [
        {**{k: v for k, v in r.items() if k != "cluster"}, "id": f"bg{r['id']}"}
        for r in generate(n, seed=11)
    ]


def _person(pid, **parts):
    return {"id": pid, "family_name": "Zyzova", "given_name": "Qwerta", **parts}


def test_an_exact_name_is_weighed_against_the_exact_levels_own_chance():
    # Splink weighs a value's frequency against the u of the level that is a plain
    # equality on the frequency column. That level was once "swapped" (u fifteen times
    # smaller than "exact"), and every exact name lost about four bits.
    records = _background() + [_person("a"), _person("b")]
    pair = _scored(records)[frozenset(("a", "b"))]
    model = engine.shipped_model()
    levels = {
        lv["label_for_charts"]: lv
        for c in model["comparisons"]
        if c["output_column_name"] == "name"
        for lv in c["comparison_levels"]
    }
    frequency = pair["tf_names_ordered_l"]
    assert frequency == pytest.approx(2 / len(records))
    expected = math.log2(levels["exact"]["u_probability"] / frequency)
    assert pair["mw_tf_adj_name"] == pytest.approx(expected, abs=0.01)


def test_the_same_sex_adds_nothing_a_different_sex_weighs_against():
    records = _background() + [
        _person("a", sex="F", birth_date="1990"),
        _person("b", sex="F", birth_date="1990"),
        _person("c", sex="", birth_date="1990"),
        _person("d", sex="M", birth_date="1990"),
    ]
    scored = _scored(records)
    same, unknown, differ = (scored[frozenset(p)] for p in (("a", "b"), ("a", "c"), ("a", "d")))
    assert same["mw_sex"] == 0
    assert same["match_weight"] == pytest.approx(unknown["match_weight"])
    assert differ["match_weight"] < same["match_weight"] - 3


def test_the_prior_does_not_count_namesakes_as_matches():
    # 3,000 different people with a handful of names and no duplicate at all: the
    # rule-based estimate sees namesakes born the same year as matches.
    rng = random.Random(5)
    records = [
        {
            "id": i,
            "family_name": rng.choice(["Асанов", "Мамытов", "Токтогулов"]),
            "given_name": rng.choice(["Нурлан", "Азамат", "Бакыт"]),
            "birth_date": str(rng.randrange(1970, 2000)),
        }
        for i in range(3000)
    ]
    _db_api, columns, table = _register(records)
    linker = Linker(table, engine.settings(engine.shipped_model(), 3000, columns), log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        engine.PRIOR_RULES, recall=engine.PRIOR_RECALL
    )
    uncorrected = linker._settings_obj._probability_two_random_records_match
    corrected = engine.estimate_prior(linker, columns, engine.PRIOR_RECALL)
    assert uncorrected > 1e-3  # about one pair in 300 of all pairs "found"
    assert corrected <= uncorrected / 10


def test_the_prior_of_generated_registers_is_close_to_the_truth():
    records = generate(4000, seed=21)
    people = Counter(r["cluster"] for r in records)
    true_pairs = sum(k * (k - 1) // 2 for k in people.values())
    truth = true_pairs / (len(records) * (len(records) - 1) / 2)
    _db_api, columns, table = _register(records)
    model = engine.shipped_model()
    linker = Linker(table, engine.settings(model, len(records), columns), log_level=None)
    prior = engine.estimate_prior(linker, columns, model["prior_rules_recall"])
    assert truth / 1.5 < prior < truth * 1.5


def test_a_record_without_a_date_is_compared_when_the_register_can_afford_it(monkeypatch):
    records = _background() + [
        _person("a", birth_date="1990-04-02"),
        _person("b", birth_date=""),
    ]
    assert frozenset(("a", "b")) in _scored(records)  # only "same names" finds this pair
    monkeypatch.setattr(engine, "PAIR_BUDGET", 0)
    monkeypatch.setattr(engine, "WIDE_BLOCKING_UP_TO", 0)
    assert frozenset(("a", "b")) not in _scored(records)


def test_pairs_by_key_counts_the_pairs_a_rule_would_make():
    records = [
        {"id": i, "family_name": f, "given_name": "Айгүл"}
        for i, f in enumerate(["Асанова"] * 4 + ["Токтогулова"] * 3 + ["Мамытова"])
    ]
    _db_api, columns, _table = _register(records)
    assert engine.pairs_by_key(columns, ("family_f",)) == 6 + 3
    assert engine.pairs_by_key(columns, ("given_f",)) == 28
    assert engine.pairs_by_key(columns, ("dob",)) == 0  # no dates: no pairs


def test_the_shipped_model_carries_the_share_of_matches_its_prior_rules_find():
    model = engine.shipped_model()
    assert 0.7 < model["prior_rules_recall"] < 1
    learnt = engine.prior_rules_recall(generate(3000, seed=101))
    assert learnt == pytest.approx(model["prior_rules_recall"], abs=0.03)


def test_generated_names_have_the_spread_of_published_counts():
    rng = random.Random(3)
    people = [name_lists.make_name(rng) for _ in range(40_000)]
    kyrgyz_girls = [
        p
        for p in people
        if p["sex"] == "F"
        and p["given_name"] in name_lists.KYRGYZ_FEMALE + name_lists.KYRGYZ_FEMALE_MORE
    ]
    given = Counter(p["given_name"] for p in kyrgyz_girls)
    top = given.most_common(10)
    # Newborn girls of 2021: the first name 3.7 %, the first ten 28 %.
    assert 0.03 < top[0][1] / len(kyrgyz_girls) < 0.07
    assert 0.18 < sum(c for _n, c in top) / len(kyrgyz_girls) < 0.35
    family = Counter(p["family_name"] for p in people)
    # Kazakhstan's most common family name: 0.43 % of the population.
    assert family.most_common(1)[0][1] / len(people) < 0.015
    dense = [name_lists.make_name(rng, "dense") for _ in range(40_000)]
    dense_family = Counter(p["family_name"] for p in dense)
    assert dense_family.most_common(1)[0][1] / len(dense) > 0.015  # the harder draw stays


def test_a_crafted_file_cannot_make_a_quadratic_block(caplog):
    """Thirty thousand rows with one phone would be 450 million pairs on the phone rule
    alone: the rule is left out (and said so, without the value), the others stay."""
    records = [
        {**{k: v for k, v in r.items() if k != "cluster"}, "phones": ["+996 700 000 001"]}
        for r in generate(30_000, seed=4)
    ]
    _db_api, columns, _table = _register(records)
    assert engine.pairs_by_key(columns, ("phone",)) > engine.RULE_CAP
    with caplog.at_level("WARNING", logger="apps.linkage.engine"):
        rules = engine.blocking_rules(columns, len(records))
    phone_rule = next(r for c, r in engine.ALWAYS if c == ("phone",))
    assert phone_rule not in rules
    assert engine.ALWAYS[0][1] in rules and engine.ALWAYS[1][1] in rules
    assert "too many records agree" in caplog.text and "700" not in caplog.text


def test_the_swapped_date_rule_is_counted_as_a_join():
    records = [
        {"id": 1, "family_name": "A", "given_name": "B", "birth_date": "1990-01-02"},
        {"id": 2, "family_name": "C", "given_name": "D", "birth_date": "1990-01-02"},
        {"id": 3, "family_name": "E", "given_name": "F", "birth_date": "1990-02-01"},
    ]
    _db_api, columns, _table = _register(records)
    # 1990-02-01 swapped is 1990-01-02 (records 1 and 2), and 1990-01-02 swapped is
    # 1990-02-01 (record 3): four ordered pairs.
    assert engine.pairs_across(columns, "dob_swapped", "dob") == 4
