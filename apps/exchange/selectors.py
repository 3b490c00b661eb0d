"""Scoped reads for case exchange: which referral a member may export, and whether now."""

from apps.referrals import selectors as referral_selectors


def referral_for_export(membership, referral_id):
    """A referral the member's organisation sent (404 otherwise: another organisation's,
    or one received). The role check (403) is the caller's `member_with`."""
    return referral_selectors.sent_referral_for(membership, referral_id)


def export_refusal(referral) -> str:
    """Why this referral's case may not leave now, or "" when it may: the referral app's
    own rule for anything the sender passes on."""
    return referral_selectors.sender_share_refusal(referral)


def shared_data(referral) -> dict:
    """The consented fields of the referral's person and case, from the referral app."""
    return referral_selectors.shared_view(referral)
