"""Re-encrypting every stored secret under the newest key while Koldoo runs.

Every store of encrypted data is listed here, in one registry, and nowhere else:

- text columns: every EncryptedTextField / EncryptedJSONField of every model (history
  tables included) is found by its field class, so a new column needs nothing;
- binary columns holding `encrypt_bytes` output: ENCRYPTED_BINARY_COLUMNS; the system
  check operations.E031 fails for any BinaryField missing from it;
- files holding `encrypt_bytes` output: ENCRYPTED_FILES (named by a model's field) and
  ENCRYPTED_FOLDERS (files without a row); a test fails for any module under apps/ that
  calls encrypt_bytes without being the `writer` of a store here.

Each batch (keyset pagination by primary key, never a whole table in memory) is its own
short transaction, and writes a value back only where the stored value is still the one
read (compare-and-set on the old token): a member's save in between is kept, its value
already under the newest key. The checkpoint (KeyRotationRun) commits with the batch,
so a run stopped by a crash resumes after the last batch done. Values already under the
primary key are left alone, so a resumed or repeated run rewrites nothing twice.

The keyring decrypts with every key it holds, so every value stays readable throughout;
the old key may leave the keyring only after the run finished.

Blind indexes (BLIND_INDEXES) are rebuilt the same way after the index key changed: in
batches of locked rows, one short transaction each with its checkpoint (a run whose
`key_id` is the index key's fingerprint, `index_key_id()`), while look-ups hash with the
new and the previous index key alike until the previous one is retired (decision 0038).
"""

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.core.crypto import data_cipher, reset_ciphers
from apps.core.fields import EncryptedJSONField, EncryptedTextField
from apps.operations.models import KeyRotationRun

DEFAULT_BATCH = 500


@dataclass(frozen=True)
class BinaryColumn:
    """A BinaryField whose value is `encrypt_bytes` output."""

    model: str  # "app_label.Model"
    field: str
    writer: str  # the module that encrypts into it


@dataclass(frozen=True)
class FileStore:
    """Files holding `encrypt_bytes` output, one per row whose `field` names it."""

    model: str
    field: str
    folder: Callable[[], Path]
    writer: str


@dataclass(frozen=True)
class FolderStore:
    """Files holding `encrypt_bytes` output that no row names (short-lived)."""

    name: str
    folder: Callable[[], Path]
    pattern: str
    writer: str


ENCRYPTED_BINARY_COLUMNS = [
    BinaryColumn("legal.StageDocument", "content", writer="apps.legal.services"),
]

# BinaryFields that hold no encrypt_bytes output (checked by operations.E031).
UNENCRYPTED_BINARY_COLUMNS: list[tuple[str, str]] = []

ENCRYPTED_FILES = [
    FileStore(
        "cases.Attachment",
        "storage_name",
        folder=lambda: Path(settings.MEDIA_ROOT),
        writer="apps.cases.services",
    ),
    FileStore(
        "monitoring.JobAd",
        "archive_storage",
        folder=lambda: Path(settings.MEDIA_ROOT),
        writer="apps.monitoring.services",
    ),
    FileStore(
        "grants.ManualResult",
        "evidence_storage",
        folder=lambda: Path(settings.VAR_DIR) / "grant_evidence",
        writer="apps.grants.services",
    ),
    FileStore(
        "operations.Job",
        "result_name",
        folder=lambda: Path(settings.MEDIA_ROOT) / "jobs",
        writer="apps.operations.services",
    ),
]

ENCRYPTED_FOLDERS = [
    FolderStore(
        "staged imports",
        folder=lambda: Path(settings.VAR_DIR) / "imports",
        pattern="*.bin",
        writer="apps.core.staged_upload",
    ),
]


@dataclass(frozen=True)
class BlindIndex:
    """Keyed hashes under the index key, rebuilt batch by batch when it changes.

    `rekey(after=pk, size=n)` brings the index rows of the next n records after primary
    key `pk` under the current index key inside the caller's transaction (the records
    locked, all of a record's rows at once) and returns (last primary key, records
    re-keyed), or None past the last record. Its look-ups hash with every index key
    the keyring holds (apps.core.crypto.organization_index_keys)."""

    name: str
    rekey: str  # dotted path of the function


