from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "apps.people"
    label = "people"

    def ready(self):
        from apps.people import checks  # noqa: F401  (registers the stale name-key check)
