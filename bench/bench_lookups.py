"""Benchmark: exact look-ups by phone and document number over 1,000,000 people
(PostgreSQL), through the UI's selector, the people page and the API.

    .venv/bin/python bench/bench_lookups.py [--reload] [--queries 200] [--passes 3]

Uses the benchmark database of bench/benchdb.py. Every person there has a phone
(+996 5xx-7xx, six digits) and 80% a document number (ID, AN or AC and seven
digits), encrypted like the application stores them, with their blind-index
keys (apps.people.numbers.number_keys). The name keys are not needed here: if the
database has no people yet they are loaded without them, which is several times
faster (bench_search.py then loads everything again).

Each target is a random person of the 1,000,000-person organisation; the query is
their number typed one of several ways (see KINDS), and misses are numbers nobody
has. Three paths are timed for every query:

- `selector`: apps.people.selectors.search_people(membership, query), what the
  people page and the API call (blind-index hash, key look-up, loading and
  decrypting the people found);
- `page`: GET /people/?q=… through django.test.Client (whole middleware stack,
  template, audit entry);
- `api`: GET /api/v1/people/?search=… (DRF, serializer, audit entry); each
  result's `match` must say how the person was found.

One warm-up pass, then --passes measured passes. A query's latency is its median
over the passes; percentiles are over the queries. A hit must return the target.
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
    "phone_as_stored",  # +996 555 123456
    "phone_e164",  # +996555123456
    "phone_local",  # 0555 12-34-56 (no country code)
    "document",  # ID1234567
    "document_typed",  # id 123 45 67
    "phone_miss",  # a number in a range nobody has
    "document_miss",
)
EXPECTED_MATCH = {"phone": "phone", "document": "document"}


def make_query(kind: str, facts: dict, rng: random.Random) -> str:
    phone = facts["phone"]  # "+996 555 123456"
    digits = phone.replace("+996", "").replace(" ", "")  # "555123456"
    if kind == "phone_as_stored":
        return phone
    if kind == "phone_e164":
        return "+996" + digits
    if kind == "phone_local":
        return f"0{digits[:3]} {digits[3:5]}-{digits[5:7]}-{digits[7:]}"
    if kind == "document":
        return facts["document"]
    if kind == "document_typed":
        number = facts["document"][2:]
        return f"{facts['document'][:2].lower()} {number[:3]} {number[3:5]} {number[5:]}"
    if kind == "phone_miss":
        return f"+996 999 {rng.randrange(10**6):06d}"  # the generator uses 500-799
    return f"ZQ{rng.randrange(10**7):07d}"  # no such series


def build_queries(n: int) -> list[dict]:
    rng = random.Random("koldoo-bench-lookups")
    queries = []
    ids = rng.sample(range(1, benchdb.N_PEOPLE + 1), n * 2)
    for pid in ids:
        kind = KINDS[len(queries) % len(KINDS)]
        facts = benchdb.person_numbers(pid)
        if kind.startswith("document") and kind != "document_miss" and not facts["document"]:
            continue  # 20% have none: take the next person
        hit = not kind.endswith("_miss")
        queries.append(
            {
                "kind": kind,
                "target": pid if hit else None,
                "match": ("phone" if kind.startswith("phone") else "document") if hit else None,
                "text": make_query(kind, facts, rng),
            }
        )
        if len(queries) == n:
            break
    return queries


class SqlTimer:
    """Time spent in SQL during a call (connection.execute_wrapper)."""

    def __init__(self):
        self.seconds = 0.0
        self.statements = 0

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - t0
            self.statements += 1


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def table(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reload", action="store_true", help="load the people again")
    parser.add_argument("--queries", type=int, default=210)
    parser.add_argument("--passes", type=int, default=3, help="measured passes (default 3)")
    args = parser.parse_args()

    benchdb.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from apps.people.models import Person, PersonNumberKey
    from apps.people.selectors import search_people

    state = benchdb.ensure_people(reload=args.reload, name_keys=False)
    membership = benchdb.bench_membership()
    n_people = Person.objects.filter(organization=membership.organization).count()
    n_keys = PersonNumberKey.objects.count()
    benchdb.log(
        f"people in the organisation: {n_people:,}; number keys (all organisations): {n_keys:,}"
    )
    queries = build_queries(args.queries)

    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    # Plain static storage: the bench renders pages without running collectstatic.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ALLOWED_HOSTS=hosts, STORAGES=storages):
        client = Client()
        client.force_login(membership.user)

        def run_selector(q):
            sql = SqlTimer()
            t0 = time.perf_counter()
            with connection.execute_wrapper(sql):
                people = search_people(membership, q["text"])
            elapsed = time.perf_counter() - t0
            found = {p.pk: getattr(p, "search_match", None) for p in people}
            return elapsed, sql.seconds, found

        def run_page(q):
            t0 = time.perf_counter()
            response = client.get("/people/", {"q": q["text"]})
            elapsed = time.perf_counter() - t0
            assert response.status_code == 200, response.status_code
            return elapsed, 0.0, None

        def run_api(q):
            t0 = time.perf_counter()
            response = client.get("/api/v1/people/", {"search": q["text"]})
            elapsed = time.perf_counter() - t0
            assert response.status_code == 200, response.status_code
            body = response.json()
            results = body["results"] if isinstance(body, dict) else body
            return elapsed, 0.0, {r["id"]: r["match"] for r in results}

        paths = {"selector": run_selector, "page": run_page, "api": run_api}
        samples = {(name, i): [] for name in paths for i in range(len(queries))}
        sql_samples = {i: [] for i in range(len(queries))}
        wrong = []
        for pass_no in range(args.passes + 1):  # pass 0 warms up
            for i, q in enumerate(queries):
                for name, run in paths.items():
                    elapsed, sql_seconds, found = run(q)
                    if pass_no == 0:
                        if found is not None:
                            ok = (
                                found.get(q["target"]) == q["match"]
                                if q["target"]
                                else not any(m in EXPECTED_MATCH for m in found.values())
                            )
                            if not ok:
                                wrong.append((name, q["kind"]))
                        continue
                    samples[(name, i)].append(elapsed)
                    if name == "selector":
                        sql_samples[i].append(sql_seconds)

    load = " ".join(f"{x:.2f}" for x in __import__("os").getloadavg())
    print()
    print(f"people: {n_people:,} in the organisation (loaded {state['loaded_at']})")
    print(f"queries: {len(queries)} ({len(KINDS)} kinds in turn), passes: {args.passes} + warm-up")
    print(f"load average after the run: {load}")
    print(f"wrong answers (target missing, wrong `match`, or a miss that found someone): {wrong}")
    print()
    rows = []
    for kind in (*KINDS, "all"):
        idx = [i for i, q in enumerate(queries) if kind in ("all", q["kind"])]
        row = [f"**{kind}**" if kind == "all" else kind, str(len(idx))]
        for name in paths:
            per_query = [statistics.median(samples[(name, i)]) for i in idx]
            row += [
                ms(benchdb.percentile(per_query, 50)),
                ms(benchdb.percentile(per_query, 95)),
            ]
        row.append(ms(statistics.mean(statistics.median(sql_samples[i]) for i in idx)))
        rows.append(row)
    header = ["kind", "n"]
    for name in paths:
        header += [f"{name} p50 ms", f"{name} p95 ms"]
    header.append("selector mean SQL ms")
    print(table(rows, header))
    print()
    pooled = []
    for name in paths:
        values = [v for i in range(len(queries)) for v in samples[(name, i)]]
        pooled.append(
            [
                name,
                str(len(values)),
                ms(benchdb.percentile(values, 50)),
                ms(benchdb.percentile(values, 95)),
                ms(benchdb.percentile(values, 99)),
            ]
        )
    print("all samples pooled (no per-query median):")
    print(table(pooled, ["path", "samples", "p50 ms", "p95 ms", "p99 ms"]))

    example = next(q for q in queries if q["kind"] == "phone_e164")
    from apps.people.numbers import query_number_keys

    keys = list(query_number_keys(membership.organization_id, example["text"]))
    with connection.cursor() as cur:
        cur.execute(
            "EXPLAIN (ANALYZE, BUFFERS) SELECT person_id, kind, key FROM people_personnumberkey"
            " WHERE key = ANY(%s) ORDER BY person_id DESC LIMIT 100",
            [keys],
        )
        print()
        print("EXPLAIN ANALYZE of the key look-up (one phone query):")
        print("\n".join("    " + r[0] for r in cur.fetchall()))


if __name__ == "__main__":
    main()
