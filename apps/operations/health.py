"""What a load balancer asks: is the process alive, and can it serve requests now.

Answers name each check and say "ok" or "failing", never why: an error message could
carry a host name, a path or a key file's location, and these endpoints need no
sign-in.
"""

import logging

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

# Once every migration has been applied, this process keeps knowing it: loading the
# migration graph costs a few hundred milliseconds and a deployment starts new processes.
_migrations_applied = False


def check_database() -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
        return cur.fetchone()[0] == 1


def check_keys() -> bool:
    """Every key is present and the data cipher can read what it writes."""
    from apps.core.crypto import decrypt_text, encrypt_text

    keyring = settings.KEYRING
    if not (keyring.encryption_keys and keyring.index_key and keyring.audit_key):
        return False
    return decrypt_text(encrypt_text("readyz")) == "readyz"


def check_migrations() -> bool:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        _migrations_applied = not plan
    return _migrations_applied


def check_job_queue() -> bool:
    """The job table answers (the database backend's queue); other backends are
    reachable if they load."""
    from django_tasks import task_backends

    backend = task_backends["default"]
    if backend.__class__.__module__.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()
    return True


CHECKS = {
    "database": check_database,
    "keys": check_keys,
    "migrations": check_migrations,
    "job_queue": check_job_queue,
}


def readiness() -> dict[str, bool]:
    """Each check's outcome; a check that raises counts as failing (logged by name only)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = bool(check())
        except Exception:  # noqa: BLE001 - a readiness probe reports, it does not crash
            logger.warning("readiness check %s failing", name)
            results[name] = False
    return results
