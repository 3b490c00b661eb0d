"""How the audit trail names referrals (R-000012) and what belongs to them."""

from django.urls import reverse

from apps.core.audit_display import register_record_kind
from apps.referrals.models import (
    ConsentTerms,
    DirectoryEntry,
    Notification,
    Referral,
    ServiceDelivered,
)


def _visible(membership, ids):
    """Referrals the member sent, and received ones while the receiver may read them
    (otherwise the page would answer 404)."""
    from apps.referrals import selectors

    sent = set(selectors.referrals_sent(membership).filter(pk__in=ids).values_list("pk", flat=True))
    received = {
        r.pk
        for r in selectors.referrals_received(membership).filter(pk__in=ids)
        if selectors.receiver_may_read(r, reload=False)
    }
    return sent | received


register_record_kind(
    "referral",
    model=Referral,
    prefix="R",
    reference=lambda pk: Referral(pk=pk).reference,
    detail_keys=("referral",),
    url=lambda pk: reverse("referral_detail", args=[pk]),
    visible=_visible,
)
register_record_kind("servicedelivered", model=ServiceDelivered)
register_record_kind("consentterms", model=ConsentTerms)
register_record_kind("directoryentry", model=DirectoryEntry)
register_record_kind("notification", model=Notification)
