"""Probabilistic record linkage of people: splink on an in-memory DuckDB.

Splink compares records on columns computed in Python by apps.linkage.features
(names folded across scripts and romanisations, family names without the gendered
ending, the father's name out of a patronymic, whole or partial birth dates with the
day/month swap, phones and document numbers in one form), so its string functions
work on one spelling of each name.

Privacy: records are decrypted by the caller and handed over as Python values;
DuckDB runs in memory with spilling to disk switched off, so nothing decrypted is
written to a file (tests/test_linkage_cli.py checks the directory stays empty).

Scale: the model is splink's; the same settings run on splink's Spark backend
(`KOLDOO_LINKAGE_BACKEND=spark`, apps.linkage.spark) when one machine is outgrown:
`_db_api()` picks the backend, every SQL condition is declared in DuckDB's dialect so
that splink translates it for Spark, and results are read through `_local()` (a small
in-memory DuckDB) whichever backend computed them (decision 0036).
"""

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.conf import settings as django_settings
from splink import DuckDBAPI, Linker, block_on

from apps.linkage.features import features_of

logger = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).with_name("model.json")
# "More likely than not": with the prior estimated without chance agreements the
# probabilities are close to calibrated, and 0.5 is within 0.001 of the best F1 at
# 100,000 and 1,000,000 generated records (decision 0039, bench/RESULTS.md).
DEFAULT_THRESHOLD = 0.5
# Fewer records than this are too few to estimate the data's own name frequencies
# from: the shipped model's u probabilities are kept.
MIN_RECORDS_TO_ESTIMATE = 1000
# EM compares every pair of people with the same names, or with the same date of
# birth: those blocks grow with the square of the namesakes (87 million pairs at
# 1,000,000 records drawn from short name lists), so past this many records the
# shipped m probabilities are used as they are.
EM_UP_TO = 200_000


def _level(sql, label, *, null=False, m=None, u=None, tf=None):
    level = {"sql_condition": sql, "label_for_charts": label}
    if sql != "ELSE":  # DuckDB's SQL: splink translates it for Spark (decision 0036)
        level["base_dialect_str"] = "duckdb"
    if null:
        level["is_null_level"] = True
    if m is not None:
        level["m_probability"] = m
    if u is not None:
        level["u_probability"] = u
    if tf:
        # A common name agreeing says less than a rare one (term-frequency adjustment).
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
    return level


def _null(*cols):
    return " OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in cols)


def _jw(a, b, t):
    return f'jaro_winkler_similarity("{a}_l", "{b}_r") >= {t}'


def _dl(a, b, k):
    return f'damerau_levenshtein("{a}_l", "{b}_r") <= {k}'


# One name the same in either position, the other within two letters (a typo, a
# letter doubled or two swapped, in a short name).
_ONE_EXACT_OTHER_CLOSE = " OR ".join(
    f'("{a}_l" = "{b}_r" AND {_dl(c, d, 2)})'
    for a, b, c, d in [
        ("given_f", "given_f", "family_f", "family_f"),
        ("family_f", "family_f", "given_f", "given_f"),
        ("given_f", "family_f", "family_f", "given_f"),
        ("family_f", "given_f", "given_f", "family_f"),
    ]
)
_ONE_NAME_MISSING = (
    '("given_f_l" IS NULL OR "family_f_l" IS NULL OR "given_f_r" IS NULL OR "family_f_r" IS NULL)'
)
# With one name unknown, the name that is known may sit in either field of the other.
_SOME_NAME_CLOSE = " OR ".join(
    f'jaro_winkler_similarity(coalesce("given_f_{x}", "family_f_{x}"), "{c}_{y}") >= 0.88'
    for x, y in (("l", "r"), ("r", "l"))
    for c in ("given_f", "family_f")
)


_NO_EVIDENCE = {
    "m_probability": 0.5,
    "u_probability": 0.5,
    "fix_m_probability": True,
    "fix_u_probability": True,
}


