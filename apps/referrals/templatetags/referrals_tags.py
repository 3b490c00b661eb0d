from django import template

from apps.referrals.selectors import unread_count

register = template.Library()


@register.simple_tag
def unread_referrals(membership) -> int:
    """Unread referral notifications of the member's organisation (one COUNT query)."""
    return unread_count(membership) if membership is not None else 0
