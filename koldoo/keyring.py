"""Where Koldoo's secrets come from: the environment or a key file outside the database.

Four secrets: the Django secret key, the data-encryption keys (Fernet, newest
first, so MultiFernet can still read what older keys wrote), the key from
which the per-organisation blind-index keys are derived, and the audit key that
seals the audit chain (HMAC-SHA256). The audit key lives here and never in the
database, so someone who can write to the database cannot re-seal a rewritten
trail.

Production refuses to start without them; demo mode writes a fresh key file
once so that `make run` works on a new machine.
"""

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path


class MissingKeys(RuntimeError):
    pass


@dataclass(frozen=True)
class Keyring:
    secret_key: str
    encryption_keys: tuple[str, ...]
    index_key: bytes
    source: str
    audit_key: bytes = b""
    # Index keys replaced by `index_key` whose blind indexes are still being rebuilt:
    # look-ups hash with these too until the rebuild finished (docs/decisions/0038).
    previous_index_keys: tuple[bytes, ...] = ()


def new_key_material() -> dict:
    from cryptography.fernet import Fernet

    return {
        "secret_key": secrets.token_urlsafe(50),
        "encryption_keys": [Fernet.generate_key().decode()],
        "index_key": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "audit_key": _new_audit_key(),
    }


def _new_audit_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def write_key_file(path: Path, material: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    # Created with owner-only permissions before anything is written into it.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(material, fh, indent=2)
    os.replace(tmp, path)


def load_keyring(environ, key_file: Path, *, create_if_missing: bool) -> Keyring:
    """Read the keys from KOLDOO_* variables, else from the key file.

    With create_if_missing (demo mode only) a missing key file is generated.
    """
    enc = environ.get("KOLDOO_ENCRYPTION_KEYS", "").strip()
    idx = environ.get("KOLDOO_INDEX_KEY", "").strip()
    secret = environ.get("SECRET_KEY", "").strip()
    audit = environ.get("KOLDOO_AUDIT_KEY", "").strip()
    if enc and idx and secret:
        if not audit:
            if not create_if_missing:
                raise MissingKeys(
                    "Koldoo needs its audit key: set KOLDOO_AUDIT_KEY (32 random bytes, "
                    "URL-safe base64) next to the other keys."
                )
            # Demo with keys in the environment: the audit key is kept in the key file.
            audit = _file_material(key_file, create_if_missing=True)["audit_key"]
        # Like the encryption keys: the current index key first, then those it replaces.
        index_keys = [base64.urlsafe_b64decode(k.strip()) for k in idx.split(",") if k.strip()]
        return Keyring(
            secret_key=secret,
            encryption_keys=tuple(k.strip() for k in enc.split(",") if k.strip()),
            index_key=index_keys[0],
            source="environment",
            audit_key=base64.urlsafe_b64decode(audit),
            previous_index_keys=tuple(index_keys[1:]),
        )
    data = _file_material(key_file, create_if_missing=create_if_missing, need_audit=not audit)
    return Keyring(
        secret_key=secret or data["secret_key"],
        encryption_keys=tuple(data["encryption_keys"]),
        index_key=base64.urlsafe_b64decode(data["index_key"]),
        source=str(key_file),
        audit_key=base64.urlsafe_b64decode(audit or data["audit_key"]),
        previous_index_keys=tuple(
            base64.urlsafe_b64decode(k) for k in data.get("previous_index_keys", [])
        ),
    )


def _file_material(key_file: Path, *, create_if_missing: bool, need_audit: bool = True) -> dict:
    """The key file's contents; in demo mode created, or given an audit key it lacks."""
    if not key_file.exists():
        if not create_if_missing:
            raise MissingKeys(
                "Koldoo needs its keys: set SECRET_KEY, KOLDOO_ENCRYPTION_KEYS, "
                f"KOLDOO_INDEX_KEY and KOLDOO_AUDIT_KEY, or provide the key file {key_file} "
                "(KOLDOO_KEY_FILE)."
            )
        write_key_file(key_file, new_key_material())
    data = json.loads(key_file.read_text())
    if need_audit and not data.get("audit_key"):
        if not create_if_missing:
            raise MissingKeys(
                f"The key file {key_file} has no audit_key: add one (32 random bytes, "
                "URL-safe base64) or set KOLDOO_AUDIT_KEY."
            )
        # Key files written before the audit chain was keyed get their audit key once.
        data["audit_key"] = _new_audit_key()
        write_key_file(key_file, data)
    return data
