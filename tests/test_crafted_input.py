"""Crafted numbers and deeply nested JSON never make a request answer 500.

The rule: an id in a URL that no record can have (beyond the 64-bit range, negative,
twenty digits) answers 404, like any id one may not see; a number in a query parameter
(`page`, numeric filters) that no database column can hold answers 400 with a message;
JSON nested deeper than the limit answers 400.
"""

import io
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.urls.resolvers import RoutePattern

HUGE = "99999999999999999999"


def _int_routes(resolver=None, prefix=""):
    """Every URL pattern with an <int:...> converter or a DRF detail id, as a URL
    with every id replaced by `{id}`."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern):
            route = str(pattern)
            has_int = any(isinstance(c, IntConverter) for c in pattern.converters.values())
            part = re.sub(
                r"<(?:(\w+):)?(\w+)>",
                lambda m: "{id}" if m.group(1) == "int" else m.group(0),
                route,
            )
        else:  # a regex: DRF router routes
            regex = pattern.regex.pattern
            if "(?P<format>" in regex:
                continue  # the same view as the route without a format suffix
            has_int = "(?P<pk>" in regex
            part = (
                regex.lstrip("^")
                .rstrip("$")
                .replace("(?P<pk>[^/.]+)", "{id}")
                .replace("\\.(?P<format>[a-z0-9]+)/?", "")
                .replace("/?", "/")
                .replace("\\", "")
            )
        if isinstance(entry, URLResolver):
            yield from _int_routes(entry, prefix + part)
        elif isinstance(entry, URLPattern) and (has_int or "{id}" in prefix):
            url = prefix + part
            if "<" in url or "(" in url:
                # Other converters (str, format suffixes): give them a plain value.
                url = re.sub(r"<(?:\w+:)?\w+>", "x", url)
                url = re.sub(r"\(\?P<\w+>[^)]*\)", "x", url)
            if "{id}" in url:
                yield "/" + url


def test_walker_finds_the_id_routes():
    urls = set(_int_routes())
    assert "/people/{id}/" in urls
    assert "/api/v1/people/{id}/" in urls
    assert len(urls) > 40


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("number", [HUGE, "-1", "18446744073709551616", "9223372036854775808"])
def test_no_id_route_answers_500_on_a_crafted_number(client, org, make_member, login, number):
    admin = make_member(org, "org_admin")
    login(admin)
    client.raise_request_exception = False
    failures = []
    for url in sorted(set(_int_routes())):
        target = url.replace("{id}", number)
        for method in (client.get, client.post):
            response = method(target)
            if response.status_code >= 500:
                failures.append(f"{method.__name__.upper()} {target}: {response.status_code}")
    assert failures == []


def _plain_routes(resolver=None, prefix=""):
    """Every URL without a parameter in its path: the lists, searches and forms."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern):
            part = str(pattern)
        else:
            part = pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\", "")
        if "<" in part or "(" in part:
            continue
        if isinstance(entry, URLResolver):
            yield from _plain_routes(entry, prefix + part)
        else:
            yield "/" + prefix + part


# Every query parameter a page or API reads (grep request.GET / query_params), and the
# pagination ones (`limit` and `offset` of the API are checked by apps/api/pagination.py).
PARAMETERS = (
    "page assigned box case case_type child country organization person region service "
    "status tab to from topic year month referral call link_call target_id"
).split()


@pytest.mark.django_db(transaction=True)
def test_no_page_answers_500_on_a_huge_number_in_a_query_parameter(client, org, make_member, login):
    login(make_member(org, "org_admin"))
    client.raise_request_exception = False
    failures = []
    for url in sorted(set(_plain_routes())):
        for name in PARAMETERS:
            response = client.get(url, {name: HUGE})
            if response.status_code >= 500:
                failures.append(f"{url}?{name}=: {response.status_code}")
    assert failures == []


def test_huge_page_number_answers_400_naming_it(client, org, make_member, login):
    login(make_member(org, "case_worker"))
    response = client.get("/cases/", {"page": HUGE})
    assert response.status_code == 400
    assert "“page” is too large" in response.content.decode()


def test_huge_case_filter_of_the_api_answers_400_naming_it(client, org, make_member, login):
    login(make_member(org, "case_worker"))
    response = client.get("/api/v1/needs-assessments/", {"case": HUGE})
    assert response.status_code == 400
    assert "case" in response.json()


def test_huge_id_in_url_answers_404(client, org, make_member, login):
    login(make_member(org, "case_worker"))
    assert client.get(f"/people/{HUGE}/").status_code == 404
    assert client.get(f"/api/v1/people/{HUGE}/").status_code == 404


def test_a_search_for_a_long_number_is_still_a_search(client, org, make_member, login):
    login(make_member(org, "case_worker"))
    assert client.get("/people/", {"q": HUGE}).status_code == 200


def test_a_huge_number_in_a_form_is_refused_by_the_form():
    from django import forms

    class AgeForm(forms.Form):
        years = forms.IntegerField()

    form = AgeForm({"years": HUGE})
    assert not form.is_valid()
    assert form.errors["years"] == ["The number is too large."]


# --------------------------------------------------------------------------- deep JSON

DEEP = "[" * 100_000 + "]" * 100_000


def test_deeply_nested_json_to_the_api_answers_400(client, org, make_member, login):
    login(make_member(org, "case_worker"))
    response = client.post("/api/v1/people/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "nested more than" in response.json()["detail"]


def test_moderately_deep_json_beyond_the_limit_answers_400(client, org, make_member, login):
    login(make_member(org, "case_worker"))
    body = '{"family_name": ' + "[" * 40 + "]" * 40 + "}"
    response = client.post("/api/v1/people/", body, content_type="application/json")
    assert response.status_code == 400


def test_deeply_nested_json_in_the_htcds_import_is_refused_with_a_message(
    client, org, make_member, login
):
    login(make_member(org, "org_admin"))
    upload = io.BytesIO(DEEP.encode())
    upload.name = "cases.json"
    response = client.post("/exchange/import/", {"file": upload})
    assert response.status_code == 400
    assert "nested more than" in response.content.decode()


def test_normal_json_still_reaches_the_api(client, org, make_member, login):
    login(make_member(org, "case_worker"))
    response = client.post(
        "/api/v1/people/",
        {"family_name": "Асанова", "given_name": "Бермет"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
