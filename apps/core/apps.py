from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(using="default", **kwargs):
    """The sign-in rate limits live in the database cache by default: its table is made
    with every migrate, so that no installation can forget it (sign-in would fail).
    Does nothing for other cache backends (Redis) or when the table exists."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"

    def ready(self):
        from apps.core import signals  # noqa: F401

        post_migrate.connect(create_cache_table, sender=self)
        from apps.core.input_limits import install_field_validators, stop_silent_truncation

        install_field_validators()
        stop_silent_truncation()

        # Each app's audit_records.py tells the audit trail how its records are named.
        from apps.core.audit_display import discover_record_kinds

        discover_record_kinds()
