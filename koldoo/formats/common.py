"""The two conventions the language format modules choose from.

Input formats are tried in order; the first one is also the one a form field renders
its value in, so each list starts with the language's own convention.
"""

from types import SimpleNamespace

_ISO_DATE_INPUTS = ["%Y-%m-%d"]
_ISO_DATETIME_INPUTS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
]
_DOTTED_DATE_INPUTS = ["%d.%m.%Y"]
_DOTTED_DATETIME_INPUTS = ["%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S"]
_TIME_INPUTS = ["%H:%M", "%H:%M:%S"]

DOTTED = SimpleNamespace(
    DATE_FORMAT="d.m.Y",
    TIME_FORMAT="H:i",
    DATETIME_FORMAT="d.m.Y H:i",
    DATE_INPUT_FORMATS=_DOTTED_DATE_INPUTS + _ISO_DATE_INPUTS,
    DATETIME_INPUT_FORMATS=_DOTTED_DATETIME_INPUTS + _ISO_DATETIME_INPUTS,
    TIME_INPUT_FORMATS=_TIME_INPUTS,
)

ISO = SimpleNamespace(
    DATE_FORMAT="Y-m-d",
    TIME_FORMAT="H:i",
    DATETIME_FORMAT="Y-m-d H:i",
    # Offices in Kyrgyzstan type day.month.year whatever the interface language.
    DATE_INPUT_FORMATS=_ISO_DATE_INPUTS + _DOTTED_DATE_INPUTS,
    DATETIME_INPUT_FORMATS=_ISO_DATETIME_INPUTS + _DOTTED_DATETIME_INPUTS,
    TIME_INPUT_FORMATS=_TIME_INPUTS,
)