def comparisons() -> list[dict]:
    """The comparisons, most informative levels first (splink takes the first level
    whose condition holds)."""
    return [
        {
            "output_column_name": "name",
            "comparison_description": "given and family name, folded, in either order",
            "comparison_levels": [
                _level(
                    '("given_f_l" IS NULL AND "family_f_l" IS NULL)'
                    ' OR ("given_f_r" IS NULL AND "family_f_r" IS NULL)',
                    "null",
                    null=True,
                ),
                # Term frequencies of the names as written in their fields, for both
                # levels: splink weighs a name's frequency against the u of the level
                # that is a plain equality on the frequency column, which must be
                # "exact" (it was "swapped" once, whose u is fifteen times smaller: every
                # exact name lost four bits; decision 0039).
                _level('"names_ordered_l" = "names_ordered_r"', "exact", tf="names_ordered"),
                # After "exact", equal sorted names are the swapped ones.
                _level('"names_sorted_l" = "names_sorted_r"', "swapped", tf="names_ordered"),
                _level(
                    f"{_jw('given_f', 'given_f', 0.88)} AND {_jw('family_f', 'family_f', 0.9)}",
                    "close",
                    tf="names_ordered",
                ),
                _level(
                    f"{_jw('given_f', 'family_f', 0.88)} AND {_jw('family_f', 'given_f', 0.9)}",
                    "close swapped",
                    tf="names_ordered",
                ),
                _level(
                    '"family_f_l" = "family_f_r" AND ("given_f_l" IS NULL OR "given_f_r" IS NULL)',
                    "family, given unknown",
                ),
                _level(
                    '"given_f_l" = "given_f_r" AND ("family_f_l" IS NULL OR "family_f_r" IS NULL)',
                    "given, family unknown",
                ),
                _level(_ONE_EXACT_OTHER_CLOSE, "one exact, other two letters", tf="names_ordered"),
                _level(
                    f"{_ONE_NAME_MISSING} AND ({_SOME_NAME_CLOSE})", "one name unknown, other close"
                ),
                _level('"family_f_l" = "family_f_r"', "family only"),
                _level(
                    f'"given_f_l" = "given_f_r" AND {_jw("family_f", "family_f", 0.75)}',
                    "given, family partly",
                ),
                _level(
                    f"{_jw('given_f', 'given_f', 0.8)} AND {_jw('family_f', 'family_f', 0.8)}",
                    "both partly",
                ),
                _level(_ONE_NAME_MISSING, "one name unknown, other differs"),
                _level("ELSE", "else"),
            ],
        },
        {
            "output_column_name": "patronymic",
            "comparison_description": "father's name from the patronymic",
            "comparison_levels": [
                _level(_null("patronymic_f"), "null", null=True),
                # A common father's name agreeing says less than a rare one.
                _level('"patronymic_f_l" = "patronymic_f_r"', "exact", tf="patronymic_f"),
                _level(_jw("patronymic_f", "patronymic_f", 0.88), "close"),
                _level("ELSE", "else"),
            ],
        },
        {
            "output_column_name": "birth_date",
            "comparison_description": "whole or partial date of birth",
            "comparison_levels": [
                _level(_null("dob_year"), "null", null=True),
                _level('"dob_l" = "dob_r"', "exact"),
                _level('"dob_swapped_l" = "dob_r"', "day/month swapped"),
                _level(
                    '"dob_ym_l" = "dob_ym_r" AND ("dob_l" IS NULL OR "dob_r" IS NULL)',
                    "partial month",
                ),
                _level(
                    '"dob_year_l" = "dob_year_r" AND ("dob_ym_l" IS NULL OR "dob_ym_r" IS NULL)',
                    "partial year",
                ),
                _level('damerau_levenshtein("dob_l", "dob_r") <= 1', "one character"),
                _level('abs("dob_days_l" - "dob_days_r") <= 31', "within a month"),
                _level('damerau_levenshtein("dob_l", "dob_r") <= 2', "two characters"),
                _level('"dob_year_l" = "dob_year_r"', "same year"),
                _level('abs("dob_days_l" - "dob_days_r") <= 366', "within a year"),
                _level('abs("dob_year_l" - "dob_year_r") <= 10', "within ten years"),
                _level("ELSE", "else"),
            ],
        },
        _shared_list("phone", "phones"),
        _shared_list("document", "documents"),
        {
            "output_column_name": "sex",
            "comparison_description": "sex: only a difference counts",
            # Names are gendered: two people with the same names are nearly always of
            # one sex, matches or not, so the same sex is no evidence beyond the names
            # (weighing it doubled the odds of every namesake). A different sex is
            # evidence against.
            "comparison_levels": [
                _level(_null("sex"), "null", null=True),
                # m and u fixed equal: a weight of zero.
                {**_level('"sex_l" = "sex_r"', "same"), **_NO_EVIDENCE},
                _level("ELSE", "differ"),
            ],
        },
    ]


