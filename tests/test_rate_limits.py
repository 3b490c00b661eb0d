"""Sign-in rate limits count the real client behind the reverse proxy and live in a cache
that every worker process shares and that survives restarts (the database by default)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory

from apps.core.client_address import client_address
from apps.core.models import AuditEntry
from tests.conftest import PASSWORD

ATTACKER = "203.0.113.66"
COLLEAGUE = "198.51.100.7"


@pytest.fixture
def behind_one_proxy(settings):
    settings.KOLDOO_TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def attempt(client, email, password, forwarded_for):
    """A sign-in as the proxy passes it on: it appends the address it saw to the header."""
    client.logout()
    return client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail_from_attacker(client, times=6, spoof=False):
    for i in range(times):
        # Guessing at many accounts: the per-address limit is what stops this.
        hops = f"10.0.0.{i}, {ATTACKER}" if spoof else ATTACKER
        attempt(client, f"guess{i}@test.example", "wrong-password", hops)


def test_one_client_failing_does_not_block_another_behind_the_proxy(
    client, caseworker, behind_one_proxy
):
    fail_from_attacker(client)
    attempt(client, caseworker.user.email, PASSWORD, ATTACKER)
    assert not signed_in(client)
    attempt(client, caseworker.user.email, PASSWORD, COLLEAGUE)
    assert signed_in(client)


def test_a_spoofed_extra_forwarded_hop_does_not_escape_the_limit(
    client, caseworker, behind_one_proxy
):
    fail_from_attacker(client, spoof=True)
    attempt(client, caseworker.user.email, PASSWORD, f"10.9.9.9, {ATTACKER}")
    assert not signed_in(client)


def test_the_limit_lives_in_the_database_not_in_process_memory(
    client, caseworker, behind_one_proxy, monkeypatch
):
    assert django_settings.CACHES["default"]["BACKEND"].endswith("db.DatabaseCache")
    fail_from_attacker(client)
    table = django_settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        assert cur.fetchone()[0] > 0
    # Another worker (or this one after a restart) opens its own cache connection.
    import allauth.core.internal.ratelimit as allauth_ratelimit

    monkeypatch.setattr(allauth_ratelimit, "cache", caches.create_connection("default"))
    attempt(client, caseworker.user.email, PASSWORD, ATTACKER)
    assert not signed_in(client)


def test_audit_trail_records_the_client_address_the_limits_count(
    client, caseworker, behind_one_proxy
):
    attempt(client, caseworker.user.email, "wrong-password", f"10.9.9.9, {ATTACKER}")
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.SIGN_IN_FAILED).latest("id")
    assert entry.ip_address == ATTACKER


def test_without_a_proxy_the_forwarded_header_is_ignored(settings):
    settings.KOLDOO_TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=ATTACKER, REMOTE_ADDR="192.0.2.1")
    assert client_address(request) == "192.0.2.1"


def test_client_address_counts_hops_from_the_right(settings):
    settings.KOLDOO_TRUSTED_PROXY_COUNT = 2
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR=f"6.6.6.6, {ATTACKER}, 10.0.0.2", REMOTE_ADDR="10.0.0.3"
    )
    assert client_address(request) == ATTACKER
    garbage = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="not-an-address, x")
    assert client_address(garbage) is None


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({}, "django.core.cache.backends.db.DatabaseCache"),
        (
            {"KOLDOO_CACHE_URL": "redis://127.0.0.1:6379/1"},
            "django.core.cache.backends.redis.RedisCache",
        ),
        ({"REDIS_URL": "redis://127.0.0.1:6379/2"}, "django.core.cache.backends.redis.RedisCache"),
    ],
)
def test_redis_is_used_where_configured(env, backend):
    clean = {k: v for k, v in os.environ.items() if k not in ("KOLDOO_CACHE_URL", "REDIS_URL")}
    out = subprocess.run(
        [sys.executable, "-c", "from koldoo import settings; print(settings.CACHES['default'])"],
        env={**clean, "KOLDOO_ENV": "demo", **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
    ).stdout
    assert backend in out
    for value in env.values():
        assert value in out


@pytest.mark.django_db(transaction=True)
def test_every_migrate_makes_the_rate_limit_table_so_no_installation_forgets_it():
    from django.core.management import call_command

    with connection.cursor() as cur:
        cur.execute("DROP TABLE koldoo_cache")
    call_command("migrate", verbosity=0)
    assert "koldoo_cache" in connection.introspection.table_names()
