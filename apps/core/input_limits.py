"""Limits on what a request may carry, in one place: numbers no database column can hold,
invisible control characters in text, JSON nested too deep, and compressed uploads
(XLSX and any other zip) that would expand to far more than they weigh.

Each limit is applied everywhere by one mechanism: numbers by `CraftedInputMiddleware`
(apps.core.middleware), text by validators that `install_field_validators()` gives every
Django form and DRF field (called from CoreConfig.ready), JSON by `load_json()`
and the API's `LimitedJSONParser`, zip files by `check_zip()` before any parser opens
them.
"""

import io
import json
import re
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# The signed 64-bit range of PostgreSQL's bigint and SQLite's INTEGER.
MIN_BIGINT = -(2**63)
MAX_BIGINT = 2**63 - 1

# --------------------------------------------------------------------------- numbers

_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")
# Free-text search parameters: a long run of digits there is text, never cast to a number.
# The audit trail's "record" is a typed reference that its form checks and answers itself.
TEXT_PARAMETERS = frozenset({"q", "search", "record"})


def fits_bigint(number: int) -> bool:
    return MIN_BIGINT <= number <= MAX_BIGINT


def oversized_number(value: str) -> bool:
    """True for a whole number written in `value` that no database integer can hold."""
    if len(value) > 200:  # int() of a long digit string is itself costly
        return bool(_INTEGER.match(value[:200])) and value.strip().lstrip("+-").isdigit()
    return bool(_INTEGER.match(value)) and not fits_bigint(int(value))


def oversized_parameter(query) -> str | None:
    """The name of the first query parameter holding a number beyond the 64-bit range."""
    for name, values in query.lists():
        if name in TEXT_PARAMETERS:
            continue
        if any(oversized_number(v) for v in values):
            return name
    return None


# --------------------------------------------------------------------------- text

