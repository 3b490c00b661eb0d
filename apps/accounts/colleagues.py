"""Who may be given work: the active members of one's own organisation.

One rule and one message for every assignee (cases, tasks, planned services,
check-ins), on screens and in the API. The message is the same whether the user
exists elsewhere or not at all, so that assigning work cannot be used to find out
which accounts exist.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User

NOT_A_COLLEAGUE = _("Work can only be assigned to people of your organisation.")


def colleagues_of(membership):
    """Users with an active membership in the member's organisation."""
    if membership is None:
        return User.objects.none()
    return User.objects.filter(
        memberships__organization_id=membership.organization_id, memberships__is_active=True
    ).distinct()


def check_colleague(membership, user) -> None:
    """Raise ValidationError(NOT_A_COLLEAGUE) unless `user` is None or a colleague."""
    if user is not None and not colleagues_of(membership).filter(pk=user.pk).exists():
        raise ValidationError(NOT_A_COLLEAGUE)
