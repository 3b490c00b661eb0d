"""Rules of the spreadsheet files we write, kept in one place for every export."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

SHEET_NAME_MAX = 31
# Characters Excel refuses in a sheet name.
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts, made from a title in the reader's language.

    At most 31 characters, none of []:*?/\\, no apostrophe at either end, and unique in
    the workbook without regard to case: a repeated name gets " (2)", " (3)"... `taken`
    holds the names given so far and is updated.
    """
    base = _shortened(" ".join(_NOT_IN_SHEET_NAME.sub(" ", str(title)).split()), SHEET_NAME_MAX)
    base = base.strip(" '") or _("Sheet")
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = _shortened(base, SHEET_NAME_MAX - len(suffix)).rstrip(" '") + suffix, n + 1
    taken.add(name.casefold())
    return name


def _shortened(text: str, limit: int) -> str:
    """`text` in at most `limit` characters: words left out of its middle, marked "…".

    Titles of one export share their start ("Hotline calls by …") and differ at the end,
    so both ends are kept and as few words as possible are left out.
    """
    if len(text) <= limit:
        return text
    if len(text) - limit <= 2:  # a letter or two over: losing them costs least
        return text[: limit - 1].rstrip(" ,;:-–") + "…"
    words = text.split(" ")
    for drop in range(1, len(words) - 1):
        starts = sorted(range(1, len(words) - drop), key=lambda i: abs(2 * i + drop - len(words)))
        for start in starts:
            head = " ".join(words[:start]).rstrip(",;:-–")
            shortened = f"{head} … {' '.join(words[start + drop :])}"
            if len(shortened) <= limit:
                return shortened
    room = limit - 1  # a few very long words: cut inside them
    return f"{text[: room // 2]}…{text[len(text) - (room - room // 2) :]}"
