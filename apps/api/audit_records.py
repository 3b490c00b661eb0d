"""How the audit trail names API tokens."""

from apps.api.models import ApiToken
from apps.core.audit_display import register_record_kind

register_record_kind("apitoken", model=ApiToken)
