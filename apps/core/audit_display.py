"""How the audit trail reads: records by the reference the rest of the product shows
(P-000241, C-000244), linked where the reader may open them, and each entry's detail as
phrases in the reader's language instead of its stored JSON.

`core` knows nothing of people or cases: each app describes its own kinds of record in
an `audit_records.py` module (found by `discover_record_kinds` when core is ready) by
calling `register_record_kind`. A kind not registered still reads plainly.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A page of the trail names at most this many records of one entry's list by reference;
# the rest are counted ("and 40 more"). Filtering by a reference finds every entry.
SHOWN_PER_ENTRY = 20


@dataclass(frozen=True)
class RecordKind:
    """One kind of record as the trail names it.

    `reference(pk)` gives the reference the product shows (P-000241) and `prefix` is how
    a typed reference is recognised ("P"); `visible(membership, ids)` answers, in one
    query, which of these records the member may open, and `url(pk)` where.
    `detail_keys` are the keys under which other entries' detail names such a record
    ({"case": 244}); `model` lends its field names and choices to the detail."""

    target_type: str
    label: str
    model: type | None = None
    prefix: str = ""
    reference: Callable[[int], str] | None = None
    detail_keys: tuple[str, ...] = ()
    url: Callable[[int], str] | None = None
    visible: Callable[[object, set[int]], Iterable[int]] | None = None

    def reference_for(self, pk, *, named: bool = True) -> str:
        """P-000241; for a kind without references "case note #17", or "#17" where the
        kind is already named (`named=False`)."""
        number = _as_id(pk)
        if number is None:
            return str(pk)
        if self.reference is not None:
            return self.reference(number)
        return f"{self.label} #{number}" if named else f"#{number}"


_KINDS: dict[str, RecordKind] = {}


def register_record_kind(target_type: str, **options) -> RecordKind:
    """Describe how the trail names records of `target_type` (see RecordKind); the label
    defaults to the model's verbose name. Called from each app's audit_records.py."""
    model = options.get("model")
    if "label" not in options:
        options["label"] = model._meta.verbose_name if model is not None else target_type
    kind = RecordKind(target_type=target_type, **options)
    _KINDS[target_type] = kind
    return kind


def discover_record_kinds() -> None:
    """Import every installed app's audit_records module (CoreConfig.ready)."""
    autodiscover_modules("audit_records")


def record_kind(target_type: str) -> RecordKind:
    """The registered kind, or a plain one named after the type as recorded."""
    kind = _KINDS.get(target_type)
    if kind is None:
        kind = RecordKind(target_type=target_type, label=target_type.replace("_", " "))
    return kind


def record_type_label(target_type: str) -> str:
    return str(record_kind(target_type).label)


_REFERENCE = re.compile(r"^\s*([A-Za-z]{1,3})\s*-?\s*([0-9]{1,18})\s*$")
# Larger than any id the database hands out: a typed number beyond it names nothing.
MAX_ID = 2**63 - 1


def parse_reference(text: str) -> tuple[RecordKind, int]:
    """(kind, id) of a typed reference such as "P-000241" or "c244"; ValueError with a
    message for the reader when it is not one."""
    match = _REFERENCE.match(text or "")
    prefixes = {k.prefix.upper(): k for k in _KINDS.values() if k.prefix}
    if match is None or match.group(1).upper() not in prefixes:
        raise ValueError(
            _("“%(text)s” is not a record reference. References look like %(examples)s.")
            % {"text": (text or "").strip()[:40], "examples": reference_examples()}
        )
    number = int(match.group(2))
    if number < 1 or number > MAX_ID:
        raise ValueError(_("No record has the number %(number)s.") % {"number": match.group(2)})
    return prefixes[match.group(1).upper()], number


def reference_examples() -> str:
    """ "P-000241 (person), C-000244 (case), …" for help texts and messages."""
    examples = [
        f"{k.reference_for(241 + i)} ({k.label})"
        for i, k in enumerate(sorted((k for k in _KINDS.values() if k.prefix), key=_by_prefix))
    ]
    return ", ".join(examples)


