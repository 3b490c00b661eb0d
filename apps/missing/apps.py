from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissingConfig(AppConfig):
    name = "apps.missing"
    label = "missing"
    verbose_name = _("Missing people")
