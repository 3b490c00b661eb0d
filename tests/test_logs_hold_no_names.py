"""Names and search text never reach a log: access log, application log, error report."""

import datetime
import logging
from pathlib import Path
from types import SimpleNamespace
from wsgiref.util import setup_testing_defaults

import pytest
from django.core import mail, signals
from django.db import close_old_connections

ROOT = Path(__file__).resolve().parent.parent
NAME = "Tolonbaeva"


def _gunicorn_access_line(tmp_path, environ, status):
    """Format one access-log line exactly as gunicorn does with Koldoo's configuration."""
    from gunicorn.config import Config

    from koldoo import gunicorn_conf

    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("access_log_format", gunicorn_conf.access_log_format)
    cfg.set("logger_class", gunicorn_conf.logger_class)
    log = cfg.logger_class(cfg)
    resp = SimpleNamespace(status=status, sent=123, headers=[])
    log.access(resp, SimpleNamespace(headers=[]), environ, datetime.timedelta(milliseconds=5))
    for handler in log.access_log.handlers:
        handler.flush()
    return (tmp_path / "access.log").read_text()


def test_make_run_uses_the_configuration_without_query_strings():
    run = (ROOT / "scripts" / "run.sh").read_text()
    assert "--config koldoo/gunicorn_conf.py" in run
    assert "--access-logformat" not in run  # the format lives in the configuration only


def test_search_by_name_through_the_wsgi_app_leaves_no_name_in_the_logs(
    client, login, caseworker, make_person, tmp_path, caplog
):
    from koldoo.wsgi import application

    make_person(caseworker)
    login(caseworker)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/api/v1/people/",
        "QUERY_STRING": f"search=Aigul+{NAME}",
        "RAW_URI": f"/api/v1/people/?search=Aigul+{NAME}",
        "HTTP_COOKIE": f"sessionid={client.cookies['sessionid'].value}",
        "HTTP_REFERER": f"http://testserver/people/?q=Aigul+{NAME}",
        "SERVER_NAME": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
    }
    setup_testing_defaults(environ)
    statuses = []
    caplog.set_level(logging.DEBUG)
    # As Django's test client does: keep the test's database connection open.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, lambda status, headers: statuses.append(status)))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert statuses[0].startswith("200") and b"results" in body, (statuses, body[:3000])
    line = _gunicorn_access_line(tmp_path, environ, statuses[0])
    assert "/api/v1/people/" in line
    assert NAME not in line and "search=" not in line and "Aigul" not in line
    assert NAME not in caplog.text


@pytest.fixture
def failing_person_service(monkeypatch):
    from apps.people import selectors, services

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "create_person", boom)
    monkeypatch.setattr(selectors, "search_people", boom)


def test_an_error_report_contains_no_submitted_value(
    client, login, caseworker, settings, failing_person_service, caplog
):
    settings.ADMINS = [("Ops", "ops@test.example")]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.raise_request_exception = False
    login(caseworker)
    caplog.set_level(logging.DEBUG)
    r = client.post(
        f"/api/v1/people/?q=Aigul+{NAME}",
        {"family_name": NAME, "given_name": "Aigul", "phones": ["+996 555 000111"]},
        content_type="application/json",
    )
    assert r.status_code == 500
    r = client.get("/people/", {"q": f"Aigul {NAME}"})
    assert r.status_code == 500
    reports = [m.body + str(m.alternatives) for m in mail.outbox]
    assert len(reports) == 2 and all("database went away" in body for body in reports)
    text = "\n".join(reports) + caplog.text
    session_key = client.cookies["sessionid"].value
    for value in (NAME, "Aigul", "555 000111", session_key):
        assert value not in text, value


@pytest.mark.parametrize(
    "path",
    [
        "/organisation/join/Zx9-secret-invitation-token/",
        "/accounts/password/reset/key/1a-secret-reset-key/",
        "/accounts/confirm-email/secret-confirmation-key/",
    ],
)
def test_links_carrying_a_secret_are_logged_without_it(tmp_path, path):
    # Whoever reads the access log must not be able to follow an invitation (it makes an
    # account in the organisation), a password reset or an address confirmation.
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "RAW_URI": path}
    setup_testing_defaults(environ)
    line = _gunicorn_access_line(tmp_path, environ, "200 OK")
    assert "secret" not in line
    assert "[hidden]" in line


def test_the_request_log_writes_an_invitation_link_without_its_key(client, login, caseworker):
    # Django logs every 4xx with its path; a valid invitation opened by the wrong account
    # answers 403 or 410, and the log must not hand the link to whoever reads it.
    import io

    console = next(
        h
        for h in logging.getLogger("django.request").handlers
        if isinstance(h, logging.StreamHandler) and not hasattr(h, "send_mail")
    )
    buffer = io.StringIO()
    previous = console.setStream(buffer)
    try:
        login(caseworker)
        client.get("/organisation/join/Zx9-secret-invitation-token/")
    finally:
        console.setStream(previous)
    written = buffer.getvalue()
    assert "/organisation/join/[hidden]" in written
    assert "secret-invitation-token" not in written
