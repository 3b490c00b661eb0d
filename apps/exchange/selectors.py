"""Scoped reads for case exchange: which referral a member may export, and whether now."""

from django.utils.translation import gettext as _

from apps.referrals import selectors as referral_selectors
from apps.referrals.models import ReferralStatus

# A referral that was declined or cancelled sends nothing any more.
CLOSED_STATUSES = (ReferralStatus.DECLINED, ReferralStatus.CANCELLED)


def referral_for_export(membership, referral_id):
    """A referral the member's organisation sent (404 otherwise: another organisation's,
    or one received). The role check (403) is the caller's `member_with`."""
    return referral_selectors.sent_referral_for(membership, referral_id)


def export_refusal(referral) -> str:
    """Why this referral's case may not leave now, or "" when it may.

    The consent rule is the referral app's own (Consent.in_force, read fresh as
    `receiver_may_read` does); the receiving side's acceptance is not needed, since
    referrals to organisations outside Koldoo are never accepted in Koldoo."""
    referral.consent.refresh_from_db(fields=["withdrawn_on", "valid_until"])
    if not referral.consent.in_force:
        return _(
            "The person's consent to this referral is no longer in force, so their data "
            "cannot be exported."
        )
    if referral.status in CLOSED_STATUSES:
        return _("This referral was declined or cancelled; its data cannot be exported.")
    return ""


def shared_data(referral) -> dict:
    """The consented fields of the referral's person and case, from the referral app."""
    return referral_selectors.shared_view(referral)
