"""The public "check an agency" page and API: no sign-in, for people about to migrate.

Only what the licence register says and the agency's official contacts are shown:
never reports, complaints, links to cases, other organisations' notes or unofficial
contacts. Rate limited per client address in the shared cache (the one the sign-in
limits use), so the register cannot be scraped quickly; an address over the limit is
answered 429 with a translated message.
"""

import hashlib

from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.core.client_address import client_address
from apps.core.selectors import reference_labels
from apps.monitoring.selectors import public_agencies

# Look-ups per client address and window; a person checking a few agencies never
# reaches it, a script does.
RATE_LIMIT = 30
RATE_WINDOW_SECONDS = 60
PUBLIC_CONTACT_KINDS = ("address", "phone", "website", "social", "email")


def rate_limited(request) -> bool:
    """Count this request against its client address; True when over the limit."""
    address = client_address(request) or "unknown"
    # A hash, not the address, names the counter: nothing identifying in the cache.
    digest = hashlib.sha256(address.encode()).hexdigest()[:24]
    key = f"monitoring:public-check:{digest}"
    if cache.add(key, 1, RATE_WINDOW_SECONDS):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, RATE_WINDOW_SECONDS)
        return False
    return count > RATE_LIMIT


def too_many_message() -> str:
    return _("Too many look-ups from your connection. Please wait a minute and try again.")


def public_record(agency, country_labels=None) -> dict:
    """The fields the public sees of an agency, and only those."""
    today = timezone.localdate()
    valid_until = agency.licence_valid_until
    contacts = [
        {"kind": c.kind, "label": str(c.get_kind_display()), "value": c.value}
        for c in agency.contacts.all()  # prefetched: official contacts only
        if c.official and c.kind in PUBLIC_CONTACT_KINDS
    ]
    return {
        "name": agency.name,
        "other_names": agency.other_names,
        "licence_number": agency.licence_number,
        "licence_status": agency.licence_status,
        "licence_status_label": str(agency.get_licence_status_display()),
        "licence_valid_until": valid_until.isoformat() if valid_until else None,
        "licence_expired": bool(valid_until and valid_until < today),
        "countries": list(agency.countries or []),
        "city": agency.city,
        "address": agency.address,
        "phone": agency.phone,
        "official_contacts": contacts,
    }


@require_GET
def check_agency_page(request):
    query = request.GET.get("q", "").strip()[:100]
    if query and rate_limited(request):
        return render(
            request,
            "monitoring/public_check.html",
            {"query": query, "error": too_many_message()},
            status=429,
        )
    agencies = public_agencies(query)
    return render(
        request,
        "monitoring/public_check.html",
        {
            "query": query,
            "agencies": [public_record(a) for a in agencies],
            "country_labels": reference_labels("country"),
        },
    )


@require_GET
def public_agency_api(request):
    """GET /api/public/agencies/?q=name or licence number → {"results": [...]}."""
    if rate_limited(request):
        return JsonResponse({"detail": too_many_message()}, status=429)
    query = request.GET.get("q", "").strip()[:100]
    if len(query) < 2:
        return JsonResponse(
            {"detail": _("Give at least two characters of the name or the licence number.")},
            status=400,
        )
    return JsonResponse({"results": [public_record(a) for a in public_agencies(query)]})
