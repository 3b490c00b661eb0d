"""A PostgreSQL restart: a request arriving while the server is down waits for it to
come back instead of failing (apps.core.db_backend), and a kept connection lost in the
restart is replaced before a request uses it (CONN_HEALTH_CHECKS)."""

import pytest
from django.db.backends.postgresql import base as django_postgresql

from apps.core import db_backend
from apps.core.db_backend import base as patient

SETTINGS = {
    "ENGINE": "apps.core.db_backend",
    "NAME": "koldoo",
    "USER": "koldoo",
    "PASSWORD": "",
    "HOST": "127.0.0.1",
    "PORT": "5432",
    "OPTIONS": {},
    "TIME_ZONE": None,
    "CONN_MAX_AGE": 60,
    "CONN_HEALTH_CHECKS": True,
    "AUTOCOMMIT": True,
    "ATOMIC_REQUESTS": False,
    "TEST": {},
}


class Server:
    """PostgreSQL as the backend sees it while restarting: refuses `down` connects."""

    def __init__(self, down: int):
        self.down = down
        self.attempts = 0

    def connect(self, conn_params):
        self.attempts += 1
        if self.attempts <= self.down:
            raise django_postgresql.Database.OperationalError(
                'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
            )
        return "connection"


@pytest.fixture
def server(monkeypatch):
    def make(down):
        server = Server(down)
        monkeypatch.setattr(
            django_postgresql.DatabaseWrapper,
            "get_new_connection",
            lambda wrapper, conn_params: server.connect(conn_params),
        )
        return server

    # No real waiting in a test: the pause is counted, not slept.
    monkeypatch.setattr(patient.time, "sleep", lambda seconds: None)
    return make


def test_a_connect_during_a_restart_waits_for_the_server(server):
    restarting = server(down=2)
    wrapper = patient.DatabaseWrapper(dict(SETTINGS), alias="restart")
    assert wrapper.get_new_connection({}) == "connection"
    assert restarting.attempts == 3


def test_a_server_that_stays_down_fails_with_its_own_error(server, monkeypatch):
    server(down=10_000)
    clock = iter(range(0, 10_000, 2))  # two seconds pass per attempt
    monkeypatch.setattr(patient.time, "monotonic", lambda: next(clock))
    wrapper = patient.DatabaseWrapper(dict(SETTINGS), alias="down")
    with pytest.raises(django_postgresql.Database.OperationalError, match="Connection refused"):
        wrapper.get_new_connection({})


def test_koldoo_uses_the_patient_backend_with_health_checks_on_postgresql():
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        pytest.skip("SQLite has no server to restart")
    assert database["ENGINE"] == db_backend.__name__
    assert database["CONN_HEALTH_CHECKS"] is True
