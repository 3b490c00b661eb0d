"""E-mail to Koldoo users, each in the language they chose (User.language).

A mail is written when it is sent, not in the language of whoever caused it: an admin
working in Russian who refers a case makes the receiving admin's notice arrive in that
admin's Kyrgyz. Who has not chosen a language reads settings.LANGUAGE_CODE.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation


def language_of(user) -> str:
    """The language `user` reads Koldoo in (their choice if it is still offered, else the
    site's default); safe for None."""
    chosen = getattr(user, "language", "") or ""
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def mail_users(users: Iterable, compose: Callable[[], tuple[str, str]], *, from_email=None) -> int:
    """Send `compose()`'s (subject, body) to each user with an address, composed once per
    language under that language; returns the number of messages sent. `compose` must
    call gettext when called (not before), so that each group gets its own language."""
    by_language: dict[str, list[str]] = defaultdict(list)
    for user in users:
        if user is not None and user.email:
            by_language[language_of(user)].append(user.email)
    sent = 0
    for language, addresses in sorted(by_language.items()):
        with translation.override(language):
            subject, body = compose()
        sent += send_mail(subject, body, from_email or settings.DEFAULT_FROM_EMAIL, addresses)
    return sent
