"""How the audit trail names assistance records (opened on their case, which their
entries name)."""

from apps.assistance import models
from apps.core.audit_display import register_record_kind

for model in (
    models.NeedsAssessment,
    models.ServicePlan,
    models.PlannedService,
    models.DeliveredService,
    models.CheckIn,
    models.ShelterCapacity,
    models.ShelterStay,
    models.EconomicSupportLimit,
):
    register_record_kind(model._meta.model_name, model=model)
