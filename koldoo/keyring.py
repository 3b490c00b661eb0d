"""Where Koldoo's secrets come from: the environment or a key file outside the database.

Three secrets: the Django secret key, the data-encryption keys (Fernet, newest
first, so MultiFernet can still read what older keys wrote) and the key from
which the per-organisation blind-index keys are derived.

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


def new_key_material() -> dict:
    from cryptography.fernet import Fernet

    return {
        "secret_key": secrets.token_urlsafe(50),
        "encryption_keys": [Fernet.generate_key().decode()],
        "index_key": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    }


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
    if enc and idx and secret:
        return Keyring(
            secret_key=secret,
            encryption_keys=tuple(k.strip() for k in enc.split(",") if k.strip()),
            index_key=base64.urlsafe_b64decode(idx),
            source="environment",
        )
    if not key_file.exists():
        if not create_if_missing:
            raise MissingKeys(
                "Koldoo needs its keys: set SECRET_KEY, KOLDOO_ENCRYPTION_KEYS and "
                f"KOLDOO_INDEX_KEY, or provide the key file {key_file} (KOLDOO_KEY_FILE)."
            )
        write_key_file(key_file, new_key_material())
    data = json.loads(key_file.read_text())
    return Keyring(
        secret_key=secret or data["secret_key"],
        encryption_keys=tuple(data["encryption_keys"]),
        index_key=base64.urlsafe_b64decode(data["index_key"]),
        source=str(key_file),
    )
