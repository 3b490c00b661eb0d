"""How the audit trail names cases (C-000244) and what hangs on them."""

from django.urls import reverse

from apps.cases.models import Attachment, Case, CaseNote, Consent, Task
from apps.core.audit_display import register_record_kind


def _visible(membership, ids):
    from apps.cases.selectors import cases_visible_to

    return cases_visible_to(membership).filter(pk__in=ids).values_list("pk", flat=True)


register_record_kind(
    "case",
    model=Case,
    prefix="C",
    reference=Case.reference_for,
    detail_keys=("case",),
    url=lambda pk: reverse("case_detail", args=[pk]),
    visible=_visible,
)
# Notes, tasks and attachments are opened on their case, which their entries name.
register_record_kind("casenote", model=CaseNote)
register_record_kind("task", model=Task)
register_record_kind("attachment", model=Attachment)
register_record_kind("consent", model=Consent, detail_keys=("consent",))
