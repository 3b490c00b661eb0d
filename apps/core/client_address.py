"""The address of the client, as the reverse proxies we run in front of Koldoo saw it.

One rule for the sign-in rate limits (allauth, through the account adapter) and the
audit trail. With KOLDOO_TRUSTED_PROXY_COUNT = N > 0, each of our N proxies appends the
address it received the request from to X-Forwarded-For, so the N-th entry from the
right is the client's; anything left of it was written by the client and is ignored.
With N = 0 (no proxy) the header is ignored and the socket address counts.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """The client's IP address (normalised), or None when it cannot be told."""
    count = getattr(settings, "KOLDOO_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        # Fewer hops than proxies: the request skipped a proxy; take the farthest one seen.
        candidate = hops[-count] if len(hops) >= count else hops[0]
    else:
        candidate = request.META.get("REMOTE_ADDR", "")
    return _clean(candidate)


def _clean(value: str) -> str | None:
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
