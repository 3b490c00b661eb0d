from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"

    def ready(self):
        from apps.core import signals  # noqa: F401
        from apps.core.input_limits import install_field_validators, stop_silent_truncation

        install_field_validators()
        stop_silent_truncation()

        # Each app's audit_records.py tells the audit trail how its records are named.
        from apps.core.audit_display import discover_record_kinds

        discover_record_kinds()