def _by_prefix(kind: RecordKind) -> str:
    # The records people look for most, first.
    return {"P": "0", "C": "1", "R": "2"}.get(kind.prefix, kind.prefix)


def _as_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


# Presenting entries ---------------------------------------------------------------------


@dataclass
class Reference:
    """A record as the trail shows it: its reference, and a link if the reader may open it."""

    text: str
    kind: RecordKind
    pk: int | None = None
    url: str = ""


@dataclass
class DetailPart:
    """One fact of an entry's detail: a phrase, optionally its value and references."""

    label: str
    text: str = ""
    references: list[Reference] = field(default_factory=list)
    more: int = 0


class _Linker:
    """Collects the references of a page, then resolves which may be opened: one query per
    kind of record, however many entries and references the page holds."""

    def __init__(self, membership):
        self.membership = membership
        self.wanted: dict[str, set[int]] = {}
        self.references: list[Reference] = []

    def ref(self, kind: RecordKind, value, *, named: bool = True) -> Reference:
        pk = _as_id(value)
        reference = Reference(kind.reference_for(value, named=named), kind, pk)
        if pk is not None and kind.visible is not None and kind.url is not None:
            self.wanted.setdefault(kind.target_type, set()).add(pk)
            self.references.append(reference)
        return reference

    def resolve(self) -> None:
        openable: dict[str, set[int]] = {}
        for target_type, ids in self.wanted.items():
            kind = _KINDS[target_type]
            openable[target_type] = set(kind.visible(self.membership, ids))
        for reference in self.references:
            if reference.pk in openable.get(reference.kind.target_type, ()):
                reference.url = reference.kind.url(reference.pk)


def present_entries(membership, entries) -> None:
    """Give each entry of a page `record` (a Reference, or None), `record_label` (the
    kind of record in the reader's language) and `details` (DetailParts), with links to
    the records `membership` may open. A constant number of queries per page."""
    linker = _Linker(membership)
    by_detail_key = {key: k for k in _KINDS.values() for key in k.detail_keys}
    for entry in entries:
        kind = record_kind(entry.target_type) if entry.target_type else None
        entry.record_label = str(kind.label) if kind else ""
        entry.record = linker.ref(kind, entry.target_id) if kind and entry.target_id else None
        entry.details = [
            _detail_part(key, value, kind, by_detail_key, linker)
            for key, value in (entry.detail or {}).items()
            if not _says_nothing(key, value, entry)
        ]
    linker.resolve()


def _says_nothing(key, value, entry) -> bool:
    """Facts left out: an empty value, a flag that is off, the list of records shown
    when it is just the entry's own record."""
    if value is None or value == "" or value == []:
        return True
    if key in _FLAGS and value is False:
        return True
    return key == "shown" and entry.record is not None and value == [entry.record.pk]


# Keys whose value is a list of ids of the entry's own kind of record.
_OWN_RECORDS = {
    "shown": gettext_lazy("shown"),
    "names_revealed": gettext_lazy("hidden names shown"),
}

# Keys whose true value is a whole phrase.
_FLAGS = {
    "query": gettext_lazy("found by a name search"),
    "summary": gettext_lazy("summary without identity"),
    "draft": gettext_lazy("draft"),
    "done": gettext_lazy("marked done"),
    "withdrawn": gettext_lazy("withdrawn"),
    "revoked": gettext_lazy("revoked"),
    "name_revealed": gettext_lazy("hidden name shown"),
    "partner_outside_koldoo": gettext_lazy("answer of a partner outside Koldoo"),
    "accepted": gettext_lazy("accepted"),
    "known_elsewhere": gettext_lazy("number of other organisations that may hold the person"),
}

