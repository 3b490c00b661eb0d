"""Encryption of identifying data and keyed hashes for blind indexes.

Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`, wrapped in MultiFernet
so that a rotated key still decrypts what an older key wrote. Blind-index
keys are derived per organisation, so equal names in two organisations give
unrelated hashes.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@lru_cache(maxsize=1)
def data_cipher() -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in settings.KEYRING.encryption_keys])


def reset_ciphers() -> None:
    """Forget cached keys (after rotation or when tests swap the keyring)."""
    data_cipher.cache_clear()
    organization_index_key.cache_clear()
    organization_index_keys.cache_clear()


def encrypt_text(value: str) -> str:
    return data_cipher().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return data_cipher().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise InvalidToken("A stored value cannot be decrypted with the configured keys") from exc


def encrypt_bytes(data: bytes) -> bytes:
    return data_cipher().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return data_cipher().decrypt(token)


def rotate_token(token: str) -> str:
    return data_cipher().rotate(token.encode()).decode()


def _organization_key(index_key: bytes, organization_id: int) -> bytes:
    return hmac.new(index_key, b"organization:%d" % organization_id, hashlib.sha256).digest()


@lru_cache(maxsize=1024)
def organization_index_key(organization_id: int) -> bytes:
    """The organisation's blind-index key: every index row is written under it."""
    return _organization_key(settings.KEYRING.index_key, organization_id)


@lru_cache(maxsize=1024)
def organization_index_keys(organization_id: int) -> tuple[bytes, ...]:
    """Every key a look-up hashes with: the current one first, then those it replaced
    while their indexes are rebuilt in batches (a row is under one of them; decision 0038)."""
    return tuple(
        _organization_key(key, organization_id)
        for key in (settings.KEYRING.index_key, *settings.KEYRING.previous_index_keys)
    )


def blind_hash(org_key: bytes, text: str) -> int:
    """HMAC-SHA256 truncated to a signed 64-bit integer (fits a bigint column)."""
    digest = hmac.new(org_key, text.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