BLIND_INDEXES = [
    # Names (with their spelling hashes), register numbers, phones, document numbers.
    BlindIndex("people", "apps.people.services.rekey_people"),
    BlindIndex("callers' phones", "apps.hotline.services.rekey_calls"),
    # Job ads' phones and payment details, per organisation and network-wide.
    BlindIndex("job ad markers", "apps.monitoring.alerts.rekey_job_ads"),
    BlindIndex("participants", "apps.prevention.services.rekey_participants"),
]


def writers() -> set[str]:
    """Modules allowed to call encrypt_bytes: the writers of registered stores."""
    return {s.writer for s in (*ENCRYPTED_BINARY_COLUMNS, *ENCRYPTED_FILES, *ENCRYPTED_FOLDERS)}


def primary_key_id() -> str:
    """A fingerprint of the primary encryption key (safe to store and print)."""
    return hashlib.sha256(settings.KEYRING.encryption_keys[0].encode()).hexdigest()[:16]


def index_key_id() -> str:
    """A fingerprint of the current blind-index key, the `key_id` of index rebuilds
    ("i" and 15 hex digits: never that of an encryption key)."""
    return "i" + hashlib.sha256(b"index:" + settings.KEYRING.index_key).hexdigest()[:15]


def _primary() -> Fernet:
    return Fernet(settings.KEYRING.encryption_keys[0].encode())


def _under_primary(primary: Fernet, token: bytes) -> bool:
    # Checks the token's MAC only; no decryption needed to know which key wrote it.
    try:
        primary.extract_timestamp(token)
    except InvalidToken:
        return False
    return True


@dataclass
class Batch:
    last: str  # the checkpoint: the last primary key (or file name) done
    rotated: int = 0
    changed_meanwhile: int = 0
    unreadable: int = 0


class _Store:
    name: str

    def rotate_batch(self, after: str, size: int) -> Batch | None:
        raise NotImplementedError


class _ColumnStore(_Store):
    """Columns of one table; text tokens or bytes."""

    def __init__(self, model, columns: list[str], *, binary: bool):
        self.model = model
        self.columns = columns
        self.binary = binary
        self.name = model._meta.db_table + (":binary" if binary else "")

    def rotate_batch(self, after, size):
        qn = connection.ops.quote_name
        pk_field = self.model._meta.pk
        table, pk = qn(self.model._meta.db_table), qn(pk_field.column)
        cols = ", ".join(qn(c) for c in self.columns)
        where, params = "", []
        if after:
            where, params = f"WHERE {pk} > %s", [pk_field.to_python(after)]
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT {pk}, {cols} FROM {table} {where} ORDER BY {pk} LIMIT %s",  # noqa: S608
                [*params, size],
            )
            rows = cur.fetchall()
        if not rows:
            return None
        primary, cipher = _primary(), data_cipher()
        batch = Batch(last=str(rows[-1][0]))
        for i, column in enumerate(self.columns, start=1):
            updates = []
            for row in rows:
                old = row[i]
                if not old:
                    continue
                token = bytes(old) if self.binary else old.encode()
                if _under_primary(primary, token):
                    continue
                try:
                    new = rotate(cipher, token)
                except InvalidToken:
                    batch.unreadable += 1
                    continue
                updates.append((new if self.binary else new.decode(), row[0], old))
            if not updates:
                continue
            with connection.cursor() as cur:
                # Compare-and-set: a value saved since the SELECT is newer; keep it.
                cur.executemany(
                    f"UPDATE {table} SET {qn(column)} = %s WHERE {pk} = %s AND {qn(column)} = %s",  # noqa: S608
                    updates,
                )
                written = cur.rowcount if cur.rowcount >= 0 else len(updates)
            batch.rotated += written
            batch.changed_meanwhile += len(updates) - written
        return batch


def rotate(cipher, token: bytes) -> bytes:
    """Re-encrypt one token under the primary key (a seam for tests)."""
    return cipher.rotate(token)


def _rewrite_file(path: Path, primary: Fernet, cipher, batch: Batch) -> bool:
    """Re-encrypt one file in place, atomically (a reader sees the old or the new file,
    never half of one). False when it is gone, unreadable or already under the primary
    key."""
    try:
        token = path.read_bytes()
    except FileNotFoundError:
        return False
    if _under_primary(primary, token):
        return False
    try:
        new = rotate(cipher, token)
    except InvalidToken:
        batch.unreadable += 1
        return False
    tmp = path.with_name(path.name + ".rotating")
    tmp.write_bytes(new)
    if not path.exists():  # deleted meanwhile (retention, erasure): do not bring it back
        tmp.unlink(missing_ok=True)
        return False
    os.replace(tmp, path)
    batch.rotated += 1
    return True


