"""The key that seals offline drafts in the browser (decision 0032) lives in the server
session of one sign-in: it reaches the browser only in pages for the signed-in user, never
in a page for a visitor or in a static file, and every sign-in gets a new one."""

import base64
import re

import pytest
from django.test import Client

from apps.accounts.draft_key import SESSION_FIELD, unmasked
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

META = re.compile(r'<meta name="koldoo-draft-key" content="([^"]*)">')


def carried(client, path="/"):
    """What the page's key element holds (the key under a pad, or empty)."""
    response = client.get(path)
    assert response.status_code == 200, path
    found = META.findall(response.content.decode())
    assert len(found) == 1, path
    return found[0]


def key_in_page(client, path="/"):
    value = carried(client, path)
    return value and unmasked(value)


def sign_in(client, membership):
    response = client.post(
        "/accounts/login/", {"login": membership.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content[:300]


def test_the_key_is_kept_in_the_session_and_given_in_signed_in_pages(caseworker):
    client = Client()
    sign_in(client, caseworker)
    key = key_in_page(client)
    assert client.session[SESSION_FIELD] == key
    assert len(base64.b64decode(key)) == 32  # AES-256
    # The same key on every page of this sign-in, and pages carrying it are never cached.
    assert key_in_page(client, "/people/new/") == key
    assert "no-store" in client.get("/people/new/")["Cache-Control"]


def test_the_key_looks_different_in_every_page(caseworker, login):
    """Compressed pages must not reveal it by their size (BREACH), as for the CSRF token."""
    client = login(caseworker)
    first, second = carried(client), carried(client)
    assert first != second
    assert unmasked(first) == unmasked(second) == client.session[SESSION_FIELD]
    assert client.session[SESSION_FIELD] not in first


def test_every_sign_in_gets_a_new_key(caseworker):
    client = Client()
    sign_in(client, caseworker)
    first = key_in_page(client)

    client.post("/accounts/logout/")
    assert SESSION_FIELD not in client.session  # signing out takes the key away
    sign_in(client, caseworker)
    second = key_in_page(client)
    assert second and second != first
    assert client.session[SESSION_FIELD] == second


def test_two_sessions_of_one_user_have_different_keys(caseworker, login):
    office, phone = login(caseworker, Client()), login(caseworker, Client())
    assert key_in_page(office) != key_in_page(phone)


def test_another_user_on_the_same_browser_gets_another_key(org, make_member, login):
    client = Client()
    first = key_in_page(login(make_member(org, "operator"), client))
    second = key_in_page(login(make_member(org, "lawyer"), client))
    assert first != second


def test_a_page_for_a_visitor_carries_no_key(client, caseworker):
    assert carried(client, "/accounts/login/") == ""
    assert carried(client, "/check-agency/") == ""
    assert SESSION_FIELD not in client.session
