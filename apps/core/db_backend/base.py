"""Django's PostgreSQL backend, but a new connection waits for a restarting server.

When PostgreSQL restarts (an upgrade, a configuration change, a failover), every
connection open at that moment is lost and for a few seconds new ones are refused.
CONN_HEALTH_CHECKS (koldoo/settings.py) replaces a lost connection at the start of the
next request; this backend makes the replacement wait up to CONNECT_PATIENCE_SECONDS
for the server instead of failing at once. So a request that arrives during the
restart is answered a little later instead of with an error page, and the job worker
(django_tasks_db's `db_worker`, which stops on any database error other than a
locked SQLite file) keeps running. A query already running when the server went down
still fails: nothing can replay it safely.

libpq reports "connection refused", "the database system is starting up" and a
missing database or a wrong password alike (OperationalError without an SQLSTATE), so
every failed connect is retried; a misconfigured server gives up after the same
patience, with the original error.
"""

import logging
import time

from django.db.backends.postgresql import base

CONNECT_PATIENCE_SECONDS = 10.0
RETRY_PAUSE_SECONDS = 0.5

logger = logging.getLogger(__name__)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        deadline = time.monotonic() + CONNECT_PATIENCE_SECONDS
        attempt = 1
        while True:
            try:
                return super().get_new_connection(conn_params)
            except base.Database.OperationalError:
                if time.monotonic() >= deadline:
                    raise
                if attempt == 1:
                    logger.warning("PostgreSQL refused a connection; retrying for a few seconds")
                attempt += 1
                time.sleep(RETRY_PAUSE_SECONDS)
