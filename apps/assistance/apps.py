from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "apps.assistance"
    label = "assistance"
