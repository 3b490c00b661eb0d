"""Prepared answers: writing them (audited) and finding them while on the phone.

An organisation edits only its own answers. Network-wide answers (no organisation)
are read-only here; system administrators keep them in the Django admin.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.models import AuditEntry
from apps.core.selectors import reference_codes
from apps.hotline.models import Answer
from apps.hotline.selectors import answers_visible_to
from apps.people.services import NotAllowed, require

LANGS = ("en", "ru", "ky")
ANSWER_FIELDS = (
    "topic",
    "country",
    *(f"{part}_{lang}" for part in ("title", "body") for lang in LANGS),
)
_TEXT_FIELDS = tuple(f"{part}_{lang}" for part in ("title", "body") for lang in LANGS)

# Words shorter than this are searched as typed; longer ones lose their last letters,
# so "Турция" also finds "Турции", "Түркия" finds "Түркияда", "passport" finds "passports".
_STEM_FROM = 6
_WORD = re.compile(r"[\w-]+", re.UNICODE)


def user_language() -> str:
    lang = (get_language() or "en")[:2]
    return lang if lang in LANGS else "en"


def check_answer(data: dict) -> None:
    errors = {}
    if data.get("topic") not in reference_codes("call_topic"):
        errors["topic"] = _("Choose a topic.")
    country = data.get("country") or ""
    if country and country not in reference_codes("country"):
        errors["country"] = _("Unknown ISO 3166 country code.")
    if not any((data.get(f"title_{lang}") or "").strip() for lang in LANGS):
        errors["title_en"] = _("Give a title in at least one language.")
    if not any((data.get(f"body_{lang}") or "").strip() for lang in LANGS):
        errors["body_en"] = _("Give the text in at least one language.")
    if errors:
        raise ValidationError(errors)


def _clean(data: dict) -> dict:
    out = {k: data[k] for k in ANSWER_FIELDS if k in data}
    if "country" in out:
        out["country"] = (out["country"] or "").upper()
    for k, v in out.items():
        if isinstance(v, str) and k != "country":
            out[k] = v.strip()
    return out


def create_answer(*, membership, data: dict, request=None) -> Answer:
    """A new answer owned by the member's organisation."""
    require(membership, Permission.EDIT_KNOWLEDGE)
    data = _clean(data)
    check_answer(data)
    with transaction.atomic():
        answer = Answer(
            organization=membership.organization,
            updated_by=membership.user,
            updated_at=timezone.now(),
            **data,
        )
        answer.save()
        audit.by_member(AuditEntry.Action.CREATE, membership, answer, request)
    return answer


def update_answer(*, membership, answer: Answer, data: dict, request=None) -> Answer:
    """Change an answer of the member's own organisation (network-wide ones are read-only)."""
    require(membership, Permission.EDIT_KNOWLEDGE)
    if answer.organization_id is None or answer.organization_id != membership.organization_id:
        raise NotAllowed(Permission.EDIT_KNOWLEDGE)
    data = _clean(data)
    merged = {k: getattr(answer, k) for k in ANSWER_FIELDS} | data
    check_answer(merged)
    changed = sorted(k for k, v in data.items() if getattr(answer, k) != v)
    with transaction.atomic():
        for k, v in data.items():
            setattr(answer, k, v)
        answer.updated_by = membership.user
        answer.updated_at = timezone.now()
        answer.save()
        if changed:
            audit.by_member(
                AuditEntry.Action.CHANGE, membership, answer, request, {"fields": changed}
            )
    return answer


def answer_for_edit(membership, answer_id) -> Answer:
    """An answer the member may edit: 404 if they cannot see it, NotAllowed if it is
    network-wide (visible, but read-only here)."""
    try:
        answer = answers_visible_to(membership).get(pk=int(answer_id))
    except (Answer.DoesNotExist, ValueError, TypeError):
        raise Http404
    if answer.organization_id is None:
        raise NotAllowed(Permission.EDIT_KNOWLEDGE)
    return answer


def search_terms(query: str) -> list[str]:
    """Words of a query, longer ones cut to a stem so inflected forms still match."""
    terms = []
    for w in _WORD.findall(query or ""):
        w = w.strip("-")
        if not w:
            continue
        if len(w) >= _STEM_FROM:
            w = w[: max(_STEM_FROM - 2, len(w) - 2)]
        if w not in terms:
            terms.append(w)
    return terms[:8]


def search_answers(
    membership, query: str, *, limit: int = 5, lang: str | None = None, topic="", country=""
):
    """The best few visible answers containing every word of the query, in any language.
    Answers whose title (in the user's language) holds more of the words come first."""
    terms = search_terms(query)
    if not terms:
        return []
    lang = lang or user_language()
    qs = answers_visible_to(membership, topic=topic, country=country)
    for term in terms:
        # SQLite folds case for ASCII only: also try the usual spellings of a Cyrillic word.
        variants = {term, term.lower(), term.capitalize()}
        match = Q()
        for v in variants:
            for field in _TEXT_FIELDS:
                match |= Q(**{f"{field}__icontains": v})
        qs = qs.filter(match)
    found = list(qs[:500])

    def score(a: Answer):
        title = a.title_in(lang).lower()
        own = 0 if a.organization_id else 1
        return (-sum(t.lower() in title for t in terms), own, a.topic, a.country, a.pk)

    return sorted(found, key=score)[:limit]