class _FileStore(_Store):
    def __init__(self, spec: FileStore):
        self.spec = spec
        self.model = apps.get_model(spec.model)
        self.name = f"files:{spec.model}.{spec.field}"

    def rotate_batch(self, after, size):
        field = self.spec.field
        rows = self.model._base_manager.exclude(**{field: ""}).order_by("pk")
        if after:
            rows = rows.filter(pk__gt=self.model._meta.pk.to_python(after))
        rows = list(rows.values_list("pk", field)[:size])
        if not rows:
            return None
        primary, cipher, folder = _primary(), data_cipher(), self.spec.folder()
        batch = Batch(last=str(rows[-1][0]))
        rewritten = {}
        for pk, name in rows:
            if _rewrite_file(folder / name, primary, cipher, batch):
                rewritten[pk] = name
        if rewritten:
            # A row removed while its file was rewritten: remove the file again.
            still = set(self.model._base_manager.filter(pk__in=rewritten).values_list("pk", field))
            for pk, name in rewritten.items():
                if (pk, name) not in still:
                    (folder / name).unlink(missing_ok=True)
        return batch


class _FolderStore(_Store):
    def __init__(self, spec: FolderStore):
        self.spec = spec
        self.name = f"folder:{spec.name}"

    def rotate_batch(self, after, size):
        folder = self.spec.folder()
        names = sorted(p.name for p in folder.glob(self.spec.pattern) if p.name > after)[:size]
        if not names:
            return None
        primary, cipher = _primary(), data_cipher()
        batch = Batch(last=names[-1])
        for name in names:
            _rewrite_file(folder / name, primary, cipher, batch)
        return batch


class _IndexStore(_Store):
    def __init__(self, spec: BlindIndex):
        self.spec = spec
        self.name = f"index:{spec.name}"

    def rotate_batch(self, after, size):
        done = import_string(self.spec.rekey)(after=int(after or 0), size=size)
        if done is None:
            return None
        last, rekeyed = done
        return Batch(last=str(last), rotated=rekeyed)


def stores() -> list[_Store]:
    """Every store of encrypted data, in the order a run goes through them."""
    found: list[_Store] = []
    for model in sorted(apps.get_models(), key=lambda m: m._meta.db_table):
        if model._meta.proxy or not model._meta.managed:
            continue
        cols = [
            f.column
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedTextField | EncryptedJSONField)
        ]
        if cols:
            found.append(_ColumnStore(model, cols, binary=False))
    binary_by_model: dict = {}
    for spec in ENCRYPTED_BINARY_COLUMNS:
        binary_by_model.setdefault(spec.model, []).append(spec.field)
    for model in sorted(apps.get_models(), key=lambda m: m._meta.db_table):
        # History copies of a registered model hold the same tokens.
        source = getattr(model, "instance_type", model)
        fields = binary_by_model.get(source._meta.label, [])
        cols = [model._meta.get_field(f).column for f in fields]
        if cols and not model._meta.proxy:
            found.append(_ColumnStore(model, cols, binary=True))
    found += [_FileStore(spec) for spec in ENCRYPTED_FILES]
    found += [_FolderStore(spec) for spec in ENCRYPTED_FOLDERS]
    return found


def current_run() -> KeyRotationRun | None:
    """The unfinished run under the present primary key, if a run stopped midway."""
    return (
        KeyRotationRun.objects.filter(finished_at__isnull=True, key_id=primary_key_id())
        .order_by("-id")
        .first()
    )


def start_or_resume() -> KeyRotationRun:
    """The run to work on: the unfinished one under the present primary key, or a new one."""
    return current_run() or KeyRotationRun.objects.create(key_id=primary_key_id())


