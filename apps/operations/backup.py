"""Encrypted backups of the database and the attachments, and their restore.

The archive is one stream sealed in chunks with AES-256-GCM (authenticated: a changed,
reordered, cut or extended archive is refused before anything is restored). Its key is
derived (HKDF-SHA256, a fresh salt per archive) from the newest data-encryption key of
the keyring; the keys themselves are never inside. Restoring therefore needs the same
key file (or one that still holds that key after a rotation) - as does reading the
data afterwards.

Inside the seal: a manifest (schema version, counts), then every table row by row as
the database stores it. Encrypted columns are copied as their ciphertext, never
decrypted; other values travel as text that the model field reads back, so an archive
made on SQLite restores into PostgreSQL and back. Then the files under MEDIA_ROOT
(attachments, already encrypted at rest). docs/decisions/0030.
"""

import base64
import datetime
import decimal
import hashlib
import json
import os
import shutil
import struct
import uuid
from collections.abc import Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.duration import duration_iso_string

MAGIC = b"KOLDOO-BACKUP\x00v1\n"
CHUNK = 1024 * 1024
ROWS_PER_RECORD = 500
FORMAT = 1
# Sessions are not restored: everyone signs in again after a restore.
SKIPPED_MODELS = {"sessions.session"}
# Export results of the job queue are short-lived copies, not data to keep.
SKIPPED_MEDIA_DIRS = {"jobs"}
# Rows that a freshly migrated database never holds: their presence means "not empty".
DATA_MODELS = ("accounts.user", "people.person", "core.auditentry")


class BackupError(Exception):
    """An archive that cannot be restored: wrong key, tampered, cut, other schema."""


# --- the seal -----------------------------------------------------------------------


def _base_keys() -> list[bytes]:
    return [base64.urlsafe_b64decode(k) for k in settings.KEYRING.encryption_keys]


def _key_id(base: bytes) -> bytes:
    return hashlib.sha256(b"koldoo backup key id\x00" + base).digest()[:8]


def _derive(base: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"koldoo backup v1").derive(
        base
    )


class SealedWriter:
    """Writes the plaintext stream as AES-GCM chunks; `close()` seals the last one."""

    def __init__(self, fh):
        base = _base_keys()[0]
        salt = os.urandom(16)
        self.header = MAGIC + salt + _key_id(base)
        self.aead = AESGCM(_derive(base, salt))
        self.fh = fh
        self.buffer = bytearray()
        self.index = 0
        fh.write(self.header)

    def write(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= CHUNK:
            self._emit(bytes(self.buffer[:CHUNK]), final=False)
            del self.buffer[:CHUNK]

    def close(self) -> None:
        self._emit(bytes(self.buffer), final=True)
        self.buffer.clear()

    def _emit(self, plain: bytes, *, final: bool) -> None:
        nonce = os.urandom(12)
        aad = self.header + struct.pack(">QB", self.index, final)
        sealed = self.aead.encrypt(nonce, plain, aad)
        self.fh.write(struct.pack(">I", len(sealed)) + nonce + sealed)
        self.index += 1


def opened_chunks(fh) -> Iterator[bytes]:
    """The plaintext chunks of an archive, each checked; BackupError at the first
    chunk that does not open, a missing end or anything after the end."""
    header = fh.read(len(MAGIC) + 24)
    if len(header) != len(MAGIC) + 24 or not header.startswith(MAGIC):
        raise BackupError("not a Koldoo backup archive")
    salt, key_id = header[len(MAGIC) : len(MAGIC) + 16], header[len(MAGIC) + 16 :]
    base = next((b for b in _base_keys() if _key_id(b) == key_id), None)
    if base is None:
        raise BackupError("this archive was made with a key that is not in the keyring")
    aead = AESGCM(_derive(base, salt))
    index = 0
    while True:
        size = fh.read(4)
        if len(size) != 4:
            raise BackupError("the archive is cut short (no end mark)")
        (length,) = struct.unpack(">I", size)
        nonce = fh.read(12)
        sealed = fh.read(length)
        if len(nonce) != 12 or len(sealed) != length:
            raise BackupError("the archive is cut short")
        plain = None
        for final in (False, True):
            try:
                plain = aead.decrypt(nonce, sealed, header + struct.pack(">QB", index, final))
            except InvalidTag:
                continue
            break
        if plain is None:
            raise BackupError(f"the archive was changed (chunk {index} does not open)")
        yield plain
        index += 1
        if final:
            if fh.read(1):
                raise BackupError("the archive has data after its end")
            return


class _Records:
    """Typed records in the plaintext stream: one type byte, a length, the payload."""

    def __init__(self, chunks: Iterator[bytes]):
        self.chunks = chunks
        self.buffer = bytearray()

    def _read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            try:
                self.buffer += next(self.chunks)
            except StopIteration:
                raise BackupError("the archive ends inside a record") from None
        data = bytes(self.buffer[:n])
        del self.buffer[:n]
        return data

    def __iter__(self):
        while True:
            kind, length = struct.unpack(">cQ", self._read(9))
            payload = self._read(length)
            if kind == b"Z":
                # Reading on to the sealed end checks that nothing was cut or added.
                if self.buffer or b"".join(self.chunks):
                    raise BackupError("the archive has records after its end")
                yield kind, payload
                return
            yield kind, payload


def _record(out: SealedWriter, kind: bytes, payload: bytes) -> None:
    out.write(struct.pack(">cQ", kind, len(payload)) + payload)


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


# --- what is copied -------------------------------------------------------------------


def backed_up_models() -> list[type[models.Model]]:
    """Every table of the schema (a model whose migration is not applied has none)."""
    tables = set(connection.introspection.table_names())
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed
        and not m._meta.proxy
        and m._meta.label_lower not in SKIPPED_MODELS
        and m._meta.db_table in tables
    ]


