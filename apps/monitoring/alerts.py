"""Alerts: an agency, phone or payment detail of a job advertisement that appears in a
case, a hotline call or another advertisement.

Inside the organisation the monitor is told where (which ad, call or case, by number);
across organisations only that the value is "known elsewhere", never where or what.
Values are compared only through keyed blind indexes: per organisation with the same
phone key the hotline and the people register use, and across organisations with a
network key derived from the index key (decision 0024). No phone or payment detail is
ever compared, stored or logged in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.urls import reverse

from apps.accounts.roles import Permission
from apps.core.crypto import blind_hash, organization_index_key, organization_index_keys
from apps.core.phones import normalised_phone, phone_key
from apps.monitoring.models import AgencyLink, JobAd, JobAdMarker, MarkerKind

_PAYMENT_NOISE = re.compile(r"[^0-9A-Z]")
MIN_PAYMENT_LENGTH = 6


def network_index_key(index_key: bytes | None = None) -> bytes:
    """The key the network's organisations share for "known elsewhere" markers (not
    cached: a keyring swapped by rotation or tests is read afresh; one HMAC is cheap).
    Derived from the current index key, or from `index_key`."""
    index_key = index_key or settings.KEYRING.index_key
    return hmac.new(index_key, b"network:monitoring", hashlib.sha256).digest()


def normalised_payment(raw: str) -> str:
    """A card, account or wallet number as its upper-case letters and digits; empty when
    too short to be one."""
    text = _PAYMENT_NOISE.sub("", unicodedata.normalize("NFKC", raw or "").upper())
    return text if len(text) >= MIN_PAYMENT_LENGTH else ""


def payment_key(organization_id, raw: str, *, org_key: bytes | None = None) -> int | None:
    value = normalised_payment(raw)
    if not value or organization_id is None:
        return None
    return blind_hash(org_key or organization_index_key(organization_id), "payment:" + value)


def markers_for(
    organization_id, phones, payment_details, *, key_number: int = 0
) -> list[tuple[str, int, int]]:
    """(kind, organisation key, network key) of every usable phone and payment detail,
    under the current index key (or the `key_number`-th of those the keyring holds)."""
    org_key = organization_index_keys(organization_id)[key_number]
    network_key = network_index_key(
        (settings.KEYRING.index_key, *settings.KEYRING.previous_index_keys)[key_number]
    )
    out = set()
    for raw in phones or []:
        number = normalised_phone(str(raw))
        if number:
            out.add(
                (
                    MarkerKind.PHONE,
                    phone_key(organization_id, number, org_key=org_key),
                    blind_hash(network_key, "phone:" + number),
                )
            )
    for raw in payment_details or []:
        value = normalised_payment(str(raw))
        if value:
            out.add(
                (
                    MarkerKind.PAYMENT,
                    payment_key(organization_id, value, org_key=org_key),
                    blind_hash(network_key, "payment:" + value),
                )
            )
    return sorted(out)


class Marker(NamedTuple):
    kind: str
    key: int
    network_key: int


def markers_to_look_up(job_ad: JobAd) -> list[Marker]:
    """The ad's markers under every index key held: while a rotation re-keys ads, calls
    and people in batches, each of those is under one of them (decision 0038)."""
    found: dict[Marker, None] = {}
    for n in range(len(organization_index_keys(job_ad.organization_id))):
        for marker in markers_for(
            job_ad.organization_id, job_ad.phones, job_ad.payment_details, key_number=n
        ):
            found.setdefault(Marker(*marker))
    return list(found)


def rekey_job_ads(*, after: int, size: int) -> tuple[int, int] | None:
    """Bring the markers of the next `size` job ads after primary key `after` under the
    current index key (key rotation, apps.operations.key_rotation); returns (last primary
    key, ads re-keyed), None past the last ad. Run it in a transaction: the ads are
    locked while their markers are rewritten, all of an ad's markers at once."""
    ads = list(
        JobAd.objects.select_for_update()
        .filter(pk__gt=after)
        .only("id", "organization_id", "phones", "payment_details")
        .order_by("pk")[:size]
    )
    if not ads:
        return None
    stored: dict[int, set] = {ad.pk: set() for ad in ads}
    for row in JobAdMarker.objects.filter(job_ad__in=ads).values_list(
        "job_ad_id", "kind", "key", "network_key"
    ):
        stored[row[0]].add(row[1:])
    stale = [
        ad
        for ad in ads
        if set(markers_for(ad.organization_id, ad.phones, ad.payment_details)) != stored[ad.pk]
    ]
    for ad in stale:
        index_job_ad(ad)
    return ads[-1].pk, len(stale)


def index_job_ad(job_ad: JobAd) -> None:
    """Replace an ad's markers with those of its current phones and payment details."""
    JobAdMarker.objects.filter(job_ad=job_ad).delete()
    JobAdMarker.objects.bulk_create(
        JobAdMarker(
            job_ad=job_ad,
            organization_id=job_ad.organization_id,
            kind=kind,
            key=key,
            network_key=network_key,
        )
        for kind, key, network_key in markers_for(
            job_ad.organization_id, job_ad.phones, job_ad.payment_details
        )
    )


