"""The key that seals offline drafts in the browser (decision 0032).

koldoo.js keeps a form that could not be sent in the tab's sessionStorage, encrypted with
AES-GCM under this key. The key is random, lives only in the server session and reaches
the browser only inside pages rendered for the signed-in user (base.html puts it, masked,
in a meta tag; those pages are never cached: apps.core.middleware sets no-store). Signing out
flushes the session, so the key goes with it and any draft left behind cannot be read.
"""

import base64
import secrets

SESSION_FIELD = "koldoo_draft_key"


def draft_key_of(request):
    """The draft key of this signed-in session (32 random bytes, base64), made on first use.

    Each sign-in gets a new key: signing out flushes the session, another user signing in
    flushes it too, and an anonymous session (the one a sign-in carries on) never holds a
    key. (Signing in again while signed in keeps it, but the sign-in page sends a signed-in
    user away.) Returns "" for a visitor who is not signed in.
    """
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if session is None or user is None or not user.is_authenticated:
        return ""
    key = session.get(SESSION_FIELD)
    if not key:
        key = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
        session[SESSION_FIELD] = key
    return key


def masked(key):
    """The key as a page carries it: a fresh random pad, then the key XOR the pad (base64).

    Pages are gzipped next to text an attacker may choose (BREACH, decision 0014): like
    Django's CSRF token, the key looks different in every response, so compressed sizes
    cannot reveal it. koldoo.js takes the pad off again.
    """
    raw = base64.b64decode(key)
    pad = secrets.token_bytes(len(raw))
    return base64.b64encode(pad + bytes(a ^ b for a, b in zip(raw, pad, strict=True))).decode(
        "ascii"
    )


def unmasked(value):
    """The key a page carried (for tests and debugging): the inverse of `masked`."""
    raw = base64.b64decode(value)
    half = len(raw) // 2
    return base64.b64encode(
        bytes(a ^ b for a, b in zip(raw[half:], raw[:half], strict=True))
    ).decode("ascii")


def draft_key(request):
    """Template context: `draft_key`, the masked key; empty for a visitor not signed in."""
    key = draft_key_of(request)
    return {"draft_key": masked(key) if key else ""}
