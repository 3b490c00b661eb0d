"""Benchmark: server time of the case list page with 1,000,000 cases (PostgreSQL).

    .venv/bin/python bench/bench_case_list.py [--reload-cases] [--requests 50]

Uses the benchmark database of bench/benchdb.py (people loaded by
bench_search.py, or here if missing) and loads 1,000,000 cases of the main
organisation with COPY, once. A django.test.Client signed in (force_login) as
a case worker of that organisation times GET /cases/ with and without
filters and pages against a trivial view in the same run: a login-required
view that returns "ok" through the whole middleware stack, registered only
here. Target: case list median <= 3 x the trivial view's.
"""

import argparse
import statistics
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb  # noqa: E402

PAGES = [
    ("/cases/", "case list, page 1"),
    ("/cases/?page=2", "case list, page 2"),
    ("/cases/?status=active", "status = active, page 1"),
    ("/cases/?status=active&page=2", "status = active, page 2"),
    ("/cases/?assigned=me", "assigned to me, page 1"),
    ("/cases/?status=on_hold&case_type=legal_aid", "on hold + legal aid, page 1"),
]
EXTRA = [
    ("/cases/?page=1000", "case list, page 1,000 (OFFSET 49,950; not in the target)"),
    ("/bench/cases-counted/", "page 1 with Django's Paginator (COUNT(*)), as before"),
    ("/bench/cases-counted/?status=active", "status = active with Django's Paginator"),
]
TRIVIAL = ("/bench/ping/", "trivial view (login required, returns 'ok')")
BLANK = ("/bench/blank/", "empty page (base.html layout, no data)")
LOGIN = ("/accounts/login/", "sign-in page, signed out (another client)")


def bench_urlconf():
    """The project's URLs plus the two reference views; a module object for ROOT_URLCONF."""
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.shortcuts import render
    from django.urls import path

    from koldoo import urls

    @login_required
    def ping(request):
        return HttpResponse("ok")

    @login_required
    def blank(request):
        return render(request, "base.html")

    @login_required
    def cases_counted(request):
        # apps.cases.views.case_list as it was before ForwardPage: Django's Paginator.
        from django.core.paginator import Paginator

        from apps.cases import selectors
        from apps.cases.models import CaseStatus
        from apps.cases.views import list_rows
        from apps.core.selectors import reference_choices, reference_labels

        filters = {k: request.GET.get(k, "") for k in ("status", "case_type", "assigned")}
        cases = selectors.case_list(request.membership, **filters)
        page = Paginator(cases, 50).get_page(request.GET.get("page"))
        context = {
            "page": page,
            "rows": list_rows(page, "/cases/"),
            "filters": filters,
            "statuses": CaseStatus.choices,
            "case_types": reference_choices("case_type"),
            "type_labels": reference_labels("case_type"),
        }
        return render(request, "cases/list.html", context)

    module = types.ModuleType("bench_case_list_urls")
    module.urlpatterns = [
        path("bench/ping/", ping),
        path("bench/blank/", blank),
        path("bench/cases-counted/", cases_counted),
        *urls.urlpatterns,
    ]
    return module


