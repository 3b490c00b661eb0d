from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"

    def ready(self):
        from apps.core import signals  # noqa: F401
        from apps.core.input_limits import install_field_validators

        install_field_validators()