# C0 controls but tab, newline and carriage return; DEL; C1 controls; the bidirectional
# embeddings, overrides and isolates that make text display in another order than it is
# stored (used to disguise names, file names and links).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def control_character(text: str) -> tuple[int, str] | None:
    """(position from 1, "U+XXXX") of the first forbidden control character, or None."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    return found.start() + 1, f"U+{ord(found.group()):04X}"


def control_character_message(text: str) -> str | None:
    """The message for text with a forbidden control character, None for clean text."""
    found = control_character(text)
    if found is None:
        return None
    position, code = found
    return _(
        "The text contains an invisible control character (%(code)s, character "
        "%(position)d). Remove it and type the text again."
    ) % {"code": code, "position": position}


def visible_text(text: str) -> str:
    """`text` with each control character shown as its code, for reports and messages."""
    return _CONTROL.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


@deconstructible
class ControlCharacterValidator:
    """Refuses NUL and other C0/C1 controls (tab, newline and carriage return allowed)
    and Unicode bidirectional overrides."""

    code = "control_character"
    message = gettext_lazy("The text contains an invisible control character.")

    def __call__(self, value):
        if not isinstance(value, str):
            return
        message = control_character_message(value)
        if message:
            raise ValidationError(message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator)


reject_control_characters = ControlCharacterValidator()


@deconstructible
class BigIntegerRangeValidator:
    """Refuses whole numbers outside the signed 64-bit range of the database."""

    code = "out_of_range"

    def __call__(self, value):
        if isinstance(value, int) and not fits_bigint(value):
            raise ValidationError(_("The number is too large."), code=self.code)

    def __eq__(self, other):
        return isinstance(other, BigIntegerRangeValidator)


reject_oversized_numbers = BigIntegerRangeValidator()


def _add_validator_on_init(field_class, validator) -> None:
    original = field_class.__init__
    if getattr(original, "_koldoo_validator", None) is validator:
        return

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.validators.append(validator)

    __init__._koldoo_validator = validator
    field_class.__init__ = __init__


def install_field_validators() -> None:
    """Every text field of every form and serializer refuses control characters, and
    every integer field numbers beyond 64 bits.

    A hook rather than a base class: the rule then holds for forms written later, the
    forms of allauth and the admin, and serializer fields DRF builds from models, with
    no class to remember. Django's form fields take their validators from the class
    attribute `default_validators`; DRF's fields have no such hook (a ModelSerializer
    passes explicit validators), so their __init__ is wrapped to add the validator, as
    DRF adds its own NUL check. Subclasses with validators of their own (EmailField,
    SlugField, ...) refuse these characters already.
    """
    from django import forms
    from rest_framework import serializers

    for field_class, validator in (
        (forms.CharField, reject_control_characters),
        (forms.IntegerField, reject_oversized_numbers),
    ):
        if validator not in field_class.default_validators:
            field_class.default_validators = [*field_class.default_validators, validator]
    _add_validator_on_init(serializers.CharField, reject_control_characters)
    _add_validator_on_init(serializers.IntegerField, reject_oversized_numbers)


def stop_silent_truncation() -> None:
    """Forms render no `maxlength` on text inputs: a browser would cut what is typed or
    pasted past the limit without a word. The field's max_length still holds on the
    server, which answers with a message and shows the whole text again to shorten."""
    from django import forms

    original = forms.CharField.widget_attrs
    if getattr(original, "keeps_maxlength_off", False):
        return

    def widget_attrs(self, widget):
        attrs = original(self, widget)
        attrs.pop("maxlength", None)
        return attrs

    widget_attrs.keeps_maxlength_off = True
    forms.CharField.widget_attrs = widget_attrs


# --------------------------------------------------------------------------- JSON


class JsonTooDeep(ValueError):
    pass


def max_json_depth() -> int:
    return getattr(settings, "KOLDOO_MAX_JSON_DEPTH", 32)


def json_depth_message() -> str:
    return _("The JSON is nested more than %(depth)d levels deep.") % {"depth": max_json_depth()}


def _depth(value) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in item if isinstance(child, dict | list))
    return deepest


def load_json(text: str | bytes):
    """json.loads with a depth limit (KOLDOO_MAX_JSON_DEPTH, default 32).

    Raises JsonTooDeep (a ValueError) for deeper JSON, including JSON so deep that the
    parser itself gives up (100,000 "[" raise RecursionError inside json), and
    ValueError for JSON that is not valid.
    """
    try:
        value = json.loads(text)
    except RecursionError:
        raise JsonTooDeep(json_depth_message())
    if _depth(value) > max_json_depth():
        raise JsonTooDeep(json_depth_message())
    return value


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser with load_json's depth limit: 400 instead of a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
            return load_json(text)
        except JsonTooDeep as exc:
            raise ParseError(str(exc))
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc})


# --------------------------------------------------------------------------- zip files

ZIP_MAGIC = b"PK\x03\x04"


def zip_limits() -> dict[str, int]:
    return {
        "max_bytes": getattr(settings, "KOLDOO_ZIP_MAX_UNCOMPRESSED_BYTES", 300 * 1024 * 1024),
        "max_entries": getattr(settings, "KOLDOO_ZIP_MAX_ENTRIES", 1000),
        "max_ratio": getattr(settings, "KOLDOO_ZIP_MAX_RATIO", 200),
    }


def check_zip(data: bytes) -> str | None:
    """Why a zip-based file (XLSX, DOCX, ODS, zip) must not be opened, or None.

    Reads only the archive's directory: the declared uncompressed size of all entries,
    their count, and each entry's compression ratio. The declarations can be trusted
    as a bound: Python's zipfile never returns more bytes of an entry than its
    declared size (and fails the CRC check if the data is longer), and openpyxl reads
    through zipfile.
    """
    limits = zip_limits()
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None  # not a zip file: the format's own reader reports it
    if len(entries) > limits["max_entries"]:
        return _(
            "The file holds %(count)d parts, more than the %(limit)d allowed; it is "
            "refused unopened."
        ) % {"count": len(entries), "limit": limits["max_entries"]}
    total = sum(e.file_size for e in entries)
    if total > limits["max_bytes"]:
        return _(
            "The file would expand to %(size)d MB when opened, more than the %(limit)d MB "
            "allowed; it is refused unopened. Split it into smaller files."
        ) % {"size": total // (1024 * 1024), "limit": limits["max_bytes"] // (1024 * 1024)}
    for entry in entries:
        # Small parts may compress very well (an empty sheet); judge only large ones.
        if entry.file_size > 1024 * 1024 and (
            entry.file_size > limits["max_ratio"] * max(entry.compress_size, 1)
        ):
            return _(
                "The file is compressed %(ratio)d times, far more than a real spreadsheet; "
                "it is refused unopened."
            ) % {"ratio": entry.file_size // max(entry.compress_size, 1)}
    return None
