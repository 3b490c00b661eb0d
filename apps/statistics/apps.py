from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "apps.statistics"
    label = "statistics"
    verbose_name = _("National statistics")

    def ready(self):
        from django.db.backends.signals import connection_created

        from apps.statistics.cellkey import register_sqlite_function

        # SQLite computes the record keys of cell-key perturbation with this function.
        connection_created.connect(register_sqlite_function, dispatch_uid="koldoo_record_key")
