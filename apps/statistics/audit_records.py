"""How the audit trail names the statistics that were viewed or exported."""

from django.utils.translation import gettext_lazy as _

from apps.core.audit_display import register_record_kind

register_record_kind("national_statistics", label=_("national statistics"))
register_record_kind("anonymised_export", label=_("anonymised export"))
