"""Benchmark: another organisation's requests while a large register import runs.

    .venv/bin/python bench/concurrent_import.py [--rows 190000]

A fresh SQLite database (file, WAL) in a temporary directory; the import runs in its own
process (as a gunicorn worker would), while this process signs in as a case worker of
another organisation and, until the import ends, registers a person (a write) and opens
the people list (a read that writes an audit entry) over and over through Django's test
client. Prints the import's time, the other organisation's request count, maximum and
95th-percentile latency, and every error (5xx or "database is locked").
KOLDOO_BENCH_ONE_TRANSACTION=1 writes the import in one transaction, as before.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def setup(var_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "koldoo.settings"
    os.environ["KOLDOO_VAR_DIR"] = str(var_dir)
    os.environ["KOLDOO_ENV"] = "demo"
    os.environ["DATABASE_URL"] = ""
    import django

    django.setup()


def importer(csv_path: Path, var_dir: Path) -> None:
    setup(var_dir)
    from apps.accounts.models import Membership
    from apps.people.register_import import apply_import, plan_import

    if os.environ.get("KOLDOO_BENCH_ONE_TRANSACTION"):
        # The import as it was: one transaction holding SQLite's write lock throughout.
        from apps.people import register_import

        register_import.BATCH_SIZE = 10**9
    admin = Membership.objects.get(user__email="admin@bench.example")
    plan = plan_import(admin.organization, csv_path.read_bytes(), csv_path.name)
    if not plan.ok:
        raise SystemExit(f"the generated file was refused: {plan.report.errors[:5]}")
    started = time.perf_counter()
    print("WRITING", flush=True)
    report = apply_import(admin, plan)
    print(f"IMPORTED {report.people_created} {time.perf_counter() - started:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=190_000)
    parser.add_argument("--import-only", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_only:
        importer(Path(args.import_only[0]), Path(args.import_only[1]))
        return

    var_dir = Path(tempfile.mkdtemp(prefix="koldoo-concurrent-"))
    csv_path = var_dir / "register.csv"
    from bench_import import generate

    generate(csv_path, args.rows, seed=7)
    setup(var_dir)
    from django.core.management import call_command
    from django.test import Client

    from apps.accounts.services import add_member, create_organization

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    home = create_organization(slug="bench", name="Bench NGO", type="ngo", region="bishkek")
    other = create_organization(slug="other", name="Other NGO", type="ngo", region="osh")
    add_member(email="admin@bench.example", organization=home, role="org_admin",
               password="Bench-pass-2026")  # fmt: skip
    worker = add_member(email="worker@other.example", organization=other, role="case_worker",
                        password="Bench-pass-2026")  # fmt: skip
    client = Client(raise_request_exception=False, HTTP_HOST="localhost")
    client.force_login(worker.user)

    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, __file__, "--import-only", str(csv_path), str(var_dir)],
        stdout=subprocess.PIPE,
        text=True,
    )
    while child.stdout.readline().strip() != "WRITING":  # the check takes a while
        if child.poll() is not None:
            raise SystemExit("the import failed before writing")
    latencies, errors, n = [], [], 0
    while child.poll() is None:
        n += 1
        for method, url, data in (
            (client.post, "/people/new/", {"given_name": f"Бермет{n}", "family_name": "Асанова",
                                           "sex": "F"}),
            (client.get, "/people/", None),
        ):  # fmt: skip
            t = time.perf_counter()
            try:
                status = method(url, data).status_code
            except Exception as exc:  # noqa: BLE001 - counted, the benchmark goes on
                status = repr(exc)
            latencies.append(time.perf_counter() - t)
            if not isinstance(status, int) or status >= 400:
                errors.append(f"{url}: {status}")
    result = child.stdout.read().strip()
    total = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)] if latencies else 0
    print(f"rows:                     {args.rows}")
    print(f"import (check + write):   {total:.1f} s  [{result}]")
    print(f"other organisation:       {len(latencies)} requests during the write")
    print(f"latency max / p95:        {max(latencies, default=0):.2f} s / {p95:.2f} s")
    print(f"errors:                   {len(errors)} {errors[:5]}")
    print(f"load average:             {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
