"""Blind-index keys for finding a person by phone or document number.

A phone is normalised by apps.core.phones (E.164, Kyrgyz by default), so
"+996 555 12-34-56", "0555123456" and "555123456" give one key, the same one the
hotline uses for callers. A document number (passport, ID card) is folded to its
upper-case letters and digits, Cyrillic letters that look like Latin ones read as
those (a series copied from a document on a Cyrillic keyboard): "ID 1234567" and
"id-1234567" are "ID1234567", "an 123 45 67" is "AN1234567", "АС 1234567" typed in
Cyrillic is "AC1234567". Only keyed hashes of these forms are stored (per organisation,
like the name keys), never the numbers in clear.
"""

import re
import unicodedata

from apps.core.crypto import blind_hash, organization_index_key, organization_index_keys
from apps.core.phones import phone_key

PHONE = "phone"
DOCUMENT = "document"

# Fewer characters than this are not a document number anybody could check.
MIN_DOCUMENT_LENGTH = 5
# Cyrillic capitals that look like Latin ones: series letters are typed in either script.
_LOOKALIKES = str.maketrans("АВЕКМНОРСТУХІ", "ABEKMHOPCTYXI")
_DIGIT = re.compile(r"\d")
# A query that names a person has a word of three letters or more; a series prefix has two.
_WORD = re.compile(r"[^\W\d_]{3,}")
_LETTER = re.compile(r"[^\W\d_]")


def normalised_document_number(raw: str) -> str:
    """The number's letters (upper case, Latin for look-alikes) and digits, nothing else;
    empty when it is too short or has no digit to be a document number."""
    text = unicodedata.normalize("NFKC", raw or "").upper().translate(_LOOKALIKES)
    folded = "".join(ch for ch in text if ch.isalnum() and ch != "№")
    if len(folded) < MIN_DOCUMENT_LENGTH or not _DIGIT.search(folded):
        return ""
    return folded


def document_number_key(organization_id, raw: str, *, org_key: bytes | None = None) -> int | None:
    """The blind index of a document number in one organisation (under `org_key`, another
    of its index keys, when given), None for no usable number."""
    number = normalised_document_number(raw)
    if not number or organization_id is None:
        return None
    return blind_hash(org_key or organization_index_key(organization_id), "document:" + number)


def number_keys(organization_id, phones, document_numbers) -> set[tuple[str, int]]:
    """(kind, hash) of every usable phone and document number of a person."""
    keys = {(PHONE, phone_key(organization_id, str(p))) for p in phones or []}
    keys |= {
        (DOCUMENT, document_number_key(organization_id, str(d))) for d in document_numbers or []
    }
    return {(kind, key) for kind, key in keys if key is not None}


def looks_like_number(query: str) -> bool:
    """Whether a search query may be a phone or document number (it has a digit)."""
    return bool(_DIGIT.search(query or ""))


def may_be_name(query: str) -> bool:
    """Whether a search query may (also) be a name: it has a word of three letters or
    more, which a phone or a document's series ("ID", "AN") does not."""
    return bool(_WORD.search(query or ""))


def query_number_keys(organization_id, query: str) -> dict[int, str]:
    """The hashes a query would have as a phone and as a document number, with their kind,
    under every index key held (a rotation rebuilding the index: decision 0038)."""
    keys = {}
    for org_key in organization_index_keys(organization_id) if organization_id else ():
        keys[document_number_key(organization_id, query, org_key=org_key)] = DOCUMENT
        if not _LETTER.search(query or ""):  # a phone has no letters; "ID 1234567" is no phone
            keys[phone_key(organization_id, query, org_key=org_key)] = PHONE
    keys.pop(None, None)
    return keys