@dataclass(frozen=True)
class Alert:
    what: str  # "phone", "payment" or "agency"
    where: str  # "job_ad", "call" or "case"
    record_id: int
    url: str | None  # None when the viewer may not open that record

    @property
    def what_label(self):
        from django.utils.translation import gettext as _

        return {"phone": _("phone"), "payment": _("payment detail"), "agency": _("agency")}[
            self.what
        ]

    @property
    def where_label(self):
        from django.utils.translation import gettext as _

        return {
            "job_ad": _("job advertisement #%(n)s"),
            "call": _("hotline call #%(n)s"),
            "case": _("case #%(n)s"),
        }[self.where] % {"n": self.record_id}


@dataclass(frozen=True)
class Alerts:
    inside: tuple[Alert, ...]
    known_elsewhere: bool

    def __bool__(self):
        return bool(self.inside) or self.known_elsewhere


def _url(membership, where: str, pk: int) -> str | None:
    if where == "job_ad":
        return reverse("job_ad_detail", args=[pk])
    if where == "call" and membership.can(Permission.HANDLE_CALLS):
        return reverse("call_detail", args=[pk])
    if where == "case" and membership.can(Permission.VIEW_CASES):
        return reverse("case_detail", args=[pk])
    return None


def _calls_with(org_id, **filters) -> list[int]:
    from apps.hotline.models import Call

    return list(
        Call.objects.filter(organization_id=org_id, is_draft=False, **filters)
        .order_by("-id")
        .values_list("id", flat=True)[:20]
    )


def _cases_of_phone(org_id, key: int) -> list[int]:
    from apps.cases.models import Case
    from apps.people.models import PersonNumberKey

    people = PersonNumberKey.objects.filter(kind=PersonNumberKey.Kind.PHONE, key=key).values(
        "person_id"
    )
    return list(
        Case.objects.filter(organization_id=org_id, person_id__in=people)
        .order_by("-id")
        .values_list("id", flat=True)[:20]
    )


def _agency_elsewhere(org_id, agency_id) -> bool:
    from apps.hotline.models import Call

    return (
        JobAd.objects.filter(agency_id=agency_id).exclude(organization_id=org_id).exists()
        or AgencyLink.objects.filter(agency_id=agency_id).exclude(organization_id=org_id).exists()
        or Call.objects.filter(agency_id=agency_id, is_draft=False)
        .exclude(organization_id=org_id)
        .exists()
    )


def _agency_inside(membership, agency_id, exclude_ad=None) -> list[Alert]:
    org_id = membership.organization_id
    found = []
    ads = JobAd.objects.filter(organization_id=org_id, agency_id=agency_id)
    if exclude_ad is not None:
        ads = ads.exclude(pk=exclude_ad)
    found += [("job_ad", pk) for pk in ads.order_by("-id").values_list("id", flat=True)[:20]]
    found += [("call", pk) for pk in _calls_with(org_id, agency_id=agency_id)]
    found += [
        ("case", pk)
        for pk in AgencyLink.objects.filter(organization_id=org_id, agency_id=agency_id)
        .order_by("-id")
        .values_list("case_id", flat=True)[:20]
    ]
    return [Alert("agency", where, pk, _url(membership, where, pk)) for where, pk in found]


def alerts_for_job_ad(membership, job_ad: JobAd) -> Alerts:
    """Where the ad's agency, phones and payment details appear again. Only for a member
    of the ad's organisation (the caller has scoped the ad)."""
    org_id = membership.organization_id
    inside: list[Alert] = []
    markers = markers_to_look_up(job_ad)
    for marker in markers:
        others = (
            JobAdMarker.objects.filter(organization_id=org_id, kind=marker.kind, key=marker.key)
            .exclude(job_ad_id=job_ad.pk)
            .values_list("job_ad_id", flat=True)
        )
        places = [("job_ad", pk) for pk in sorted(set(others))]
        if marker.kind == MarkerKind.PHONE:
            places += [("call", pk) for pk in _calls_with(org_id, caller_phone_key=marker.key)]
            places += [("case", pk) for pk in _cases_of_phone(org_id, marker.key)]
        inside += [
            Alert(marker.kind, where, pk, _url(membership, where, pk)) for where, pk in places
        ]
    elsewhere = (
        JobAdMarker.objects.filter(network_key__in=[m.network_key for m in markers])
        .exclude(organization_id=org_id)
        .exists()
    )
    if job_ad.agency_id:
        inside += _agency_inside(membership, job_ad.agency_id, exclude_ad=job_ad.pk)
        elsewhere = elsewhere or _agency_elsewhere(org_id, job_ad.agency_id)
    return Alerts(tuple(dict.fromkeys(inside)), elsewhere)


def alerts_for_agency(membership, agency) -> Alerts:
    """Where an agency of the shared register appears in the member's organisation's
    ads, calls and cases; elsewhere only as a yes or no."""
    return Alerts(
        tuple(_agency_inside(membership, agency.pk)),
        _agency_elsewhere(membership.organization_id, agency.pk),
    )
