"""Blind-index keys for finding a person by name without storing the name.

A name is folded to one Latin spelling whatever script or romanisation it was
typed in (Айгүл, Айгуль, Aigul, Aygül and Ajgul all fold to "aigul"), split
into tokens, and turned into key strings (see ../shared/design/SEARCH.md):

- "p:" pairs of tokens, each one-letter deletion of one token joined with the
  other token exact: one wrong, missing or extra letter in one token still
  shares a pair with the stored name, in either order of the tokens;
- "s:" single tokens and their one-letter deletions, used only when the
  query has a single token.

Only keyed hashes of these strings are stored (apps.core.crypto.blind_hash).
"""

import re
import unicodedata
from itertools import combinations

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "h", "ц": "c", "ч": "ch",
    "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu",
    "я": "ia", "і": "i", "ї": "i", "є": "e", "ґ": "g", "ә": "a", "ғ": "g",
    "қ": "k", "ұ": "u", "һ": "h", "ҳ": "h", "ҷ": "j", "ӣ": "i", "ӯ": "u",
}  # fmt: skip

# Turkic and other Latin letters that NFKD does not reduce to a base letter.
_LATIN_SPECIAL = {
    "ı": "i",
    "ş": "sh",
    "ç": "ch",
    "ğ": "g",
    "ñ": "n",
    "ß": "ss",
    "ø": "o",
    "æ": "ae",
}

# Spelling schemes folded to one form, longest first.
_LATIN_FOLDS = [
    ("shch", "sh"),
    ("dzh", "j"),
    ("tch", "ch"),
    ("dj", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("ts", "c"),
    ("tz", "c"),
    ("ph", "f"),
    ("w", "v"),
    ("q", "k"),
    ("x", "ks"),
    ("y", "i"),
]

# Patronymic markers nearly everyone has: never keys.
STOP_TOKENS = frozenset({"uulu", "ulu", "uuly", "kizi", "kiz", "kyzy"})

_SPLIT = re.compile(r"[^a-z]+")
_DOUBLED = re.compile(r"(.)\1+")


def fold(text: str) -> str:
    """One lower-case Latin spelling of any Cyrillic or Latin name text."""
    out = []
    for ch in text.lower():
        if ch in _CYRILLIC:
            out.append(_CYRILLIC[ch])
        elif ch in _LATIN_SPECIAL:
            out.append(_LATIN_SPECIAL[ch])
        else:
            base = unicodedata.normalize("NFKD", ch)
            out.append("".join(c for c in base if not unicodedata.combining(c)))
    s = "".join(out)
    # Apostrophes stand for ь/ъ in many Latin spellings: drop, do not split.
    s = re.sub(r"['`’ʼ]", "", s)
    for a, b in _LATIN_FOLDS:
        s = s.replace(a, b)
    return _DOUBLED.sub(r"\1", s)


def name_tokens(*parts: str) -> list[str]:
    """Distinct folded tokens of the given name parts, stop words removed."""
    tokens: list[str] = []
    for part in parts:
        for tok in _SPLIT.split(fold(part or "")):
            if len(tok) >= 2 and tok not in STOP_TOKENS and tok not in tokens:
                tokens.append(tok)
    return tokens


def deletions(token: str) -> set[str]:
    """The token and every string made by deleting one of its letters."""
    out = {token}
    if len(token) > 2:
        out.update(token[:i] + token[i + 1 :] for i in range(len(token)))
    return out


def _pair(a: str, b: str) -> str:
    return "p:" + "|".join(sorted((a, b)))


def stored_keys(tokens: list[str]) -> set[str]:
    """Key strings kept for one person's name."""
    keys = set()
    for tok in tokens:
        keys.update("s:" + d for d in deletions(tok))
    for a, b in combinations(tokens, 2):
        keys.update(_pair(d, b) for d in deletions(a))
        keys.update(_pair(a, d) for d in deletions(b))
    return keys


def query_keys(tokens: list[str]) -> set[str]:
    """Key strings to look up for a query; pairs when the query has two tokens or more."""
    if len(tokens) == 1:
        return {"s:" + d for d in deletions(tokens[0])}
    keys = set()
    for a, b in combinations(tokens, 2):
        keys.update(_pair(d, b) for d in deletions(a))
        keys.update(_pair(a, d) for d in deletions(b))
    return keys
