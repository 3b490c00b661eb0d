"""A register import killed mid-way, then the product back: how much had been written,
what users saw meanwhile, and how long the roll-back takes (issue 17).

    .venv/bin/python bench/bench_import_kill.py [--rows 20000] [--kill-after 5000]

On a fresh SQLite database in a temporary directory (and on a fresh PostgreSQL database
next to DATABASE_URL's when it is set): a generated register (bench_import.generate) is
imported by the register import job in a subprocess, which is SIGKILLed once it reports
--kill-after rows written; then `recover_interrupted` runs, as the worker's start does,
and the file is imported again, whole, through the job.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def _django(var_dir: Path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "koldoo.settings"
    os.environ["KOLDOO_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("KOLDOO_ENV", "demo")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def importer(csv_path: Path, var_dir: Path, job_id: int | None) -> None:
    """The worker's side: runs the import job (a new one for the file, or the one given,
    queued again by recover_interrupted); prints rows as they are written."""
    _django(var_dir)
    from apps.accounts.models import Membership
    from apps.core.staged_upload import store_upload
    from apps.operations import services
    from apps.operations.models import Job

    admin = Membership.objects.get(user__email="admin@bench.example")
    beat = services._beat

    def beat_and_say(job_id, done):
        beat(job_id, done)
        print("written", done, flush=True)

    services._beat = beat_and_say
    if job_id:
        job = Job.objects.get(pk=job_id)
    else:
        job = Job.objects.create(
            organization=admin.organization,
            membership=admin,
            kind=Job.Kind.REGISTER_IMPORT,
            fmt="csv",
            staged_token=store_upload(csv_path.read_bytes()),
        )
    started = time.perf_counter()
    services.run_job(job.pk)
    job.refresh_from_db()
    print(
        f"finished {job.status} in {time.perf_counter() - started:.1f} s (attempt {job.attempts})",
        flush=True,
    )


def bench(csv_path: Path, var_dir: Path, rows: int, kill_after: int) -> None:
    _django(var_dir)
    from django.core.management import call_command
    from django.db import connection

    from apps.accounts.services import add_member, create_organization
    from apps.cases.models import Case
    from apps.people.models import Person, PersonNameKey
    from apps.people.selectors import people_visible_to

    call_command("migrate", verbosity=0)
    org = create_organization(slug="bench", name="Bench NGO", type="ngo", region="bishkek")
    admin = add_member(
        email="admin@bench.example", organization=org, role="org_admin", password="Bench-pass-2026"
    )
    cmd = [sys.executable, __file__, "--importer", str(csv_path), "--var-dir", str(var_dir)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)  # noqa: S603
    written = 0
    started = time.perf_counter()
    for line in proc.stdout:
        if line.startswith("written"):
            written = int(line.split()[1])
            if written >= kill_after:
                break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at = time.perf_counter() - started
    in_db = Person.objects.filter(organization=org).count()
    visible = people_visible_to(admin).count()
    print(f"database:                    {connection.vendor}")
    print(f"rows in the file:            {rows}")
    print(f"killed after:                {killed_at:.1f} s, {written} rows reported written")
    print(f"people in the database then: {in_db} (visible to the organisation: {visible})")

    t = time.perf_counter()
    for _ in range(100):  # PostgreSQL notices the killed session a moment later
        from apps.operations.services import recover_interrupted

        imports, _jobs = recover_interrupted()
        if imports:
            break
        time.sleep(0.1)
    recovery = time.perf_counter() - t
    left = Person.objects.filter(organization=org).count()
    print(f"recover_interrupted:         {recovery:.2f} s, {imports} import rolled back")
    print(
        f"left of the file:            {left} people, {PersonNameKey.objects.count()} name keys, "
        f"{Case.objects.count()} cases"
    )
    # The worker starts again and runs the job recover_interrupted queued again.
    from apps.operations.models import Job

    requeued = Job.objects.get(status=Job.Status.QUEUED)
    t = time.perf_counter()
    proc = subprocess.run(
        [*cmd, "--job", str(requeued.pk)], cwd=ROOT, capture_output=True, text=True
    )  # noqa: S603
    whole = time.perf_counter() - t
    print(f"job picked up again, whole:  {whole:.1f} s wall (process start included); "
          f"{proc.stdout.strip().splitlines()[-1]}")  # fmt: skip
    print(f"people visible afterwards:   {people_visible_to(admin).count()}")
    print(f"load average:                {os.getloadavg()[0]:.1f} (2 cores)")
    print("RESULT " + ("OK: nothing of the killed import was left" if left == 0 else "LEFTOVERS"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--kill-after", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--importer", help=argparse.SUPPRESS)
    parser.add_argument("--job", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--bench", help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.importer:
        importer(Path(args.importer), Path(args.var_dir), args.job)
        return 0
    if args.bench:
        bench(Path(args.bench), Path(args.var_dir), args.rows, args.kill_after)
        return 0
    from bench_import import fresh_postgres, generate

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        csv_path = tmp / "register.csv"
        generate(csv_path, args.rows, args.seed)
        targets = [("sqlite", f"sqlite:///{tmp / 'bench.sqlite3'}", None)]
        if os.environ.get("DATABASE_URL", "").startswith("postgres"):
            url, drop = fresh_postgres(os.environ["DATABASE_URL"])
            targets.append(("postgresql", url, drop))
        for _name, url, drop in targets:
            var_dir = tmp / f"var-{_name}"
            var_dir.mkdir()
            cmd = [sys.executable, __file__, "--bench", str(csv_path), "--var-dir", str(var_dir)]
            cmd += ["--rows", str(args.rows), "--kill-after", str(args.kill_after)]
            try:
                subprocess.run(cmd, cwd=ROOT, env=dict(os.environ, DATABASE_URL=url), check=True)  # noqa: S603
            finally:
                if drop:
                    drop()
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
