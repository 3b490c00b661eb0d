from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "apps.referrals"
    label = "referrals"

    def ready(self):
        from apps.referrals import signals  # noqa: F401
