"""Report queries to a read replica when one is configured (KOLDOO_REPLICA_DATABASE_URL).

Only reads made inside `reading_reports()` (apps.statistics.counting.report_transaction
opens it) go to the "replica" alias; every other read and every write stays on
"default", so nothing a user just saved is read back from a replica that lags behind.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reading_reports: ContextVar[bool] = ContextVar("koldoo_reading_reports", default=False)


def report_database() -> str:
    """The alias report queries use: the replica if configured, else "default"."""
    return REPLICA if REPLICA in settings.DATABASES else "default"


@contextmanager
def reading_reports():
    """Route the ORM's reads inside this block to the report database; yields its alias."""
    token = _reading_reports.set(True)
    try:
        yield report_database()
    finally:
        _reading_reports.reset(token)


class ReportReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_reports.get():
            return report_database()
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A replica follows the primary's schema by replication, never by migrate.
        return db != REPLICA


class _ReportConnection:
    """The connection report code talks to: the report database inside
    `reading_reports()`, "default" elsewhere (apps.statistics.counting imports it as
    its `connection`, so its raw SQL follows the ORM's reads)."""

    def __getattr__(self, name):
        from django.db import connections

        return getattr(
            connections[report_database() if _reading_reports.get() else "default"], name
        )


report_connection = _ReportConnection()
