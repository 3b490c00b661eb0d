"""How the audit trail names missing-person appeals and what belongs to them."""

from django.urls import reverse

from apps.core.audit_display import register_record_kind
from apps.missing.models import AppealMatch, AppealNote, MissingPersonAppeal


def _visible(membership, ids):
    from apps.missing.selectors import appeals_for

    return appeals_for(membership).filter(pk__in=ids).values_list("pk", flat=True)


register_record_kind(
    "missingpersonappeal",
    model=MissingPersonAppeal,
    detail_keys=("appeal",),
    url=lambda pk: reverse("appeal_detail", args=[pk]),
    visible=_visible,
)
register_record_kind("appealnote", model=AppealNote)
register_record_kind("appealmatch", model=AppealMatch)
