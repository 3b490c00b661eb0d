"""How the audit trail names people: P-000241, linked for those who may open them."""

from django.urls import reverse

from apps.core.audit_display import register_record_kind
from apps.people.models import Person


def _visible(membership, ids):
    from apps.people.selectors import people_visible_to

    return people_visible_to(membership).filter(pk__in=ids).values_list("pk", flat=True)


register_record_kind(
    "person",
    model=Person,
    prefix="P",
    reference=Person.code_for,
    detail_keys=("person",),
    url=lambda pk: reverse("person_detail", args=[pk]),
    visible=_visible,
)
