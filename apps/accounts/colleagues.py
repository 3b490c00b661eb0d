"""Who may be given work: the members of one's own organisation who do case work.

One rule and one message for every assignee (cases, tasks, planned services,
check-ins), on screens and in the API. The message is the same whether the user
exists elsewhere, has another role here or does not exist at all, so that assigning
work cannot be used to find out which accounts exist.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.roles import CASE_WORK_ROLES

NOT_A_COLLEAGUE = _("Work can only be assigned to people of your organisation who work on cases.")


def case_workers_of(organization):
    """Users who may be given case work in `organization`: an active account with an
    active membership there in a role that works on cases (roles.CASE_WORK_ROLES),
    ordered by name. What every "assigned worker" picker lists."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization=organization,
            memberships__is_active=True,
            memberships__role__in=CASE_WORK_ROLES,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def colleagues_of(membership):
    """The member's colleagues who may be given case work; none without a membership."""
    if membership is None:
        return User.objects.none()
    return case_workers_of(membership.organization_id)


def check_colleague(membership, user) -> None:
    """Raise ValidationError(NOT_A_COLLEAGUE) unless `user` is None or may be given
    case work in the member's organisation."""
    if user is not None and not colleagues_of(membership).filter(pk=user.pk).exists():
        raise ValidationError(NOT_A_COLLEAGUE)
