"""How the audit trail names screenings."""

from django.urls import reverse

from apps.core.audit_display import register_record_kind
from apps.screening.models import Screening


def _visible(membership, ids):
    from apps.screening.selectors import screenings_visible_to

    return screenings_visible_to(membership).filter(pk__in=ids).values_list("pk", flat=True)


register_record_kind(
    "screening",
    model=Screening,
    url=lambda pk: reverse("screening_detail", args=[pk]),
    visible=_visible,
)
