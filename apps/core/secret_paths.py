"""Paths that carry a secret of their own, and how logs write them.

An invitation link, a password-reset link and an address-confirmation link hold a key
in the path. Whoever reads a log could follow them (an unused invitation to a new
address makes an account in the organisation), so the access log (koldoo/gunicorn_conf.py)
and Django's request log (apps.core.error_reports) write these paths with the key
replaced. Plain `re` only: gunicorn imports this before Django is set up.
"""

import re

# The path before the secret, then the secret segment; keep in step with
# apps/accounts/urls.py (join/<token>/) and allauth's key URLs.
SECRET_PATHS = re.compile(
    r"(/organisation/join/|/accounts/password/reset/key/|/accounts/confirm-email/)[^/\s]+"
)


def redact_path(path: str) -> str:
    """The path with the secret of an invitation, reset or confirmation link hidden."""
    return SECRET_PATHS.sub(r"\1[hidden]", path or "")