def _shared_list(name, column):
    return {
        "output_column_name": name,
        "comparison_description": f"a {name} in common",
        "comparison_levels": [
            _level(_null(column), "null", null=True),
            _level(f'array_length(array_intersect("{column}_l", "{column}_r")) > 0', "shared"),
            _level("ELSE", "else"),
        ],
    }


# Which pairs are compared at all. The rules of ALWAYS are selective whatever the
# register; each rule of BY_BUDGET finds pairs the others miss (a record without a
# date, a wrong year) but grows with the square of the people sharing its key, so it is
# used only where it makes at most PAIR_BUDGET pairs on this register. How many
# namesakes a register holds, not its size, decides: a million people with a country's
# spread of names share names in about 7 million pairs, a million drawn from short lists
# in 87 million (bench/RESULTS.md "Linkage").
PAIR_BUDGET = 20_000_000
# Below WIDE_BLOCKING_UP_TO records (a file checked before an import) one name alone
# is enough, as in splink's tutorial.
WIDE_BLOCKING_UP_TO = 5_000

# A rule of ALWAYS is dropped only past RULE_CAP pairs: no register of people comes
# near it (the largest makes 25 million at a million generated records), a crafted file
# does (ten thousand rows with one phone are fifty million pairs), and it would exhaust
# the machine before splink answered.
RULE_CAP = 200_000_000
# (what its pairs agree on, the rule); SWAPPED_DATE is counted as a join of its own.
SWAPPED_DATE = ("dob_swapped", "dob")
ALWAYS = [
    (("names_sorted", "dob_year"), block_on("names_sorted", "dob_year")),
    (("dob",), block_on("dob")),
    (SWAPPED_DATE, "l.dob_swapped = r.dob"),
    # The family name and year with the given name's initial: without it a common
    # family name in one year is tens of thousands of people in a national register.
    (
        ("family_f", "dob_year", "substr(given_f, 1, 1)"),
        "l.family_f = r.family_f AND l.dob_year = r.dob_year"
        " AND substr(l.given_f, 1, 1) = substr(r.given_f, 1, 1)",
    ),
    (("given_f", "dob_ym"), block_on("given_f", "dob_ym")),
    (
        ("given_f", "dob_year", "substr(family_f, 1, 1)"),
        "l.given_f = r.given_f AND l.dob_year = r.dob_year"
        " AND substr(l.family_f, 1, 1) = substr(r.family_f, 1, 1)",
    ),
    (("given_f", "patronymic_f", "dob_year"), block_on("given_f", "patronymic_f", "dob_year")),
    (("phone",), block_on("phone")),
    (("document",), block_on("document")),
]
# (columns whose equality makes the rule's pairs, the rule), most useful first.
BY_BUDGET = [
    (("names_sorted",), block_on("names_sorted")),
    (("family_f", "dob_year"), block_on("family_f", "dob_year")),
    (("given_f", "patronymic_f"), block_on("given_f", "patronymic_f")),
    (("family_f", "patronymic_f"), block_on("family_f", "patronymic_f")),
]
WIDE = [
    block_on("family_f"),
    block_on("given_f"),
    "l.family_f = r.family_f AND substr(l.given_f, 1, 1) = substr(r.given_f, 1, 1)",
    "l.given_f = r.given_f AND substr(l.family_f, 1, 2) = substr(r.family_f, 1, 2)",
]


def _feature_rows_db(table):
    con = duckdb.connect(":memory:")
    con.execute("SET temp_directory = ''")  # decrypted values stay in memory
    con.register("feature_rows", table)
    return con


def _key(expression: str) -> str:
    return f'"{expression}"' if expression.isidentifier() else expression


