"""/healthz and /readyz answer a load balancer without sign-in and reveal nothing."""

import json

import pytest
from django.test import Client


def test_healthz_answers_without_database_or_sign_in():
    # No database in this test: pytest-django refuses any query, so a 200 proves none.
    r = Client().get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}
    assert "no-cache" in r["Cache-Control"] or "max-age=0" in r["Cache-Control"]


@pytest.mark.django_db
def test_readyz_reports_each_check_ok():
    r = Client().get("/readyz")
    assert r.status_code == 200
    assert r.json() == {
        "status": "ok",
        "checks": {"database": "ok", "keys": "ok", "migrations": "ok", "job_queue": "ok"},
    }


@pytest.mark.django_db
def test_readyz_says_which_check_fails_and_nothing_else(monkeypatch, settings):
    from apps.operations import health

    def broken():
        raise RuntimeError("connection to db.internal:5432 refused, key file /etc/koldoo/keys.json")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    r = Client().get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "failing"
    assert body["checks"]["database"] == "failing"
    assert body["checks"]["keys"] == "ok"
    text = json.dumps(body)
    assert "db.internal" not in text and "keys.json" not in text


@pytest.mark.django_db
def test_readyz_fails_when_a_migration_is_unapplied(monkeypatch):
    from apps.operations import health

    monkeypatch.setattr(health, "_migrations_applied", False)

    class Plan:
        def __init__(self, connection):
            self.loader = type("L", (), {"graph": type("G", (), {"leaf_nodes": lambda s: []})()})()

        def migration_plan(self, targets):
            return [("operations", "9999_future")]

    monkeypatch.setattr(health, "MigrationExecutor", Plan)
    r = Client().get("/readyz")
    assert r.status_code == 503
    assert r.json()["checks"]["migrations"] == "failing"


@pytest.mark.django_db
def test_readyz_fails_without_the_audit_key(settings):
    from dataclasses import replace

    settings.KEYRING = replace(settings.KEYRING, audit_key=b"")
    r = Client().get("/readyz")
    assert r.status_code == 503
    assert r.json()["checks"]["keys"] == "failing"


def test_probes_refuse_writes():
    assert Client().post("/healthz").status_code == 405