def timed_get(client, url: str) -> tuple[float, float, int]:
    """(seconds, seconds in SQL, SQL statements) of one GET through the test client."""
    from django.db import connection

    sql = [0.0, 0]

    def timer(execute, sql_text, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            sql[0] += time.perf_counter() - t
            sql[1] += 1

    with connection.execute_wrapper(timer):
        t0 = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - t0
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return seconds, sql[0], sql[1]


def count_times() -> None:
    """What COUNT(*) of the paginator costs on its own."""
    from django.db import connection

    membership = benchdb.bench_membership()
    org = membership.organization_id
    for label, where in (
        ("all cases of the organisation", ""),
        ("status = active", " AND status = 'active'"),
    ):
        with connection.cursor() as cur:
            sql = f"SELECT count(*) FROM cases_case WHERE organization_id = %s{where}"
            cur.execute(sql, [org])
            t = []
            for _ in range(10):
                t0 = time.perf_counter()
                cur.execute(sql, [org])
                n = cur.fetchone()[0]
                t.append(time.perf_counter() - t0)
        benchdb.log(f"COUNT(*) {label}: {n:,} rows, median {statistics.median(t) * 1000:.1f} ms")


def breakdown() -> None:
    """Where a case list page's time goes, part by part (median of 30 runs each)."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from apps.cases import selectors
    from apps.cases.models import CaseStatus
    from apps.cases.views import ForwardPage, list_rows
    from apps.core.selectors import reference_choices, reference_labels

    membership = benchdb.bench_membership()
    request = RequestFactory().get("/cases/")
    request.user = membership.user
    request.membership = membership
    request.session = {}
    cases = selectors.case_list(membership)
    page = ForwardPage(cases, 1, per_page=50)
    context = {
        "page": page,
        "rows": list_rows(page, "/cases/"),
        "filters": {"status": "", "case_type": "", "assigned": ""},
        "statuses": CaseStatus.choices,
        "case_types": reference_choices("case_type"),
    }
    parts = {
        "page query: 51 rows as values (names decrypted)": lambda: list(cases[:51]),
        "the same as models without deferring (as first written)": lambda: list(
            selectors.cases_visible_to(membership)
            .select_related("person", "assigned_to")
            .order_by("-opened_on", "-id")[:51]
        ),
        "display rows (labels, links, names) for 50 cases": lambda: list_rows(page, "/cases/"),
        "reference_choices + reference_labels (2 queries)": lambda: (
            reference_choices("case_type"),
            reference_labels("case_type"),
        ),
        "render cases/list.html (50 rows, with base.html)": lambda: render_to_string(
            "cases/list.html", context, request=request
        ),
        "render base.html alone": lambda: render_to_string("base.html", {}, request=request),
    }
    benchdb.log("\nwhere a case list page's time goes (median of 30 runs, ms):")
    for label, fn in parts.items():
        for _ in range(5):
            fn()
        t = []
        for _ in range(30):
            t0 = time.perf_counter()
            fn()
            t.append(time.perf_counter() - t0)
        benchdb.log(f"  {label}: {statistics.median(t) * 1000:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reload", action="store_true", help="load the people again")
    parser.add_argument("--reload-cases", action="store_true", help="load the cases again")
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    benchdb.setup()
    benchdb.ensure_people(reload=args.reload)
    benchdb.ensure_cases(reload=args.reload_cases or args.reload)
    membership = benchdb.bench_membership()

    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(ROOT_URLCONF=bench_urlconf(), ALLOWED_HOSTS=hosts):
        client = Client()
        client.force_login(membership.user)
        anonymous = Client()
        urls = [TRIVIAL, BLANK, LOGIN, *PAGES, *EXTRA]
        clients = {url: anonymous if (url, label) == LOGIN else client for url, label in urls}
        for url, _label in urls:  # warm-up
            for _ in range(5):
                timed_get(clients[url], url)
        samples: dict[str, list[tuple[float, float, int]]] = {url: [] for url, _ in urls}
        for _ in range(args.requests):  # interleaved, so drifts hit every URL alike
            for url, _label in urls:
                samples[url].append(timed_get(clients[url], url))

    base = statistics.median(s[0] for s in samples[TRIVIAL[0]])
    blank = statistics.median(s[0] for s in samples[BLANK[0]])
    login = statistics.median(s[0] for s in samples[LOGIN[0]])
    rows = []
    for url, label in urls:
        t = [s[0] for s in samples[url]]
        med = statistics.median(t)
        rows.append(
            "| "
            + " | ".join(
                [
                    f"`GET {url}`",
                    label,
                    f"{med * 1000:.1f}",
                    f"{benchdb.percentile(t, 95) * 1000:.1f}",
                    f"{statistics.median(s[1] for s in samples[url]) * 1000:.1f}",
                    str(samples[url][0][2]),
                    f"{med / base:.1f}×",
                    f"{med / blank:.1f}×",
                    f"{med / login:.1f}×",
                ]
            )
            + " |"
        )
    benchdb.log(
        f"\n{args.requests} requests per URL after 5 warm-up requests, interleaved; "
        "server time through django.test.Client (whole middleware stack)\n"
        "| request | what | median ms | p95 ms | median SQL ms | SQL statements "
        "| ÷ trivial view | ÷ empty page | ÷ sign-in page |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    )
    benchdb.log("\n".join(rows))
    worst = max(statistics.median(s[0] for s in samples[url]) for url, _ in PAGES)
    for name, ref in (("trivial view", base), ("empty page", blank), ("sign-in page", login)):
        verdict = "meets" if worst <= 3 * ref else "misses"
        benchdb.log(
            f"slowest case list median {worst * 1000:.1f} ms = {worst / ref:.1f}× the {name}'s "
            f"{ref * 1000:.1f} ms: {verdict} the target (≤ 3×)"
        )
    benchdb.log(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    count_times()
    breakdown()


if __name__ == "__main__":
    main()
