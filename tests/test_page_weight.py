"""What a phone downloads: static files as collectstatic leaves them for `make run` and
production (hashed names, gzip and brotli copies, cached for good) and compressed HTML.
The sign-in page, the first thing a new user loads, and the main page of each kind of
work cost under 60 KB on the wire, the CSS and JS they load included (issue 17)."""

import gzip
import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from tests import conftest

pytestmark = pytest.mark.django_db

FIRST_PAGE_BUDGET = 60 * 1024
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')
HASHED = re.compile(r"\.[0-9a-f]{12}\.(css|js)$")


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """collectstatic once, into a fresh folder, with the storage koldoo/settings.py
    configures (the tests otherwise use plain names, tests/conftest.py)."""
    from django.conf import settings

    storages = {**settings.STORAGES, "staticfiles": conftest.PRODUCT_STATIC_STORAGE}
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


@pytest.fixture
def collected(collected_static):
    """A new client, so that WhiteNoise indexes what was collected."""
    return Client()


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def assets_of(html):
    return ASSET.findall(html)


def first_load_sizes(client, path):
    """Bytes on the wire for a first visit: the gzipped page and every CSS and JS it loads."""
    page = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert page.status_code == 200, path
    assert page["Content-Encoding"] == "gzip", path
    html = gzip.decompress(page.content).decode()
    assets = assets_of(html)
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)

    sizes = {path: len(page.content)}
    for url in assets:
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, url
        assert response["Content-Encoding"] == "gzip", url
        sizes[url] = len(body(response))
    total = sum(sizes.values())
    print("\n".join(f"{size:>7} {url}" for url, size in sizes.items()), f"\n{total:>7} total")
    return sizes


def test_sign_in_page_with_its_css_and_js_costs_under_60_kb_gzipped(collected):
    sizes = first_load_sizes(collected, "/accounts/login/")
    assert sum(sizes.values()) < FIRST_PAGE_BUDGET, sizes


@pytest.mark.parametrize(
    "path, role",
    [
        ("/", "case_worker"),
        ("/hotline/new/", "operator"),
        ("/legal/", "lawyer"),
        ("/violations/", "monitor"),
        ("/prevention/", "me_officer"),
    ],
)
def test_main_pages_with_their_css_and_js_cost_under_60_kb_gzipped(
    collected, login, org, make_member, path, role
):
    client = login(make_member(org, role), collected)
    sizes = first_load_sizes(client, path)
    assert sum(sizes.values()) < FIRST_PAGE_BUDGET, sizes


def test_css_and_js_have_hashed_names_and_are_cached_for_good(collected):
    html = collected.get("/accounts/login/").content.decode()
    assets = assets_of(html)
    assert assets
    for url in assets:
        assert HASHED.search(url), (
            f"{url} has no content hash: a new release would not reach phones"
        )
        response = collected.get(url)
        assert response.status_code == 200, url
        assert "immutable" in response["Cache-Control"], url
        max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
        assert max_age >= 365 * 24 * 3600, url


def test_browsers_that_accept_brotli_get_brotli(collected):
    html = collected.get("/accounts/login/").content.decode()
    css = next(a for a in assets_of(html) if a.endswith(".css"))
    response = collected.get(css, HTTP_ACCEPT_ENCODING="br, gzip")
    assert response["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response["Vary"]


def test_signed_in_pages_are_gzipped(caseworker, login):
    client = login(caseworker)
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert caseworker.organization.name in gzip.decompress(response.content).decode()


def test_pages_are_plain_for_clients_that_do_not_ask_for_compression(client):
    response = client.get("/accounts/login/")
    assert "Content-Encoding" not in response
    assert b"<form" in response.content


def test_intake_forms_carry_the_offline_draft_banner_keyed_to_their_user(
    login, org, make_member, make_person, make_case
):
    """koldoo.js keeps a draft only for forms marked so, with the banner inside: its
    messages come translated from the template and its owner keys the draft."""
    lawyer = make_member(org, "lawyer")
    case = make_case(lawyer, make_person(lawyer))
    client = login(lawyer)
    owner = f'data-draft-owner="{lawyer.user_id}.{lawyer.pk}"'
    for path in ("/people/new/", f"/cases/{case.pk}/", "/legal/consultations/"):
        html = client.get(path).content.decode()
        assert "data-keep-draft" in html and owner in html, path
        assert "Not sent: no connection. Your entry is kept in this tab" in html, path
    operator = login(make_member(org, "operator"))
    assert "data-keep-draft" in operator.get("/hotline/new/").content.decode()
