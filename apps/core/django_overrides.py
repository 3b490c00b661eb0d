"""Messages of Django and of our libraries that Koldoo's own catalogue translates again.

Nothing here runs: the module only names the messages so that `makemessages` extracts
them into locale/*/LC_MESSAGES/django.po. Our catalogue (LOCALE_PATHS) is looked up
before the ones shipped with Django and the libraries, so the translation written there
is the one users see.

Why: Django's Kyrgyz catalogue glues the number to the next word in these messages
("12орундан", "200символ", "5бит" where "5 байт" is meant) and some of its wordings are
wrong; django-simple-history ships no Kyrgyz or Russian ("ru_RU" is not found for "ru")
at all. Every msgid below must stay exactly as the library writes it (curly quotes, the
placeholders, the plural form), or the override silently stops applying; the test
tests/test_words_in_context.py checks them against the libraries.

Russian: Django's Russian catalogue has none of these faults; the Russian translator can
copy Django's wording for the Django messages.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

# Django's messages for values that are too long, too short or have too many digits.
DJANGO_MESSAGES = (
    ngettext_lazy(
        # Translators: Django's message; a space between a number and the next word.
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        # Translators: Django's message; a space between a number and the next word.
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        # Translators: Django's message; a space between a number and the next word.
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "max",
    ),
    ngettext_lazy(
        # Translators: Django's message; a space between a number and the next word.
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        "max",
    ),
    ngettext_lazy(
        # Translators: Django's message; a space between a number and the next word.
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
        "max",
    ),
    ngettext_lazy(
        # Translators: Django's message; a space between a number and the next word.
        "Ensure this filename has at most %(max)d character (it has %(length)d).",
        "Ensure this filename has at most %(max)d characters (it has %(length)d).",
        "max",
    ),
    # Translators: a file size, e.g. "512 байт" (Django's Kyrgyz says "бит", a bit).
    ngettext_lazy("%(size)d byte", "%(size)d bytes", "size"),
    gettext_noop(
        # Translators: Django's message; a space between a quoted value and the next word.
        "File extension “%(extension)s” is not allowed. "
        "Allowed extensions are: %(allowed_extensions)s."
    ),
    gettext_noop(
        # Translators: Django's message; a space between a quoted value and the next word.
        "“%(value)s” value has the correct format (YYYY-MM-DD) but it is an invalid date."
    ),
    gettext_noop(
        # Translators: Django's message; a space between a quoted value and the next word.
        "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; it may be "
        "ambiguous or it may not exist."
    ),
)

# The events in the history of a record (a case, a person), as django-simple-history
# names them: the record was created, changed or deleted at the time shown in the row.
HISTORY_EVENTS = (
    # Translators: an event in a record's history ("the record was created"), not a date.
    gettext_noop("Created"),
    # Translators: an event in a record's history ("the record was changed").
    gettext_noop("Changed"),
    # Translators: an event in a record's history ("the record was deleted").
    gettext_noop("Deleted"),
)
