"""How the audit trail names hotline calls (H-000031) and prepared answers."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.audit_display import register_record_kind
from apps.hotline.models import Answer, Call


def _visible(membership, ids):
    from apps.hotline.selectors import calls_visible_to

    return calls_visible_to(membership).filter(pk__in=ids).values_list("pk", flat=True)


register_record_kind(
    "call",
    model=Call,
    prefix="H",
    reference=lambda pk: Call(pk=pk).reference,
    url=lambda pk: reverse("call_detail", args=[pk]),
    visible=_visible,
)
register_record_kind("answer", model=Answer)
register_record_kind("hotline_statistics", label=_("hotline statistics"))
