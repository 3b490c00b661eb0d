"""Benchmark: key rotation (`apps.operations.key_rotation.reencrypt_everything`) on
PostgreSQL, over generated fictitious people (six encrypted values each, written
through the model's encrypted fields, bulk_create).

    KOLDOO_ENV=demo .venv/bin/python bench/bench_key_rotation.py [--people 50000] [--batch 500]

Uses its own database (koldoo_bench_rotation, created and migrated if missing) and its
own key file (bench/var/rotation/keys.json): rotating the shared benchmark database
would leave it under a key its key file does not hold. The new key is added in the
bench key file first, like `rotate_keys --add-key-only`, so that repeated runs find their
data readable and measure the same work.
Prints the rows visited, the values and files re-encrypted, and their rate.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("KOLDOO_ENV", "demo")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/koldoo_bench_rotation")
os.environ.setdefault("KOLDOO_VAR_DIR", str(ROOT / "bench" / "var" / "rotation"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koldoo.settings")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()

    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')

    import django

    django.setup()
    from cryptography.fernet import Fernet
    from django.conf import settings
    from django.core.management import call_command

    from apps.accounts.models import Organization
    from apps.core.crypto import reset_ciphers
    from apps.operations.key_rotation import reencrypt_everything, stores
    from apps.people.models import Person
    from koldoo.keyring import load_keyring, write_key_file

    call_command("migrate", verbosity=0)
    org, _ = Organization.objects.get_or_create(
        slug="bench-rotation", defaults={"name": "Bench NGO (rotation)", "type": "ngo"}
    )
    missing = args.people - Person.objects.filter(organization=org).count()
    for start in range(0, max(missing, 0), 5000):
        Person.objects.bulk_create(
            Person(
                organization=org,
                family_name=f"Fictitious-{start + i}",
                given_name="Айгүл",
                patronymic="Бакытовна",
                birth_date="1990-01-01",
                phones=[f"+996 555 {start + i:06d}"],
                address="Demo street 1",
            )
            for i in range(min(5000, missing - start))
        )

    key_file = Path(settings.KEYRING.source)
    material = json.loads(key_file.read_text())
    material["encryption_keys"].insert(0, Fernet.generate_key().decode())
    write_key_file(key_file, material)
    settings.KEYRING = load_keyring({}, key_file, create_if_missing=False)
    reset_ciphers()
    from django.db import connection

    rows = 0
    with connection.cursor() as cur:
        for store in stores():
            if hasattr(store, "columns"):
                cur.execute(f'SELECT count(*) FROM "{store.model._meta.db_table}"')  # noqa: S608
                rows += cur.fetchone()[0]
    batches = []
    started = time.perf_counter()
    run = reencrypt_everything(batch_size=args.batch, on_batch=lambda r: batches.append(1))
    seconds = time.perf_counter() - started
    print(
        f"people {Person.objects.count()}, rows in encrypted tables {rows}, "
        f"batches {len(batches)} of {args.batch}, values and files re-encrypted {run.rotated}, "
        f"{seconds:.1f} s: {rows / seconds:.0f} rows/s, {run.rotated / seconds:.0f} values/s"
    )


if __name__ == "__main__":
    main()
