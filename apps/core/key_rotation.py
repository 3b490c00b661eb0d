"""Re-encrypting every stored secret under the newest key."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from apps.core.crypto import decrypt_bytes, encrypt_bytes, reset_ciphers, rotate_token
from apps.core.fields import EncryptedJSONField, EncryptedTextField


def encrypted_columns():
    """(table, pk column, [encrypted columns]) for every model, history tables included."""
    for model in apps.get_models():
        cols = [
            f.column
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedTextField | EncryptedJSONField)
        ]
        if cols:
            yield model._meta.db_table, model._meta.pk.column, cols


def reencrypt_database(batch: int = 2000) -> int:
    """Rewrite every encrypted value with the primary key; returns values rewritten."""
    reset_ciphers()
    count = 0
    qn = connection.ops.quote_name
    with transaction.atomic():
        for table, pk, cols in encrypted_columns():
            with connection.cursor() as cur:
                cur.execute(f"SELECT {qn(pk)}, {', '.join(qn(c) for c in cols)} FROM {qn(table)}")  # noqa: S608
                rows = cur.fetchall()
            for start in range(0, len(rows), batch):
                updates = []
                for row in rows[start : start + batch]:
                    values = [rotate_token(v) if v else v for v in row[1:]]
                    count += sum(1 for v in row[1:] if v)
                    updates.append((*values, row[0]))
                sets = ", ".join(f"{qn(c)} = %s" for c in cols)
                with connection.cursor() as cur:
                    cur.executemany(
                        f"UPDATE {qn(table)} SET {sets} WHERE {qn(pk)} = %s",  # noqa: S608
                        updates,
                    )
    return count


def reencrypt_attachments() -> int:
    from apps.cases.models import Attachment

    done = 0
    for name in Attachment.objects.values_list("storage_name", flat=True):
        path = Path(settings.MEDIA_ROOT) / name
        if path.exists():
            tmp = path.with_suffix(".rotating")
            tmp.write_bytes(encrypt_bytes(decrypt_bytes(path.read_bytes())))
            tmp.replace(path)
            done += 1
    return done


def rebuild_name_index() -> int:
    """Recompute every person's blind-index keys, name keys and register-number key
    (after the index key changed)."""
    from apps.people.models import Person, PersonNameKey, register_number_key
    from apps.people.services import name_key_rows

    reset_ciphers()
    total = 0
    numbered = []
    with transaction.atomic():
        PersonNameKey.objects.all().delete()
        for person in Person.objects.iterator(chunk_size=2000):
            keys = name_key_rows(person)  # with the name's shape, which search ranks by
            PersonNameKey.objects.bulk_create(keys, batch_size=5000)
            if person.external_id:
                person.external_id_key = register_number_key(
                    person.organization_id, person.external_id
                )
                numbered.append(person)
            total += 1
        # Cleared first: while rows are updated one by one, a new hash could equal
        # another person's old one and trip the unique constraint.
        Person.objects.filter(external_id_key__isnull=False).update(external_id_key=None)
        Person.objects.bulk_update(numbered, ["external_id_key"], batch_size=2000)
        # Callers' phones are indexed with the same key (earlier calls from a number).
        from apps.hotline.services import rebuild_phone_index

        rebuild_phone_index()
        # People's phones and document numbers too (exact look-ups).
        from apps.people.services import rebuild_number_index

        rebuild_number_index()
    return total
