"""Benchmark: name search over 1,000,000 people on PostgreSQL (latency and recall).

    .venv/bin/python bench/bench_search.py [--reload] [--queries 300] [--explain]

Loads (once) 1,000,000 fictitious people of one organisation plus a small
second organisation into a dedicated database (see bench/benchdb.py), then
times apps.people.selectors.search_people on 300 queries of seven kinds and
reports p50/p95/p99 latency and recall@10 per kind. Target: p95 <= 20 ms.

Names come from hundreds of given and family names with Zipf-like frequencies
(bench/benchdb.py), so most full names are rare and a few are common. Strict
recall@10 counts a hit only when the target person is in the first ten
results. The tie-aware recall@10 also counts a person whose normalised name
tokens are exactly the target's (namesakes tie and the query cannot tell them
apart); for a family-name-only query, a person with the same normalised family
name. Both are printed, with how many namesakes the targets have.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb  # noqa: E402

KINDS = (
    "other_script",
    "letter_wrong",
    "letter_missing",
    "letter_doubled",
    "swapped",
    "russian_typed",
    "family_only",
)
ORDER = ("family_name", "given_name", "patronymic")
CYRILLIC_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяңөү"
LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"
KYRGYZ_LETTERS = set("ңөүҢӨҮ")


def is_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def joined(name: dict, order=ORDER) -> str:
    return " ".join(name[k] for k in order if name[k])


def edit_word(word: str, op: str, rng: random.Random) -> str:
    """One letter of the word wrong, missing or doubled."""
    i = rng.choice([i for i, ch in enumerate(word) if ch.isalpha()])
    ch = word[i]
    if op == "wrong":
        alphabet = CYRILLIC_LETTERS if is_cyrillic(ch) else LATIN_LETTERS
        new = rng.choice([c for c in alphabet if c != ch.lower()])
        return word[:i] + (new.upper() if ch.isupper() else new) + word[i + 1 :]
    if op == "missing":
        return word[:i] + word[i + 1 :]
    return word[: i + 1] + ch.lower() + word[i + 1 :]


def make_query(kind: str, original: dict, stored: dict, rng: random.Random) -> str:
    from apps.people.demo_names import romanise, russian_typed, spelled
    from apps.people.name_keys import name_tokens

    if kind == "other_script":
        if is_cyrillic(joined(stored)):
            scheme = rng.choice(["icao", "old", "informal"])
            return " ".join(romanise(original[k], scheme) for k in ORDER if original[k])
        return joined(original)
    if kind == "russian_typed":
        return russian_typed(joined(original))
    variant = spelled(original, rng)  # any script or scheme
    if kind == "swapped":
        return joined(variant, ("given_name", "family_name", "patronymic"))
    if kind == "family_only":
        return variant["family_name"]
    op = kind.removeprefix("letter_")
    for _attempt in range(20):
        changed = dict(variant)
        part = rng.choice(["family_name", "given_name"])
        changed[part] = edit_word(variant[part], op, rng)
        query = joined(changed)
        # A wrong or missing letter that normalisation absorbs is no error: draw again.
        if op == "doubled" or name_tokens(query) != name_tokens(joined(variant)):
            return query
    return query


def build_queries(n: int) -> list[dict]:
    """n queries, kinds in turn, each with a distinct random target of the main organisation."""
    rng = random.Random("koldoo-bench-queries")
    used: set[int] = set()
    queries = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        while True:
            number = rng.randrange(1, benchdb.N_PEOPLE + 1)
            if number in used:
                continue
            original, stored, _ = benchdb.person_name(benchdb.MAIN, number)
            if kind == "russian_typed" and not KYRGYZ_LETTERS & set(joined(original)):
                continue
            break
        used.add(number)
        queries.append(
            {
                "kind": kind,
                "target": benchdb.id_base(benchdb.MAIN) + number,
                "stored": stored,
                "query": make_query(kind, original, stored, rng),
            }
        )
    return queries


def run_query(membership, text: str) -> tuple[list, float, list[tuple[str, tuple, float]]]:
    """search_people once: (results, seconds, [(sql, params, seconds) per SQL statement])."""
    from django.db import connection

    from apps.people.selectors import search_people

    statements = []

    def timer(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((sql, params, time.perf_counter() - t))

    with connection.execute_wrapper(timer):
        t0 = time.perf_counter()
        results = search_people(membership, text)
        seconds = time.perf_counter() - t0
    return results, seconds, statements


def judge(q: dict, results: list) -> dict:
    from apps.people.name_keys import name_tokens

    s = q["stored"]
    top = results[:10]
    strict = any(p.pk == q["target"] for p in top)
    if q["kind"] == "family_only":
        want = name_tokens(s["family_name"])
        twins = [p for p in top if name_tokens(p.family_name) == want]
    else:
        want = set(name_tokens(s["family_name"], s["given_name"], s["patronymic"]))
        twins = [
            p for p in top if set(name_tokens(p.family_name, p.given_name, p.patronymic)) == want
        ]
    return {"strict": strict, "hit": strict or bool(twins), "twins": len(twins)}


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (other work on the machine skews latency)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def table(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def explain(sql: str, params) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(r[0] for r in cur.fetchall())


def key_figures(main_org_id: int) -> None:
    from apps.people.name_keys import name_tokens, stored_keys

    with benchdb.connect() as conn:
        n_keys = conn.execute(
            "SELECT count(*) FROM people_personnamekey k"
            " JOIN people_person p ON p.id = k.person_id WHERE p.organization_id = %s",
            [main_org_id],
        ).fetchone()[0]
        size = conn.execute(
            "SELECT pg_size_pretty(pg_table_size('people_personnamekey')),"
            " pg_size_pretty(pg_relation_size('person_name_key_idx')),"
            " pg_size_pretty(pg_total_relation_size('people_personnamekey'))"
        ).fetchone()
    benchdb.log(
        f"\nkey rows: {n_keys:,} for {benchdb.N_PEOPLE:,} people = "
        f"{n_keys / benchdb.N_PEOPLE:.1f} per person; table {size[0]}, "
        f"(key, person_id) index {size[1]}, with all indexes {size[2]}"
    )
    by_count: dict[int, list[int]] = {}
    for number in range(1, 20_001):
        _o, s, _r = benchdb.person_name(benchdb.MAIN, number)
        tokens = name_tokens(s["family_name"], s["given_name"], s["patronymic"])
        by_count.setdefault(len(tokens), []).append(len(stored_keys(tokens)))
    parts = [
        f"{k} tokens: {len(v) / 200:.0f}% of people, {statistics.mean(v):.1f} keys"
        for k, v in sorted(by_count.items())
    ]
    benchdb.log("key rows per person by name tokens (first 20,000 people): " + "; ".join(parts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reload", action="store_true", help="load the people again")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--passes", type=int, default=3, help="measured passes (default 3)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest")
    args = parser.parse_args()

    benchdb.setup()
    state = benchdb.ensure_people(reload=args.reload)
    benchdb.log(
        f"load: {state['seconds']:.0f} s in all = generate, encrypt, hash, COPY "
        f"{state['seconds_copy']:.0f} s ({state['processes']} processes) + indexes "
        f"{state['seconds_index']:.0f} s + VACUUM ANALYZE {state['seconds_vacuum']:.0f} s"
    )
    membership = benchdb.bench_membership()
    key_figures(membership.organization_id)

    queries = build_queries(args.queries)
    benchdb.log(f"\n{len(queries)} queries; examples:")
    for q in queries[: len(KINDS)]:
        benchdb.log(f"  {q['kind']:<15} {q['query']!r}  (stored: {joined(q['stored'])!r})")

    t0 = time.perf_counter()
    for q in queries:  # warm-up: every query once
        run_query(membership, q["query"])
    benchdb.log(f"warm-up pass: {time.perf_counter() - t0:.1f} s")

    benchdb.log(f"load average before the measured passes: {load_average()}")
    for q in queries:
        q["samples"] = []
    for _pass in range(args.passes):
        for q in queries:
            results, seconds, statements = run_query(membership, q["query"])
            assert all(p.organization_id == membership.organization_id for p in results)
            q.update(judge(q, results))
            q["n_results"] = len(results)
            q["samples"].append((seconds, statements))
    benchdb.log(f"load average after: {load_average()}")
    for q in queries:
        # Each figure below is the query's median over the passes.
        q["seconds"] = statistics.median(s[0] for s in q["samples"])
        q["db"] = statistics.median(sum(x[2] for x in s[1]) for s in q["samples"])
        # The last statement fetches the people; the ones before rank name keys.
        q["agg"] = statistics.median(sum(x[2] for x in s[1][:-1]) for s in q["samples"])
        q["fetch"] = statistics.median(s[1][-1][2] if s[1] else 0.0 for s in q["samples"])
        q["sql"] = q["samples"][-1][1]

    rows = []
    for kind in (*KINDS, None):
        sel = [q for q in queries if kind is None or q["kind"] == kind]
        lat = [q["seconds"] for q in sel]
        rows.append(
            [
                kind or "**all**",
                str(len(sel)),
                ms(benchdb.percentile(lat, 50)),
                ms(benchdb.percentile(lat, 95)),
                ms(benchdb.percentile(lat, 99)),
                f"{sum(q['hit'] for q in sel) / len(sel):.2f}",
                f"{sum(q['strict'] for q in sel) / len(sel):.2f}",
                ms(statistics.mean(q["db"] for q in sel)),
                ms(statistics.mean(q["seconds"] - q["db"] for q in sel)),
            ]
        )
    header = [
        "kind",
        "n",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "recall@10",
        "strict recall@10",
        "mean SQL ms",
        "mean Python ms",
    ]
    benchdb.log(
        f"\nlatency of search_people: each query's median over {args.passes} passes, "
        "then percentiles over the queries\n" + table(rows, header)
    )
    benchdb.log(
        f"recall@10 over all {len(queries)} queries: strict (the person asked for) "
        f"{sum(q['strict'] for q in queries) / len(queries):.2f}, tie-aware (or a namesake) "
        f"{sum(q['hit'] for q in queries) / len(queries):.2f}"
    )
    pooled = [s[0] for q in queries for s in q["samples"]]
    benchdb.log(
        f"every sample pooled ({len(pooled)}): p50 {ms(benchdb.percentile(pooled, 50))}, "
        f"p95 {ms(benchdb.percentile(pooled, 95))}, p99 {ms(benchdb.percentile(pooled, 99))} ms"
    )

    cross = [q for q in queries if is_cyrillic(q["query"]) != is_cyrillic(joined(q["stored"]))]
    same = [q for q in queries if q not in cross and q["kind"] != "family_only"]
    cross = [q for q in cross if q["kind"] != "family_only"]
    for label, sel in (("query in the other script", cross), ("query in the same script", same)):
        benchdb.log(
            f"{label} (full-name queries): n={len(sel)}, "
            f"recall@10 {sum(q['hit'] for q in sel) / max(1, len(sel)):.2f}"
        )

    lat = [q["seconds"] for q in queries]
    benchdb.log(
        "\nwhere the time goes (per query, mean / p95 ms): "
        f"total {ms(statistics.mean(lat))} / {ms(benchdb.percentile(lat, 95))}; "
        f"SQL ranking name keys {ms(statistics.mean(q['agg'] for q in queries))} / "
        f"{ms(benchdb.percentile([q['agg'] for q in queries], 95))}; "
        f"SQL fetching the candidates {ms(statistics.mean(q['fetch'] for q in queries))} / "
        f"{ms(benchdb.percentile([q['fetch'] for q in queries], 95))}; "
        "Python (tokens, HMAC, decrypt the page) "
        f"{ms(statistics.mean(q['seconds'] - q['db'] for q in queries))} / "
        f"{ms(benchdb.percentile([q['seconds'] - q['db'] for q in queries], 95))}"
    )
    benchdb.log(
        f"results per query: median {statistics.median(q['n_results'] for q in queries):.0f}; "
        f"SQL statements per query: {max(len(q['sql']) for q in queries)}"
    )
    check_single_token_path(membership, queries)
    benchdb.log("loading candidates (20 runs each):")
    decrypt_cost(membership)

    misses = [q for q in queries if not q["hit"]]
    if misses:
        benchdb.log(f"\nmisses ({len(misses)}):")
        for q in misses[:30]:
            benchdb.log(f"  {q['kind']:<15} {q['query']!r}  (stored: {joined(q['stored'])!r})")

    if args.explain or benchdb.percentile(lat, 95) >= 0.100:
        for label, sel in (
            ("slowest query", queries),
            ("slowest full-name query", [q for q in queries if q["kind"] != "family_only"]),
        ):
            worst = max(sel, key=lambda q: q["seconds"])
            benchdb.log(
                f"\nEXPLAIN ANALYZE, {label} ({worst['kind']}, {worst['query']!r}, "
                f"{ms(worst['seconds'])} ms), its statements ranking name keys:"
            )
            for sql, params, _s in worst["sql"][:-1]:
                benchdb.log(explain(sql, params))


def check_single_token_path(membership, queries: list[dict]) -> None:
    """The one-token shortcut of search_people must rank exactly as counting every key does."""
    from apps.core.crypto import blind_hash, organization_index_key
    from apps.people import selectors
    from apps.people.name_keys import name_tokens, query_keys
    from apps.people.name_shape import query_spellings, spelling_hash, written_forms

    if not hasattr(selectors, "_ranked_single_token"):
        return

    def timed(fn):
        t = []
        for _ in range(3):
            t0 = time.perf_counter()
            out = fn()
            t.append(time.perf_counter() - t0)
        return out, statistics.median(t)

    org_key = organization_index_key(membership.organization_id)
    used = same = 0
    t_full, t_fast = [], []
    for q in queries:
        tokens = name_tokens(q["query"])
        if len(tokens) != 1:
            continue
        hashes = [blind_hash(org_key, k) for k in query_keys(tokens)]
        exact = blind_hash(org_key, "s:" + tokens[0])
        spell = [
            spelling_hash(org_key, w) for w in query_spellings(tokens, written_forms(q["query"]))
        ]
        full, seconds_full = timed(lambda h=hashes, w=spell: selectors._ranked(h, 1, w, 50))
        fast, seconds_fast = timed(
            lambda e=exact, h=hashes, w=spell: selectors._ranked_single_token(e, h, w, 50)
        )
        t_full.append(seconds_full)
        t_fast.append(seconds_fast)
        if fast is not None:
            used += 1
            same += fast == full
    benchdb.log(
        f"one-token queries ({len(t_full)}): answered by the shortcut {used}, identical to the "
        f"full count {same} of {used}; ranking SQL, median / p95 ms: counting every key "
        f"{ms(statistics.median(t_full))} / {ms(benchdb.percentile(t_full, 95))}, shortcut "
        f"{ms(statistics.median(t_fast))} / {ms(benchdb.percentile(t_fast, 95))}"
    )


def decrypt_cost(membership) -> None:
    """What loading and decrypting people costs (search_people now loads only the page,
    up to 50; it loaded 100 candidates before ranking moved into SQL)."""
    from apps.people.models import Person
    from apps.people.name_keys import name_tokens

    ids = list(range(1, benchdb.N_PEOPLE + 1, benchdb.N_PEOPLE // 100))[:100]
    qs = Person.objects.filter(organization_id=membership.organization_id, pk__in=ids)
    names = ("id", "family_name", "given_name", "patronymic")
    variants = {
        "100 people as full models (every encrypted field decrypted)": lambda: list(qs.all()),
        "100 people, name fields only (.only(...))": lambda: list(qs.only(*names)),
        "50 people as full models (as search_people now)": lambda: list(qs.filter(pk__in=ids[:50])),
        "100 ids only": lambda: list(qs.values_list("id", flat=True)),
    }
    people = list(qs)
    variants["the tie-break on 100 loaded people (name_tokens)"] = lambda: [
        name_tokens(p.family_name, p.given_name, p.patronymic) for p in people
    ]
    for label, fn in variants.items():
        for _ in range(3):
            fn()
        t = []
        for _ in range(20):
            t0 = time.perf_counter()
            fn()
            t.append(time.perf_counter() - t0)
        benchdb.log(f"  {label}: median {ms(statistics.median(t))} ms")


if __name__ == "__main__":
    main()
