import hashlib

from django.utils import timezone

from apps.accounts.models import Invitation, Membership
from apps.accounts.roles import Permission


def memberships_of(user):
    """The active memberships of a user, with their organisations."""
    return (
        Membership.objects.filter(user=user, is_active=True, organization__isnull=False)
        .select_related("organization")
        .order_by("organization__name", "role")
    )


def chosen_membership(user, memberships) -> Membership | None:
    """Of the user's active `memberships`, the one they act under: the one they last
    chose, else their only one. None when they have several and no valid choice: the
    caller asks them, never picks one for them."""
    chosen = next((m for m in memberships if m.pk == user.current_membership_id), None)
    if chosen is None and len(memberships) == 1:
        chosen = memberships[0]
    return chosen


def members_of(membership):
    """All memberships of the admin's organisation (admins only; else none)."""
    if membership is None or not membership.can(Permission.MANAGE_ORGANIZATION):
        return Membership.objects.none()
    return (
        Membership.objects.filter(organization_id=membership.organization_id)
        .select_related("user")
        .order_by("-is_active", "user__email")
    )


def pending_invitations_of(membership):
    """Invitations of the admin's organisation that can still be accepted (admins only)."""
    if membership is None or not membership.can(Permission.MANAGE_ORGANIZATION):
        return Invitation.objects.none()
    return Invitation.objects.filter(
        organization_id=membership.organization_id,
        accepted_at=None,
        revoked_at=None,
        expires_at__gt=timezone.now(),
    ).order_by("email")


def invitation_for_link(token: str) -> Invitation | None:
    """The pending invitation a link's token opens, or None (unknown, used, revoked or
    expired links all look the same)."""
    if not token or len(token) > 200:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    invitation = Invitation.objects.filter(token_hash=digest).select_related("organization").first()
    return invitation if invitation is not None and invitation.is_pending else None
