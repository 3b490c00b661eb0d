from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """Pages and commands that gather every app (the start page, the demo data): on top
    of the domain apps, so that none of them, nor core, needs to know the others."""

    name = "apps.home"
    label = "home"
    verbose_name = _("Start page")
