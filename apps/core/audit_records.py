"""How the audit trail names core's own records (see apps.core.audit_display)."""

from django.utils.translation import gettext_lazy as _

from apps.core.audit_display import register_record_kind
from apps.core.models import AuditEntry, ReferenceValue

register_record_kind("auditentry", model=AuditEntry)
register_record_kind("referencevalue", model=ReferenceValue)
register_record_kind("keys", label=_("encryption keys"))
