"""How the audit trail names institution, visit and recommendation records."""

from apps.core.audit_display import register_record_kind
from apps.institutions import models

for model in (
    models.Institution,
    models.Visit,
    models.Observation,
    models.Interview,
    models.Recommendation,
    models.RecommendationUpdate,
    models.ChecklistQuestion,
):
    register_record_kind(model._meta.model_name, model=model)
