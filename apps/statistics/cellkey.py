"""Cell-key perturbation of the counts that leave an organisation (ONS / ABS method).

Why: two reports whose record sets overlap (a month and its quarter, every sharing
organisation and all but one) would otherwise differ by exactly the records that differ,
and the changed cells would give away a victim's citizenship, region and country. Here
every published count carries noise that depends only on the set of records in the cell,
so the same set always gets the same value, whatever report it appears in, and the
difference between two reports is the true difference plus noise.

- Record key: a number 0..255 per record, the first byte of HMAC-SHA256 of "kind:id"
  under a key derived from the keyring (`statistics_key`). A reader never sees a record
  key and cannot compute one without the key. The database computes it while counting
  (`record_key_sql`): PostgreSQL with its sha256(), SQLite with a function registered on
  each connection (apps.StatisticsConfig).
- Cell key: the sum of the cell's record keys modulo 256.
- Noise: `PTABLE[min(count, PTABLE_MAX_COUNT)][cell key]`, a fixed table built once by
  `build_ptable` (docs/statistics/perturbation.md): zero mean, variance V, at most D.
  A zero stays zero; a published value is never negative.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from functools import lru_cache

from django.conf import settings
from django.db import connection

KEY_RANGE = 256  # record and cell keys are 0..255, as in the ONS method
MAX_NOISE = 2  # D
VARIANCE = 1.0  # V
PTABLE_MAX_COUNT = 10  # counts above this use the row of this count (the noise no longer
# depends on the count once the count cannot go below zero)
SQLITE_FUNCTION = "koldoo_record_key"

# Kinds of record, one name each, used in the record key's message.
PERSON, CASE, CALL, REFERRAL, SERVICE, REFERRAL_SERVICE, SHELTER_STAY = (
    "person",
    "case",
    "call",
    "referral",
    "service",
    "referral_service",
    "shelter_stay",
)


@lru_cache(maxsize=4)
def _derived_key(index_key: bytes) -> bytes:
    return hmac.new(index_key, b"statistics:record-key", hashlib.sha256).digest()


def statistics_key() -> bytes:
    """The record-key secret: derived from the keyring's index key, never stored. Replacing
    the index key (rotate_keys --index) draws new noise for every cell."""
    return _derived_key(settings.KEYRING.index_key)


def record_key(kind: str, record_id: int | str) -> int:
    """The record key of one record (what the database computes in `record_key_sql`).
    The id is a number, or a text identifier (a person's network identity)."""
    ident = record_id if isinstance(record_id, str) else int(record_id)
    message = f"{kind}:{ident}".encode()
    return hmac.new(statistics_key(), message, hashlib.sha256).digest()[0]


def sqlite_record_key(kind, record_id):
    """The SQLite function behind `record_key_sql`."""
    if record_id is None:
        return 0
    return record_key(str(kind), record_id if isinstance(record_id, str) else int(record_id))


def record_key_sql(kind: str, id_sql: str) -> tuple[str, list]:
    """SQL for the record key of the record whose id is `id_sql`, and its parameters.

    On PostgreSQL an HMAC-SHA256 is written out with sha256() (core since version 11):
    H((K xor opad) || H((K xor ipad) || message)); on SQLite the registered function.
    """
    if connection.vendor == "postgresql":
        key = statistics_key().ljust(64, b"\0")
        inner = bytes(b ^ 0x36 for b in key)
        outer = bytes(b ^ 0x5C for b in key)
        sql = (
            "get_byte(sha256(CAST(%s AS bytea) || sha256(CAST(%s AS bytea) || "
            f"convert_to(CAST(%s AS TEXT) || CAST({id_sql} AS TEXT), 'UTF8'))), 0)"
        )
        return sql, [outer, inner, f"{kind}:"]
    return f"{SQLITE_FUNCTION}(%s, {id_sql})", [kind]


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created receiver: make the record-key function known to SQLite."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 2, sqlite_record_key, deterministic=True
        )


def cell_key(key_sum: int) -> int:
    return int(key_sum) % KEY_RANGE


# --- the perturbation table ------------------------------------------------------------


def noise_distribution(count: int, max_noise: int = MAX_NOISE, variance: float = VARIANCE):
    """{noise: probability} for a true count: the maximum-entropy distribution over the
    noises -max_noise..max_noise that keep the count non-negative, with mean 0 and the given
    variance (p(d) proportional to exp(a*d + b*d*d), a and b by Newton's method)."""
    support = [d for d in range(-max_noise, max_noise + 1) if count + d >= 0]
    a = b = 0.0
    for _step in range(200):
        weights = [math.exp(a * d + b * d * d) for d in support]
        z = sum(weights)
        p = [w / z for w in weights]
        m1 = sum(pi * d for pi, d in zip(p, support, strict=True))
        m2 = sum(pi * d * d for pi, d in zip(p, support, strict=True))
        m3 = sum(pi * d**3 for pi, d in zip(p, support, strict=True))
        m4 = sum(pi * d**4 for pi, d in zip(p, support, strict=True))
        g1, g2 = m1, m2 - variance
        if abs(g1) < 1e-12 and abs(g2) < 1e-12:
            break
        # Hessian of log Z: the covariance of (d, d^2).
        h11, h12, h22 = m2 - m1 * m1, m3 - m1 * m2, m4 - m2 * m2
        det = h11 * h22 - h12 * h12
        a -= (h22 * g1 - h12 * g2) / det
        b -= (h11 * g2 - h12 * g1) / det
    return dict(zip(support, p, strict=True))


def ptable_row(count: int, max_noise: int = MAX_NOISE, variance: float = VARIANCE) -> list[int]:
    """The noise for each of the 256 cell keys of a count: the cell key, read as the
    quantile (key + 0.5) / 256, picks the noise from the cumulative distribution."""
    if count <= 0:
        return [0] * KEY_RANGE
    dist = sorted(noise_distribution(count, max_noise, variance).items())
    row = []
    for key in range(KEY_RANGE):
        u, cumulative, noise = (key + 0.5) / KEY_RANGE, 0.0, dist[-1][0]
        for d, p in dist:
            cumulative += p
            if u <= cumulative:
                noise = d
                break
        row.append(noise)
    return row


def build_ptable(max_noise: int = MAX_NOISE, variance: float = VARIANCE) -> dict[int, list[int]]:
    """{count: [noise for cell key 0..255]} for counts 0..PTABLE_MAX_COUNT."""
    return {n: ptable_row(n, max_noise, variance) for n in range(PTABLE_MAX_COUNT + 1)}


PTABLE = build_ptable()


def perturbed(count: int, key_sum: int) -> int:
    """The published value of a cell: its count plus the noise of (count, cell key)."""
    if count <= 0:
        return 0
    return count + PTABLE[min(count, PTABLE_MAX_COUNT)][cell_key(key_sum)]


def perturb(table) -> None:
    """Replace a report table's counts and total by their published values, in place.
    The total is perturbed from its own records (for tables where a person can count in
    several cells, the persons once each), so it may differ from the sum of the cells."""
    for row in table.rows:
        cell = tuple(row[d] for d in table.dimensions)
        row["count"] = perturbed(row["count"], table.key_sums.get(cell, 0))
    if isinstance(table.total, int):
        table.total = perturbed(table.total, table.total_key)
    table.perturbed = True
