"""How the audit trail names violation records."""

from apps.core.audit_display import register_record_kind
from apps.violations import models

for model in (
    models.Event,
    models.Act,
    models.Involvement,
    models.Source,
    models.Intervention,
    models.Grant,
):
    register_record_kind(model._meta.model_name, model=model)