def _is_raw(field) -> bool:
    """Fields of the project that transform values on the way from the database
    (the encrypted ones): copied as stored."""
    return type(field).__module__.startswith("apps.") and hasattr(field, "from_db_value")


def _to_text(field, value):
    if value is None or _is_raw(field) or isinstance(field, models.JSONField):
        return value
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"{field.model._meta.label}.{field.name}: {type(value).__name__}")


def _from_text(field, value):
    """The value ready for the database, as the field would write it."""
    if value is None or _is_raw(field):
        return value
    if isinstance(field, models.BinaryField):
        value = base64.b64decode(value)
    elif not isinstance(field, models.JSONField):
        value = field.to_python(value)
    return field.get_db_prep_save(value, connection)


def applied_migrations() -> list[str]:
    return sorted(f"{a}.{n}" for a, n in MigrationRecorder(connection).applied_migrations())


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if (
            path.is_file()
            and rel.parts[0] not in SKIPPED_MEDIA_DIRS
            and not rel.parts[0].startswith(".")
        ):
            found.append(path)
    return found


# --- backup -------------------------------------------------------------------------


def write_backup(fh) -> dict:
    """Write the whole archive to the binary file `fh`; returns the counts.

    All tables are read in one transaction (on PostgreSQL one snapshot, REPEATABLE
    READ), so the copy is consistent while the product keeps running."""
    out = SealedWriter(fh)
    counts = {}
    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        model_list = backed_up_models()
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "migrations": applied_migrations(),
            "models": [m._meta.label_lower for m in model_list],
        }
        _record(out, b"M", _json(manifest))
        for model in model_list:
            counts[model._meta.label_lower] = _write_table(out, model)
    files = media_files()
    root = Path(settings.MEDIA_ROOT)
    for path in files:
        size = path.stat().st_size
        _record(out, b"F", _json({"path": path.relative_to(root).as_posix(), "size": size}))
        with open(path, "rb") as src:
            while block := src.read(CHUNK):
                _record(out, b"D", block)
    _record(out, b"Z", _json({"counts": counts, "files": len(files)}))
    out.close()
    return {"counts": counts, "files": len(files)}


def _write_table(out: SealedWriter, model) -> int:
    fields = model._meta.concrete_fields
    raw = {
        f"koldooraw_{f.attname}": Cast(f.attname, models.TextField()) for f in fields if _is_raw(f)
    }
    names = [f"koldooraw_{f.attname}" if _is_raw(f) else f.attname for f in fields]
    _record(
        out, b"T", _json({"model": model._meta.label_lower, "columns": [f.column for f in fields]})
    )
    qs = model._base_manager.annotate(**raw).order_by("pk").values_list(*names)
    n = 0
    batch = []
    for row in qs.iterator(chunk_size=2000):
        batch.append([_to_text(f, v) for f, v in zip(fields, row, strict=True)])
        n += 1
        if len(batch) == ROWS_PER_RECORD:
            _record(out, b"R", _json(batch))
            batch = []
    if batch:
        _record(out, b"R", _json(batch))
    return n