_LABELS = {
    "via": gettext_lazy("through"),
    "format": gettext_lazy("format"),
    "form": gettext_lazy("format"),
    "count": gettext_lazy("number of records"),
    "results": gettext_lazy("results"),
    "rows": gettext_lazy("rows"),
    "records_in": gettext_lazy("records in"),
    "records_out": gettext_lazy("records out"),
    "from": gettext_lazy("from"),
    "to": gettext_lazy("to"),
    "fields": gettext_lazy("fields"),
    "shared_fields": gettext_lazy("shared fields"),
    "status": gettext_lazy("status"),
    "reason": gettext_lazy("reason"),
    "email": gettext_lazy("address tried"),
    "lang": gettext_lazy("language"),
    "language": gettext_lazy("language"),
    "side": gettext_lazy("as"),
    "taken_over_from": gettext_lazy("taken over from"),
    "follow_up": gettext_lazy("follow-up"),
    "screening_history": gettext_lazy("screenings listed"),
    "prefix": gettext_lazy("token prefix"),
    "expires": gettext_lazy("expires"),
    "command": gettext_lazy("command"),
    "organizations": gettext_lazy("organisations"),
    "period": gettext_lazy("period"),
    "file": gettext_lazy("file"),
    "suppressed": gettext_lazy("cells suppressed"),
    "threshold": gettext_lazy("threshold"),
    "services": gettext_lazy("services"),
    "services_removed": gettext_lazy("services removed"),
    "rules": gettext_lazy("rule set"),
    "stage": gettext_lazy("stage"),
    "result": gettext_lazy("result"),
    "kind": gettext_lazy("kind"),
    "role": gettext_lazy("role"),
}

_VALUES = {
    "via": {"api": gettext_lazy("the API"), "admin": gettext_lazy("the administration site")},
    "side": {"sender": gettext_lazy("sender"), "receiver": gettext_lazy("receiver")},
    "follow_up": {"done": gettext_lazy("done")},
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _detail_part(key, value, kind, by_detail_key, linker) -> DetailPart:
    if key in _OWN_RECORDS and kind is not None and isinstance(value, list):
        refs = [linker.ref(kind, v) for v in value[:SHOWN_PER_ENTRY]]
        return DetailPart(
            str(_OWN_RECORDS[key]), references=refs, more=max(0, len(value) - SHOWN_PER_ENTRY)
        )
    if key in _FLAGS and value is True:
        return DetailPart(str(_FLAGS[key]))
    if key in by_detail_key and _as_id(value) is not None:
        other = by_detail_key[key]
        label = _LABELS.get(key) or other.label
        return DetailPart(str(label), references=[linker.ref(other, value, named=False)])
    model_field = _model_field(kind, key)
    label = _LABELS.get(key) or (model_field.verbose_name if model_field else None)
    label = str(label) if label else key.replace("_", " ")
    if key == "fields" and isinstance(value, list):
        return DetailPart(label, ", ".join(_field_label(kind, name) for name in value))
    if isinstance(value, list) and len(value) == 2 and key in ("status", "stage"):
        # A change: [before, after].
        before, after = (_value_text(key, v, model_field) for v in value)
        return DetailPart(label, _("%(before)s → %(after)s") % {"before": before, "after": after})
    return DetailPart(label, _value_text(key, value, model_field))


def _model_field(kind, name):
    if kind is None or kind.model is None:
        return None
    try:
        return kind.model._meta.get_field(name)
    except (FieldDoesNotExist, TypeError):
        return None


def _field_label(kind, name) -> str:
    model_field = _model_field(kind, name) if isinstance(name, str) else None
    if model_field is not None and hasattr(model_field, "verbose_name"):
        return str(model_field.verbose_name)
    return str(name).replace("_", " ")


def _value_text(key, value, model_field=None) -> str:
    """A stored value in the reader's words: choices by their label, dates in the
    reader's convention, yes/no, lists joined; never JSON."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_value_text(key, v, model_field) for v in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{str(k).replace('_', ' ')}: {_value_text(k, v)}" for k, v in value.items()
        )
    if isinstance(value, str):
        known = _VALUES.get(key, {}).get(value)
        if known is not None:
            return str(known)
        if key in ("lang", "language"):
            return dict(settings.LANGUAGES).get(value, value)
        if key in ("format", "form"):
            return value.replace("-", " ").upper()
        choices = dict(model_field.flatchoices) if getattr(model_field, "choices", None) else {}
        if value in choices:
            return str(choices[value])
        if _ISO_DATE.match(value):
            try:
                return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
            except ValueError:
                return value
        return value
    if isinstance(value, int | float):
        return f"{value}"
    return str(value)
