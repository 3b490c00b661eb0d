from apps.accounts.models import Membership


def memberships_of(user):
    """The active memberships of a user, with their organisations."""
    return (
        Membership.objects.filter(user=user, is_active=True, organization__isnull=False)
        .select_related("organization")
        .order_by("organization__name", "role")
    )


def active_membership(user, membership_id=None) -> Membership | None:
    """The membership chosen in this session, else the user's first one."""
    memberships = memberships_of(user)
    if membership_id:
        chosen = memberships.filter(pk=membership_id).first()
        if chosen:
            return chosen
    return memberships.first()


def members_of(membership):
    """All memberships of the admin's organisation (admins only; else none)."""
    from apps.accounts.roles import Permission

    if membership is None or not membership.can(Permission.MANAGE_ORGANIZATION):
        return Membership.objects.none()
    return (
        Membership.objects.filter(organization_id=membership.organization_id)
        .select_related("user")
        .order_by("-is_active", "user__email")
    )
