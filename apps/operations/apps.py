from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "apps.operations"
    label = "operations"
    verbose_name = _("Operations")

    def ready(self):
        from apps.operations import key_rotation  # noqa: F401  (registers operations.E031)