def pairs_by_key(table, columns: tuple[str, ...]) -> int:
    """How many pairs of records of `table` (an Arrow table of feature rows) agree on
    every one of `columns` (column names, or our own expressions on them): the size of a
    blocking rule on them."""
    con = _feature_rows_db(table)
    known = " AND ".join(f"{_key(c)} IS NOT NULL" for c in columns)
    keys = ", ".join(_key(c) for c in columns)
    # Our own column names and expressions only: no input reaches the SQL text.
    sql = f"SELECT count(*) AS c FROM feature_rows WHERE {known} GROUP BY {keys}"  # noqa: S608
    (pairs,) = con.execute(f"SELECT coalesce(sum(c * (c - 1) // 2), 0) FROM ({sql})").fetchone()  # noqa: S608
    con.close()
    return int(pairs)


def pairs_across(table, left: str, right: str) -> int:
    """How many pairs a rule `l.left = r.right` makes on `table` (the swapped date)."""
    con = _feature_rows_db(table)
    (pairs,) = con.execute(
        # Our own column names only: no input reaches the SQL text.
        f"SELECT coalesce(sum(a.c * b.c), 0) FROM"  # noqa: S608
        f' (SELECT "{left}" AS v, count(*) AS c FROM feature_rows GROUP BY 1) a JOIN'
        f' (SELECT "{right}" AS v, count(*) AS c FROM feature_rows GROUP BY 1) b USING (v)'
    ).fetchone()
    con.close()
    return int(pairs)


def blocking_rules(table=None, n: int = 0) -> list:
    """Which pairs are compared: ALWAYS (unless a rule passes RULE_CAP), the rules of
    BY_BUDGET this register can afford (all of them without a `table` to count on), and
    one name alone on a small file. Together they cover a name typo with a known date,
    swapped names, a swapped or partial date, a shared number whatever the name, and
    (within budget) a record without a date."""
    rules = []
    for columns, rule in ALWAYS:
        if table is None:
            rules.append(rule)
            continue
        size = pairs_across(table, *columns) if columns == SWAPPED_DATE else None
        if (size if size is not None else pairs_by_key(table, columns)) <= RULE_CAP:
            rules.append(rule)
        else:  # a crafted file, or a register of one family: say so, without values
            logger.warning("Blocking on %s left out: too many records agree on it.", columns)
    for columns, rule in BY_BUDGET:
        if table is None or pairs_by_key(table, columns) <= PAIR_BUDGET:
            rules.append(rule)
    if n <= WIDE_BLOCKING_UP_TO:
        rules += WIDE
    return rules


def settings(model: dict | None = None, n: int = 0, table=None) -> dict:
    """The splink settings: our comparisons, with the trained m and u of `model`, and
    the blocking rules `table` (the feature rows, when given) can afford."""
    out = {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": 0.0005,
        "blocking_rules_to_generate_predictions": [
            {
                "blocking_rule": r
                if isinstance(r, str)
                else r.get_blocking_rule("duckdb").blocking_rule_sql,
                "sql_dialect": "duckdb",  # translated for Spark (decision 0036)
            }
            for r in blocking_rules(table, n)
        ],
        "comparisons": comparisons(),
        "retain_intermediate_calculation_columns": True,
        "retain_matching_columns": False,
    }
    if model:
        out["probability_two_random_records_match"] = model["probability_two_random_records_match"]
        trained = {c["output_column_name"]: c for c in model["comparisons"]}
        for comparison in out["comparisons"]:
            levels = trained.get(comparison["output_column_name"], {}).get("comparison_levels", [])
            by_label = {lv["label_for_charts"]: lv for lv in levels}
            for level in comparison["comparison_levels"]:
                known = by_label.get(level["label_for_charts"], {})
                for key in ("m_probability", "u_probability"):
                    if key in known:
                        level[key] = known[key]
    return out


def shipped_model() -> dict | None:
    if MODEL_FILE.exists():
        return json.loads(MODEL_FILE.read_text())
    return None


def feature_rows(records) -> list[dict]:
    """The linker's input rows from records given as dicts with `id` and the parts
    that apps.linkage.features.features_of reads."""
    rows = []
    for r in records:
        f = features_of(
            family_name=r.get("family_name", ""),
            given_name=r.get("given_name", ""),
            patronymic=r.get("patronymic", ""),
            birth_date=r.get("birth_date", ""),
            sex=r.get("sex", ""),
            phones=r.get("phones", ()),
            document_numbers=r.get("document_numbers", ()),
        )
        row = {"unique_id": str(r["id"]), **f.row()}
        if "cluster" in r:  # the truth, when training on generated data
            row["cluster"] = str(r["cluster"])
        rows.append(row)
    return rows


