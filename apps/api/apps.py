from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "apps.api"
    label = "api"

    def ready(self):
        # Registers the token scheme with drf-spectacular.
        from apps.api import schema  # noqa: F401
