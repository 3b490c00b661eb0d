"""How the audit trail names grant records."""

from apps.core.audit_display import register_record_kind
from apps.grants import models

for model in (
    models.Donor,
    models.Grant,
    models.Activity,
    models.BudgetLine,
    models.Spending,
    models.GrantEvent,
    models.Indicator,
    models.IndicatorUse,
    models.PeriodTarget,
    models.ManualResult,
    models.SentReport,
):
    register_record_kind(model._meta.model_name, model=model)