def _db_api():
    """splink's database: an in-memory DuckDB, or Spark past one machine
    (KOLDOO_LINKAGE_BACKEND=spark, apps.linkage.spark, decision 0036)."""
    if getattr(django_settings, "KOLDOO_LINKAGE_BACKEND", "duckdb") == "spark":
        from apps.linkage import spark  # PySpark only where requirements-spark.txt is installed

        return spark.api()
    # In memory, and no spilling: decrypted names must never reach a file.
    con = duckdb.connect(":memory:")
    con.execute("SET temp_directory = ''")
    con.execute("SET enable_external_access = false")
    return DuckDBAPI(connection=con)


def _local(table) -> str:
    """The name under which splink's `table` reads in `db_api.duckdb_con`: the table
    itself on DuckDB; on Spark a copy splink makes in its local DuckDB (the engine
    reads only ids, probabilities and weights this way)."""
    table.as_duckdbpyrelation()
    return table.physical_name


@dataclass
class LinkResult:
    pairs: list[tuple[str, str, float, list[str]]]
    clusters: dict[str, str] | None = None


def _columns(rows: list[dict]) -> dict[str, list]:
    """Column-wise input with explicit types (pyarrow cannot guess a type for a
    column that is all empty)."""
    import pyarrow as pa

    types = {
        "unique_id": pa.string(),
        "dob_year": pa.int32(),
        "dob_days": pa.int32(),
        "phones": pa.list_(pa.string()),
        "documents": pa.list_(pa.string()),
    }
    names = list(rows[0]) if rows else []
    return pa.table(
        {n: pa.array([r[n] for r in rows], type=types.get(n, pa.string())) for n in names}
    )


def link(
    records,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    clusters: bool = False,
    train: bool | None = None,
    em: bool | None = None,
    model: dict | None = None,
    population: int | None = None,
) -> LinkResult:
    """Candidate pairs (id, id, probability, agreeing fields) at or above `threshold`,
    and with `clusters` each id's cluster id. `train` re-estimates the u
    probabilities and the prior on the records themselves (default: when there are
    enough of them); `em` also fits the m probabilities to them, averaged with the
    shipped model's (default: from MIN_RECORDS_TO_ESTIMATE to EM_UP_TO records).
    `population` is the size of the register the records were picked from
    (incremental runs)."""
    rows = feature_rows(records)
    if len(rows) < 2:
        return LinkResult([], {r["unique_id"]: r["unique_id"] for r in rows} if clusters else None)
    model = model if model is not None else shipped_model()
    if train is None:
        train = len(rows) >= MIN_RECORDS_TO_ESTIMATE
    db_api = _db_api()
    columns = _columns(rows)
    table = db_api.register(columns)
    chosen = settings(model, len(rows), columns)
    if not train:
        # The prior is that of the whole register when only part of it is linked.
        chosen["probability_two_random_records_match"] = small_set_prior(population or len(rows))
    linker = Linker(table, chosen, log_level=None)
    if train or model is None:
        if em is None:  # EM on files big enough to train on, while its blocks stay small
            em = MIN_RECORDS_TO_ESTIMATE <= len(rows) <= EM_UP_TO
        fitted = estimate(
            linker,
            len(rows),
            em=em or model is None,
            table=columns,
            recall=(model or {}).get("prior_rules_recall", PRIOR_RECALL),
        )
        if fitted:
            linker = Linker(table, fitted, log_level=None)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    pairs = _pairs(predictions)
    cluster_of = None
    if clusters:
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        )
        cluster_of = {
            str(uid): str(cid)
            for uid, cid in db_api.duckdb_con.execute(
                # Splink's own table name; no input reaches the SQL text.
                f"SELECT unique_id, cluster_id FROM {_local(clustered)}"  # noqa: S608
            ).fetchall()
        }
    return LinkResult(pairs, cluster_of)


def small_set_prior(n: int) -> float:
    """The prior for a set too small to estimate it from: about one record in ten
    having a duplicate (an organisation's register), as a share of all pairs."""
    return min(0.5, 0.2 / max(1, n - 1))


