"""Form widgets shared by every app."""

from django import forms
from django.utils.translation import pgettext


def _day_first() -> bool:
    from apps.core.dates import day_first

    return day_first()


class LocalDateInput(forms.DateInput):
    """A date typed as the reader writes it (05.12.2026 in Kyrgyz and Russian, ISO in
    English) and shown back the same way; ISO is accepted in every language
    (DATE_INPUT_FORMATS in koldoo/formats/).

    A text box rather than the browser's date picker: the picker follows the browser's
    or the phone's locale, not the language the user chose in Koldoo, so the same page
    could show 12/05/2026 to one worker and 05.12.2026 to another."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", "size": 10, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Chosen at render time: the form class is built once, the language per request.
        context["widget"]["attrs"].setdefault("placeholder", self.hint())
        return context

    def hint(self) -> str:
        if _day_first():
            return pgettext("date format hint", "DD.MM.YYYY")
        return pgettext("date format hint", "YYYY-MM-DD")


class LocalDateTimeInput(LocalDateInput, forms.DateTimeInput):
    """A date and time as the reader writes them (05.12.2026 14:30), ISO accepted."""

    format_key = "DATETIME_INPUT_FORMATS"

    def __init__(self, attrs=None):
        super().__init__(attrs={"size": 16, **(attrs or {})})

    def hint(self) -> str:
        if _day_first():
            return pgettext("date format hint", "DD.MM.YYYY HH:MM")
        return pgettext("date format hint", "YYYY-MM-DD HH:MM")