def reencrypt_everything(
    run: KeyRotationRun | None = None,
    *,
    batch_size: int = DEFAULT_BATCH,
    on_batch: Callable[[KeyRotationRun], None] | None = None,
) -> KeyRotationRun:
    """Re-encrypt every store under the primary key, batch by batch, from the run's
    checkpoint on. `on_batch` is called after each committed batch (progress)."""
    if batch_size < 1:
        raise ValueError(batch_size)
    reset_ciphers()
    return _work_through(run or start_or_resume(), stores(), batch_size, on_batch)


def _work_through(run, every: list[_Store], batch_size: int, on_batch) -> KeyRotationRun:
    """Each store batch by batch from the run's checkpoint on, the checkpoint saved in
    each batch's transaction; then the run is marked finished."""
    names = [s.name for s in every]
    start = names.index(run.store) if run.store in names else 0
    for store in every[start:]:
        after = run.last_key if store.name == run.store else ""
        if store.name != run.store:
            run.store, run.last_key = store.name, ""
            run.save(update_fields=["store", "last_key"])
        while True:
            with transaction.atomic():
                batch = store.rotate_batch(after, batch_size)
                if batch is None:
                    break
                run.last_key = batch.last
                run.rotated += batch.rotated
                run.changed_meanwhile += batch.changed_meanwhile
                run.unreadable += batch.unreadable
                run.save(update_fields=["last_key", "rotated", "changed_meanwhile", "unreadable"])
            after = batch.last
            if on_batch:
                on_batch(run)
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return run


def current_index_run() -> KeyRotationRun | None:
    """The unfinished index rebuild under the present index key, if one stopped midway."""
    return (
        KeyRotationRun.objects.filter(finished_at__isnull=True, key_id=index_key_id())
        .order_by("-id")
        .first()
    )


def index_rebuild_due() -> bool:
    """Whether the blind indexes may still hold rows under a replaced index key: the
    keyring keeps it (look-ups hash with it too) until a rebuild finished and
    `rotate_keys --retire-old` removed it, or an index rebuild stopped midway."""
    return bool(settings.KEYRING.previous_index_keys) or current_index_run() is not None


def rebuild_blind_indexes(
    run: KeyRotationRun | None = None,
    *,
    batch_size: int = DEFAULT_BATCH,
    on_batch: Callable[[KeyRotationRun], None] | None = None,
) -> KeyRotationRun:
    """Bring every blind index (BLIND_INDEXES) under the current index key, batch by
    batch, from the checkpoint of the index rebuild that stopped midway under this key
    (else a new one). Each batch locks its records and rewrites all of a record's rows
    in one short transaction with the checkpoint; rows already current are left alone,
    so a crash loses at most the batch in flight and a second pass rewrites only what
    was written under the old key meanwhile. Look-ups find every record throughout as
    long as the keyring holds the previous index key too (decision 0038). `run.rotated`
    counts the records re-keyed."""
    if batch_size < 1:
        raise ValueError(batch_size)
    reset_ciphers()
    run = run or current_index_run() or KeyRotationRun.objects.create(key_id=index_key_id())
    return _work_through(run, [_IndexStore(spec) for spec in BLIND_INDEXES], batch_size, on_batch)


@checks.register()
def check_binary_columns_registered(app_configs=None, **kwargs):
    """operations.E031: a BinaryField that key rotation does not know of."""
    known = {(s.model, s.field) for s in ENCRYPTED_BINARY_COLUMNS} | set(UNENCRYPTED_BINARY_COLUMNS)
    errors = []
    for model in apps.get_models():
        source = getattr(model, "instance_type", model)
        for f in model._meta.concrete_fields:
            if isinstance(f, models.BinaryField) and (source._meta.label, f.name) not in known:
                errors.append(
                    checks.Error(
                        f"{source._meta.label}.{f.name} is a BinaryField unknown to key rotation.",
                        hint="List it in ENCRYPTED_BINARY_COLUMNS (or "
                        "UNENCRYPTED_BINARY_COLUMNS) in apps/operations/key_rotation.py.",
                        obj=model,
                        id="operations.E031",
                    )
                )
    for spec in (*ENCRYPTED_BINARY_COLUMNS, *ENCRYPTED_FILES):
        try:
            apps.get_model(spec.model)._meta.get_field(spec.field)
        except (LookupError, FieldDoesNotExist):
            errors.append(
                checks.Error(
                    f"Key rotation lists {spec.model}.{spec.field}, which does not exist.",
                    id="operations.E032",
                )
            )
    return errors