def train_model(records) -> Linker:
    """A model trained on generated records with the truth (`cluster`): u from random
    pairs, m from the labels. Its parameters become the shipped model (save_model)."""
    rows = feature_rows(records)
    db_api = _db_api()
    linker = Linker(db_api.register(_columns(rows)), settings(None, len(rows)), log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_m_from_label_column("cluster")
    return linker


def _sql(rule) -> str:
    return rule if isinstance(rule, str) else rule.get_blocking_rule("duckdb").blocking_rule_sql


def prior_rules_recall(records) -> float:
    """The share of true pairs (records with the same `cluster`) that PRIOR_RULES find:
    learnt with the m probabilities instead of assuming splink's customary 0.7."""
    con = _feature_rows_db(_columns(feature_rows(records)))
    found = " OR ".join(f"({_sql(r)})" for r in PRIOR_RULES)
    # Our own rules and column names only: no input reaches the SQL text.
    hits, pairs = con.execute(
        f"SELECT count(*) FILTER (WHERE {found}), count(*) FROM feature_rows l"  # noqa: S608
        " JOIN feature_rows r ON l.cluster = r.cluster AND l.unique_id < r.unique_id"
    ).fetchone()
    con.close()
    return hits / pairs if pairs else PRIOR_RECALL


# Pairs these rules find are near-certain matches; the prior is their count, less the
# pairs they find by chance, over the share of all matches they find (estimate_prior).
# The first rule (same whole date and one name the same) keeps that share high also
# where names carry typos or one name is missing.
PRIOR_RULES = [
    "l.dob = r.dob AND (l.given_f = r.given_f OR l.family_f = r.family_f)",
    block_on("names_sorted", "dob_year"),
    block_on("document"),
]
# Weight of the shipped model's m probabilities against those EM finds on the file:
# EM alone fits each file's own errors (typos, wrong years, a name missing) but on
# registers full of namesakes it learns that "same name, same year" is a match; the
# average keeps both (docs/decisions/0027).
SHIPPED_M_WEIGHT = 1.0

# The share of matches PRIOR_RULES find when the shipped model does not say
# (prior_rules_recall, learnt from labelled records): splink's customary value.
PRIOR_RECALL = 0.7


def chance_agreements(table) -> float:
    """How many pairs of different people PRIOR_RULES are expected to find by chance
    in `table` (feature rows): namesakes born the same year, people born the same day
    who share a given or a family name. Names and dates are taken as independent
    among different people; document numbers do not agree by chance."""
    n = table.num_rows
    total = n * (n - 1) / 2 or 1
    same_names = pairs_by_key(table, ("names_sorted",))
    same_day = pairs_by_key(table, ("dob",))
    one_name = (
        pairs_by_key(table, ("given_f",))
        + pairs_by_key(table, ("family_f",))
        - pairs_by_key(table, ("given_f", "family_f"))
    ) / total
    same_year = pairs_by_key(table, ("dob_year",)) / total
    # Namesakes born the same day satisfy both rules: counted once.
    return same_names * same_year + same_day * one_name - same_names * (same_day / total)


def estimate_prior(linker: Linker, table, recall: float = PRIOR_RECALL) -> float:
    """The probability that two records picked at random are the same person:
    splink's count of pairs near-certain rules find, less those expected by chance,
    over the share of matches the rules find (`recall`: the shipped model's, learnt
    from labelled records, else splink's customary 0.7). Without the chance
    term the estimate grows with the register's namesakes (ten times the truth at
    1,000,000 generated records, bench/RESULTS.md)."""
    linker.training.estimate_probability_two_random_records_match(PRIOR_RULES, recall=recall)
    n = table.num_rows
    total = n * (n - 1) / 2 or 1
    found = linker._settings_obj._probability_two_random_records_match * recall * total
    # At least one pair in ten of those found stays: the chance term is an estimate.
    matches = max(found - chance_agreements(table), found / 10)
    prior = matches / recall / total
    linker._settings_obj._probability_two_random_records_match = prior
    return prior


def estimate(
    linker: Linker, n: int, *, em: bool, table=None, recall: float = PRIOR_RECALL
) -> dict | None:
    """Fit the model to the data: the prior from near-certain rules less chance
    agreements (with `table`, the feature rows), the u probabilities from random
    pairs, and with `em` the m probabilities too (averaged with the starting
    model's). Returns the settings to predict with when they are not the linker's
    own."""
    if table is not None:
        estimate_prior(linker, table, recall)
    else:
        linker.training.estimate_probability_two_random_records_match(PRIOR_RULES, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=min(2e6, n * n / 2), seed=1)
    if not em:
        return None
    start = linker.misc.save_model_to_json()
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("names_sorted"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob"), estimate_without_term_frequencies=True
    )
    fitted = linker.misc.save_model_to_json()
    started_from_model = any(
        lv.get("m_probability") for c in start["comparisons"] for lv in c["comparison_levels"]
    )
    return _blend(fitted, start) if started_from_model else None


def _blend(fitted: dict, start: dict) -> dict:
    """`fitted` with each m probability averaged with `start`'s (SHIPPED_M_WEIGHT)."""
    before = {
        (c["output_column_name"], lv["label_for_charts"]): lv.get("m_probability")
        for c in start["comparisons"]
        for lv in c["comparison_levels"]
    }
    for comparison in fitted["comparisons"]:
        for level in comparison["comparison_levels"]:
            old = before.get((comparison["output_column_name"], level["label_for_charts"]))
            new = level.get("m_probability")
            if old is not None and new is not None:
                level["m_probability"] = (new + SHIPPED_M_WEIGHT * old) / (1 + SHIPPED_M_WEIGHT)
            elif old is not None:
                level["m_probability"] = old
    return fitted


def _pairs(predictions) -> list[tuple[str, str, float, list[str]]]:
    """The predicted pairs with the comparisons that speak for a match (a positive
    partial match weight), best first."""
    con = predictions.db_api.duckdb_con
    names = [c["output_column_name"] for c in comparisons()]
    weights = ", ".join(f'"mw_{n}"' for n in names)
    # Splink's table name and our column names only: no input reaches the SQL text.
    sql = f"SELECT unique_id_l, unique_id_r, match_probability, {weights} FROM "  # noqa: S608
    rows = con.execute(
        sql + f"{_local(predictions)} ORDER BY match_probability DESC, unique_id_l"
    ).fetchall()
    return [
        (row[0], row[1], float(row[2]), [n for n, w in zip(names, row[3:], strict=True) if w > 0])
        for row in rows
    ]


# Generated data never shows some disagreements among true matches (a person's phone
# or document changes, a sex mistyped); real registers do. Their m probabilities are
# kept at least at these values so that one disagreement cannot veto a match.
M_FLOORS = {
    ("phone", "else"): 0.3,
    ("document", "else"): 0.3,
    ("sex", "differ"): 0.02,  # m of "same" is fixed (no evidence)
    ("birth_date", "else"): 0.02,
    ("patronymic", "else"): 0.05,
}


def _with_floors(model: dict) -> dict:
    for comparison in model["comparisons"]:
        levels = [
            lv
            for lv in comparison["comparison_levels"]
            if not lv.get("is_null_level") and not lv.get("fix_m_probability")
        ]
        for level in levels:
            key = (comparison["output_column_name"], level["label_for_charts"])
            floor = M_FLOORS.get(key, 0.001)
            if level.get("m_probability") is None or level["m_probability"] < floor:
                level["m_probability"] = floor
            # A level never seen among random pairs is rare, not impossible.
            if level.get("u_probability") is None or level["u_probability"] < 1e-6:
                level["u_probability"] = 1e-6
        if any(lv.get("fix_m_probability") for lv in comparison["comparison_levels"]):
            continue  # a fixed level's m is a weight of its own, not a share of one
        total = sum(lv["m_probability"] for lv in levels)
        for level in levels:
            level["m_probability"] /= total
    return model


def save_model(linker: Linker, path: Path = MODEL_FILE, *, prior_recall: float | None = None):
    """Keep a trained model's parameters (no data in it) as the shipped model, with
    the share of matches PRIOR_RULES find (prior_rules_recall) when given."""
    model = _with_floors(linker.misc.save_model_to_json(overwrite=True))
    model.pop("linker_uid", None)  # random per run: the file stays reproducible
    if prior_recall is not None:
        model["prior_rules_recall"] = round(prior_recall, 4)
    # Replaced at once: a linker starting meanwhile reads the old file or the new one.
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(model, indent=1, sort_keys=True))
    tmp.replace(path)


logging.getLogger("splink").setLevel(logging.WARNING)
