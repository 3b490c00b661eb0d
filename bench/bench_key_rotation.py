"""Benchmark: key rotation (`apps.operations.key_rotation.reencrypt_everything`) on
PostgreSQL, over generated fictitious people (six encrypted values each, written
through the model's encrypted fields, bulk_create).

    KOLDOO_ENV=demo .venv/bin/python bench/bench_key_rotation.py [--people 50000] [--batch 500]
    KOLDOO_ENV=demo .venv/bin/python bench/bench_key_rotation.py --index [--people 50000]

With --index it measures the blind-index rebuild instead (`rebuild_blind_indexes`): a new
index key, the old one kept as previous (decision 0038), every person's name, phone and
document keys rewritten in batches of locked rows; and the phone look-up (both keys
hashed) of a person re-keyed and of one still waiting, timed between batches.

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
    parser.add_argument("--index", action="store_true", help="measure the index rebuild")
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
    if args.index:
        return bench_index(args, org)

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


def bench_index(args, org):
    """Time the batched blind-index rebuild and look-ups between its batches."""
    import base64
    import statistics

    from django.conf import settings
    from django.db import connection

    from apps.accounts.models import Membership
    from apps.core.crypto import reset_ciphers
    from apps.operations.key_rotation import rebuild_blind_indexes
    from apps.people.models import Person, PersonNameKey, PersonNumberKey
    from apps.people.selectors import people_with_phone
    from koldoo.keyring import load_keyring, write_key_file

    # People made by bulk_create above have no index rows yet: index them first (under
    # the present key), so that the measured pass rewrites every row.
    rebuild_blind_indexes(batch_size=2000)
    key_file = Path(settings.KEYRING.source)
    material = json.loads(key_file.read_text())
    material["previous_index_keys"] = [material["index_key"]]
    material["index_key"] = base64.urlsafe_b64encode(os.urandom(32)).decode()
    write_key_file(key_file, material)
    settings.KEYRING = load_keyring({}, key_file, create_if_missing=False)
    reset_ciphers()

    member = Membership.objects.filter(organization=org).first()
    if member is None:
        from apps.accounts.models import User

        user, _ = User.objects.get_or_create(email="bench-rotation@demo.example")
        member = Membership.objects.create(user=user, organization=org, role="case_worker")
    ids = list(Person.objects.filter(organization=org).order_by("pk").values_list("pk", flat=True))
    first, last = ids[0], ids[-1]
    phone_of = {
        pk: Person.objects.get(pk=pk).phones[0] for pk in (first, last)
    }  # one re-keyed early, one re-keyed last
    lookups, misses, batches = [], 0, []

    def between_batches(run):
        nonlocal misses
        batches.append(1)
        if run.store != "index:people":
            return
        for pk in (first, last):
            started = time.perf_counter()
            found = people_with_phone(member, phone_of[pk])
            lookups.append((time.perf_counter() - started) * 1000)
            misses += pk not in {p.pk for p in found}

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM people_personnamekey")
        name_rows = cur.fetchone()[0]
    started = time.perf_counter()
    run = rebuild_blind_indexes(batch_size=args.batch, on_batch=between_batches)
    seconds = time.perf_counter() - started
    # Retire the previous key again, so that a repeated run starts from the same state.
    material = json.loads(key_file.read_text())
    material.pop("previous_index_keys", None)
    write_key_file(key_file, material)
    people = Person.objects.count()
    print(
        f"people {people}, name-key rows {name_rows}, number-key rows "
        f"{PersonNumberKey.objects.count()}, batches {len(batches)} of {args.batch}, "
        f"records re-keyed {run.rotated}, {seconds:.1f} s: {people / seconds:.0f} people/s; "
        f"phone look-ups between batches {len(lookups)} (median "
        f"{statistics.median(lookups):.1f} ms, max {max(lookups):.1f} ms), missed {misses}; "
        f"name-key rows after {PersonNameKey.objects.count()}"
    )


if __name__ == "__main__":
    main()
