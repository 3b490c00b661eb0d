"""How the audit trail names prevention records."""

from apps.core.audit_display import register_record_kind
from apps.prevention import models

for model in (
    models.Event,
    models.Campaign,
    models.Participant,
    models.TestScore,
    models.FollowUp,
    models.CapacityAssessment,
):
    register_record_kind(model._meta.model_name, model=model)
