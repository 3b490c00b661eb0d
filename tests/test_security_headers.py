"""Security headers, CSRF on forms, production settings."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


def test_pages_carry_security_headers(client, login, caseworker):
    login(caseworker)
    r = client.get("/")
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert "script-src 'self'" in r["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in r["Content-Security-Policy"]
    assert r["Cache-Control"] == "no-store"


def test_post_without_csrf_token_is_refused(caseworker, make_person):
    c = Client(enforce_csrf_checks=True)
    c.force_login(caseworker.user)
    r = c.post("/people/new/", {"given_name": "Асель"})
    assert r.status_code == 403


def test_every_form_page_has_a_csrf_token(client, login, caseworker, make_person, make_case):
    person = make_person(caseworker)
    case = make_case(caseworker, person)
    login(caseworker)
    for url in (
        "/people/new/",
        f"/people/{person.pk}/edit/",
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/edit/",
    ):
        body = client.get(url).content.decode()
        assert body.count("<form") == body.count("csrfmiddlewaretoken") + body.count(
            'method="get"'
        ), url


def test_no_inline_script_or_external_asset(client, login, caseworker):
    login(caseworker)
    body = client.get("/").content.decode()
    assert "onchange=" not in body and "<script>" not in body
    assert "http://" not in body.replace("http://testserver", "") and "https://" not in body


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    from koldoo.keyring import new_key_material

    keys = new_key_material()
    env = {
        "PATH": os.environ["PATH"],
        "KOLDOO_ENV": "production",
        "KOLDOO_VAR_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "koldoo.example.org",
        "SECRET_KEY": keys["secret_key"],
        "KOLDOO_ENCRYPTION_KEYS": keys["encryption_keys"][0],
        "KOLDOO_INDEX_KEY": keys["index_key"],
        "KOLDOO_AUDIT_KEY": keys["audit_key"],
    }
    r = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout
