"""Blind-index keys for finding a person by name without storing the name.

A name is folded to one Latin spelling whatever script or romanisation it was
typed in (Айгүл, Айгуль, Aigul, Aygül and Ajgul all fold to "aigul"; every
published romanisation folds alike, docs/decisions/0017), split into tokens,
and turned into key strings (see ../shared/design/SEARCH.md):

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
    "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "h", "ц": "c", "ч": "ch",
    "ш": "sh", "щ": "sh", "ъ": "'", "ы": "i", "ь": "'", "э": "e", "ю": "iu",
    "я": "ia", "і": "i", "ї": "i", "є": "e", "ґ": "g", "ә": "a", "ғ": "g",
    "қ": "k", "ұ": "u", "һ": "h", "ҳ": "h", "ҷ": "zh", "ӣ": "i", "ӯ": "u",
    "ў": "u",
}  # fmt: skip

# Latin letters that NFKD does not reduce to the letter the schemes mean.
_LATIN_SPECIAL = {
    "ı": "i", "ş": "sh", "ç": "ch", "ğ": "g", "ñ": "n", "ß": "ss", "ø": "o",
    "æ": "ae", "ł": "l", "đ": "d",
    # ISO 9 / GOST 7.79 system A and scholarly: č š ž ŝ ë, â û for я ю
    "č": "ch", "š": "sh", "ž": "zh", "ŝ": "sh", "ë": "e", "â": "ia", "û": "iu",
    "ż": "zh", "ź": "z", "ě": "e", "è": "e", "ǵ": "g",
}  # fmt: skip

# Apostrophe-like characters: ь ъ in many schemes, o' g' in Uzbek Latin, primes in ALA-LC.
_APOSTROPHES = "'`’‘ʼʻʹʺ′″ʾʿ\"´·"  # and BGN/PCGN's separating dot

# Every scheme's spelling of a sound folded to one, in this order. Upper-case letters
# are placeholders while the rules run (S ч ш щ, J ж дж, X х кс), so that a later
# rule cannot read them again ("sh" is not s + х).
_RULES = [
    (re.compile(p), r)
    for p, r in [
        # A glide after a soft sign is и-like: Tat'jana, Vasil'yev, Natal'ja.
        # (Not after o, g: Uzbek o' g', as in Xo'jayev.)
        (rf"(?<![og])[{_APOSTROPHES}]+[jy](?=[aeiou])", "i"),
        (rf"[{_APOSTROPHES}]+", ""),
        (r"jj", "j"),  # GOST 16876 B: jj for й
        # Longest spellings first: English, German, Polish, French, ISO 9 system B.
        (r"dzh|dsch|dj|zh", "J"),
        # ч and ш are one sound here: French writes ш as ch (Charchenov), English ч.
        (r"schtsch|shtsh|szcz|shch|tsch|tch|shh|sch|sh|sz|ch", "S"),
        (r"gh|gu(?=[eiy])", "g"),  # ғ as gh; French gu before e, i, y
        (r"ph", "f"),
        (r"eh(?![aiou])", "e"),  # GOST 16876 B: eh for э
        (r"kh|ks|x|h", "X"),  # x for х (scholarly, ISO 9 B, Uzbek) meets ks
        (r"cz|ts|tz|tc", "c"),  # cz: GOST 7.79 B (Polish cz for ч is lost)
        (r"ou", "u"),  # French
        (r"w", "v"),
        (r"q", "k"),  # Uzbek q for қ
        (r"ng+", "n"),  # BGN/PCGN ң (Chynggyz)
        # y is ы, й or the glide of я ю е ё: all и-like.
        (r"y", "i"),
        # At the start of a word я ю ё with any glide, and j for ж there, are one.
        (r"\b[ij](?=[aou])", "J"),
        (r"\bje", "Je"),
        (r"\bie", "e"),
        # j before a vowel: after и it is a glide (Marija, Julija), after й ж (Aijan,
        # Aĭjan); after another vowel ж (Xo'jayev) but a glide before e (Dschumabajew);
        # before a consonant й (Ajgul, Sergej); after a consonant ж (Nurjan), but jo
        # there is ё (Aljona, Semjonow).
        (r"(?<=[^aeiou]i)j(?=[aeou])", "i"),
        (r"(?<=[aeiou])j(?=[aiou])", "J"),
        (r"(?<=[b-df-hk-np-tv-z])jo", "e"),
        (r"(?<=[aeiou])j", "i"),
        (r"j", "J"),
        # е and ё after a glide: Dmitriev, Vasilyev, Solovyov, Semyonov; ё is е.
        (r"(?<=\w)i+[eo]", "e"),
    ]
]
_PLACEHOLDERS = str.maketrans({"S": "sh", "J": "j", "X": "h"})

_DOUBLED = re.compile(r"(.)\1+")
_SPLIT = re.compile(r"[^a-z]+")


def fold(text: str) -> str:
    """One lower-case Latin skeleton of any Cyrillic or Latin name text.

    Every published romanisation of a name (ISO 9, GOST 7.79, scholarly, BGN/PCGN,
    UNGEGN, ALA-LC, ICAO, Uzbek Latin, German, French and Polish habits) folds to
    the skeleton its Cyrillic spelling folds to; a few distinct names share one
    (Яна and Жана) so that no spelling of either is missed.
    """
    out = []
    # Composed first: some schemes emit z + combining caron for ž.
    for ch in unicodedata.normalize("NFC", text).lower():
        if ch in _CYRILLIC:
            out.append(_CYRILLIC[ch])
        elif ch in _LATIN_SPECIAL:
            out.append(_LATIN_SPECIAL[ch])
        else:
            base = unicodedata.normalize("NFKD", ch)
            out.append("".join(c for c in base if not unicodedata.combining(c)))
    s = "".join(out)
    for pattern, replacement in _RULES:
        s = pattern.sub(replacement, s)
    return _DOUBLED.sub(r"\1", s.translate(_PLACEHOLDERS))


# Patronymic markers nearly everyone has (уулу, кызы and their spellings): never keys.
STOP_TOKENS = frozenset(
    fold(marker) for marker in ("уулу", "улу", "uuly", "кызы", "кыз", "qizi", "kyzy", "kizi")
)


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
