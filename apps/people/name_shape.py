"""The shape of a name that search ranks ties by, kept beside its blind-index keys.

Many people share a name once folded (Айгүл, Aigul and Aygül are one key), so
search breaks ties without decrypting anyone: first by how close the stored
name's token count is to the query's, then by whether the tokens were written
exactly as typed (same script and romanisation). The written spelling is kept
only as a keyed hash, like the keys (see ../shared/design/SEARCH.md).
"""

import re
import unicodedata

from apps.core.crypto import blind_hash
from apps.people.name_keys import name_tokens

_PIECES = re.compile(r"[\s,;/()\-]+")


def written_forms(*parts: str) -> dict[str, str]:
    """Each folded token of the name parts mapped to the word it was written as
    (lower case, composed): {"aigul": "айгүл"}. The first writing wins."""
    out: dict[str, str] = {}
    for part in parts:
        for piece in _PIECES.split(unicodedata.normalize("NFC", part or "").lower()):
            for token in name_tokens(piece):
                out.setdefault(token, piece)
    return out


def spelling_hash(org_key: bytes, spelling: str) -> int:
    """A keyed 32-bit hash of a spelling (a tie-breaker: a rare collision only
    reorders namesakes)."""
    return blind_hash(org_key, "w:" + spelling) >> 32


def query_spellings(tokens: list[str], written: dict[str, str]) -> set[str]:
    """The spellings the query's keys are ranked against: the single token as typed,
    or each pair of tokens as typed (the same pairing as the stored keys)."""
    forms = [written.get(t, t) for t in tokens]
    if len(forms) == 1:
        return {forms[0]}
    return {"|".join(sorted((a, b))) for i, a in enumerate(forms) for b in forms[i + 1 :]}
