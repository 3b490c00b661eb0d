"""How the audit trail names legal records."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.audit_display import register_record_kind
from apps.legal import models

register_record_kind(
    "proceeding",
    model=models.Proceeding,
    prefix="LP",
    reference=lambda pk: f"LP-{pk:06d}",
    detail_keys=("proceeding",),
    url=lambda pk: reverse("legal_proceeding", args=[pk]),
)
register_record_kind(
    "consultation",
    model=models.Consultation,
    prefix="LC",
    reference=lambda pk: f"LC-{pk:06d}",
)
for model in (
    models.Stage,
    models.StageDocument,
    models.Defendant,
    models.Charge,
    models.Verdict,
    models.Hearing,
    models.Deadline,
    models.ProtectionRequest,
    models.Participant,
    models.ContactAttempt,
    models.Compensation,
    models.TimelineEntry,
    models.LegalSettings,
):
    register_record_kind(model._meta.model_name, model=model)
register_record_kind("calendarfeed", model=models.CalendarFeed, label=_("calendar feed"))