# --- restore ------------------------------------------------------------------------


def database_is_empty() -> bool:
    """No accounts, people or audit entries: a database fresh from `migrate`."""
    return not any(apps.get_model(label)._base_manager.exists() for label in DATA_MODELS)


def verify_archive(path) -> dict:
    """Open every chunk and read every record without writing anything; the manifest
    and the end record. BackupError when the archive does not open whole."""
    manifest = end = None
    with open(path, "rb") as fh:
        for kind, payload in _Records(opened_chunks(fh)):
            if kind == b"M":
                manifest = json.loads(payload)
            elif kind == b"Z":
                end = json.loads(payload)
    if manifest is None or end is None or manifest.get("format") != FORMAT:
        raise BackupError("the archive has no manifest of a known format")
    return {**manifest, **end}


def restore_archive(path, *, force: bool = False) -> dict:
    """Restore an archive into this database and MEDIA_ROOT; returns the counts.

    The archive is checked whole first. The database must be empty (or `force`) and
    at the archive's schema version (run `migrate` first). Rows replace what the
    database holds, in one transaction; files are staged and moved into place after
    the database has committed."""
    summary = verify_archive(path)
    if summary["migrations"] != applied_migrations():
        missing = sorted(set(summary["migrations"]) - set(applied_migrations()))
        extra = sorted(set(applied_migrations()) - set(summary["migrations"]))
        raise BackupError(
            "the database's schema differs from the archive's "
            f"(missing {len(missing)} migrations: {', '.join(missing[:5])}; "
            f"{len(extra)} newer: {', '.join(extra[:5])}). Migrate to the archive's "
            "version first, restore, then migrate."
        )
    if not force and not database_is_empty():
        raise BackupError(
            "the database is not empty: restore into an empty database or use --force"
        )
    media_root = Path(settings.MEDIA_ROOT)
    staging = media_root / f".restore-{uuid.uuid4().hex}"
    counts: dict[str, int] = {}
    try:
        with transaction.atomic():
            model_list = backed_up_models()
            _empty_tables(model_list)
            by_label = {m._meta.label_lower: m for m in model_list}
            model = fields = sql = None
            current_file = None
            with open(path, "rb") as fh:
                for kind, payload in _Records(opened_chunks(fh)):
                    if kind == b"T":
                        table = json.loads(payload)
                        model = by_label.get(table["model"])
                        if model is None:
                            raise BackupError(f"unknown table in the archive: {table['model']}")
                        fields = model._meta.concrete_fields
                        if [f.column for f in fields] != table["columns"]:
                            raise BackupError(f"the columns of {table['model']} differ")
                        sql = _insert_sql(model)
                        counts[table["model"]] = 0
                    elif kind == b"R":
                        rows = json.loads(payload)
                        values = [
                            [_from_text(f, v) for f, v in zip(fields, row, strict=True)]
                            for row in rows
                        ]
                        with connection.cursor() as cur:
                            cur.executemany(sql, values)
                        counts[model._meta.label_lower] += len(rows)
                    elif kind == b"F":
                        info = json.loads(payload)
                        current_file = _staged_path(staging, info["path"])
                        current_file.parent.mkdir(parents=True, exist_ok=True)
                        current_file.write_bytes(b"")
                    elif kind == b"D":
                        with open(current_file, "ab") as out:
                            out.write(payload)
            if counts != summary["counts"]:
                raise BackupError("the restored row counts differ from the archive's")
            _reset_sequences(model_list)
            connection.check_constraints()
        ContentType.objects.clear_cache()
        _move_into_place(staging, media_root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {"counts": counts, "files": summary["files"]}


def _empty_tables(model_list) -> None:
    # Foreign keys are checked at commit (deferred), so the order does not matter.
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        for model in model_list:
            cur.execute(f"DELETE FROM {qn(model._meta.db_table)}")  # noqa: S608


def _insert_sql(model) -> str:
    qn = connection.ops.quote_name
    cols = [f.column for f in model._meta.concrete_fields]
    return (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in cols)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(cols))})"
    )


def _reset_sequences(model_list) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cur:
            for sql in statements:
                cur.execute(sql)


def _staged_path(staging: Path, rel: str) -> Path:
    target = (staging / rel).resolve()
    if not target.is_relative_to(staging.resolve()):
        raise BackupError("a file in the archive points outside the attachments")
    return target


def _move_into_place(staging: Path, media_root: Path) -> None:
    if not staging.exists():
        return
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            target = media_root / path.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
