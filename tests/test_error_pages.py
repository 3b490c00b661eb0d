"""Error pages (400, 403, 404, 500, CSRF failure) in the product's layout, in the
reader's language, with a way back; a refused page leaves no traceback in the log."""

import logging

import pytest
from django.test import Client


@pytest.fixture
def monitor(org, make_member):
    return make_member(org, "monitor")


@pytest.fixture
def django_request_records():
    """What the `django.request` logger hands its handlers (it does not propagate)."""
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep(level=logging.DEBUG)
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def _in_layout(page: str) -> bool:
    return 'class="skip-link"' in page and 'id="main"' in page


def test_not_found_page_uses_the_layout_in_the_users_language(client, login, caseworker):
    caseworker.user.language = "ru"
    caseworker.user.save()
    login(caseworker)
    r = client.get("/no-such-page/")
    page = r.content.decode()
    assert r.status_code == 404
    assert _in_layout(page) and '<html lang="ru">' in page
    assert "Выйти" in page  # the signed-in header, in Russian
    assert "Страница не найдена" in page and 'href="/"' in page


def test_not_found_page_works_for_someone_not_signed_in(client):
    r = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="ky")
    assert r.status_code == 404
    assert _in_layout(r.content.decode()) and '<html lang="ky">' in r.content.decode()


def test_not_found_page_links_back_to_the_page_one_came_from(client, login, caseworker):
    login(caseworker)
    page = client.get("/cases/999999/", HTTP_REFERER="http://testserver/cases/").content.decode()
    assert 'href="http://testserver/cases/"' in page


def test_not_found_page_never_links_back_to_another_site(client, login, caseworker):
    login(caseworker)
    page = client.get("/cases/999999/", HTTP_REFERER="https://evil.example/x").content.decode()
    assert "evil.example" not in page


def test_refused_page_explains_the_role_and_offers_a_way_back(client, login, monitor):
    login(monitor)
    r = client.get("/cases/")
    page = r.content.decode()
    assert r.status_code == 403
    assert _in_layout(page)
    assert "You do not have access to this page" in page
    assert "Monitor" in page and monitor.organization.name in page
    assert 'href="/"' in page


def test_refused_page_writes_no_traceback_to_the_log(
    client, login, monitor, django_request_records
):
    login(monitor)
    assert client.get("/cases/").status_code == 403
    refused = [rec for rec in django_request_records if getattr(rec, "status_code", 0) == 403]
    assert refused, "the refusal is still logged, as one line"
    assert all(rec.exc_info is None and not rec.exc_text for rec in refused)


def test_audit_trail_refused_to_a_case_worker_in_the_layout(client, login, caseworker):
    login(caseworker)
    r = client.get("/audit/")
    assert r.status_code == 403 and _in_layout(r.content.decode())


def test_csrf_failure_page_explains_and_never_mentions_debug(caseworker):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(caseworker.user)
    r = browser.post("/language/", {"language": "ru", "next": "/"})
    page = r.content.decode()
    assert r.status_code == 403
    assert _in_layout(page)
    assert "The form could not be sent" in page
    main = page[page.index('<main id="main"') : page.index("</main>")]
    assert "DEBUG" not in page and "CSRF" not in main and "cookie not set" not in main


def test_request_for_another_host_gets_the_400_page(client):
    # Refused before sign-in middleware ran: the page must not need a user or membership.
    r = client.get("/", HTTP_HOST="evil.example")
    page = r.content.decode()
    assert r.status_code == 400
    assert _in_layout(page) and "The request could not be understood" in page
    assert "evil.example" not in page


def test_server_error_page_uses_the_layout(login, caseworker, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("apps.home.views.dashboard_figures", broken)
    browser = Client(raise_request_exception=False)
    login(caseworker, browser)
    r = browser.get("/")
    page = r.content.decode()
    assert r.status_code == 500
    assert _in_layout(page) and "Something went wrong on our side" in page
    assert "boom" not in page and "Traceback" not in page


def test_server_error_page_appears_even_when_the_layout_cannot_read_the_database(
    login, caseworker, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("apps.home.views.dashboard_figures", broken)
    # The header's referral badge reads the database too: let it fail as well.
    monkeypatch.setattr("apps.referrals.templatetags.referrals_tags.unread_count", broken)
    browser = Client(raise_request_exception=False)
    login(caseworker, browser)
    r = browser.get("/")
    assert r.status_code == 500
    assert "Something went wrong on our side" in r.content.decode()
