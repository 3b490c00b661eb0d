"""Phone numbers in one form, so that the same number typed two ways is found again.

"0555 123 456", "+996 555 123 456" and "996555123456" are one number. libphonenumber
(the `phonenumbers` package) knows each country's dialling rules; numbers without a
country code are read as Kyrgyz, where the hotlines are. Only a keyed hash of the
normalised number is stored (`phone_key`), never the number in clear.
"""

import re

import phonenumbers

from apps.core.crypto import blind_hash, organization_index_key, organization_index_keys

DEFAULT_REGION = "KG"
# Fewer digits than this are not a number anybody could call back: not indexed.
MIN_DIGITS = 5
_NOT_DIGIT = re.compile(r"\D+")


def normalised_phone(raw: str) -> str:
    """The number in E.164 (+996555123456), or its digits when it cannot be parsed;
    empty when there is no usable number."""
    raw = (raw or "").strip()
    digits = _NOT_DIGIT.sub("", raw)
    if len(digits) < MIN_DIGITS:
        return ""
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return digits
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_key(organization_id, raw: str, *, org_key: bytes | None = None) -> int | None:
    """The blind index of a phone number in one organisation (HMAC under the key derived
    for it, like the name keys; `org_key` another of its keys); None for no usable number.
    Equal numbers in two organisations give unrelated hashes."""
    number = normalised_phone(raw)
    if not number or organization_id is None:
        return None
    return blind_hash(org_key or organization_index_key(organization_id), "phone:" + number)


def phone_keys(organization_id, raw: str) -> list[int]:
    """What a look-up of the number compares with: its hash under every index key held,
    the current one first (while a rotation rebuilds the index, a row is under one of
    them); empty for no usable number."""
    if organization_id is None:
        return []
    found = [
        phone_key(organization_id, raw, org_key=k) for k in organization_index_keys(organization_id)
    ]
    return [k for k in found if k is not None]
