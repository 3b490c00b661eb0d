"""API lists return at most 100 records a request; the register is copied by its export."""

import csv
import io

import pytest

from apps.core.models import AuditEntry


@pytest.mark.parametrize("limit", ["101", "20000"])
def test_a_page_larger_than_100_is_refused(client, login, caseworker, make_person, limit):
    make_person(caseworker)
    login(caseworker)
    r = client.get("/api/v1/people/", {"limit": limit})
    assert r.status_code == 400
    assert "At most 100" in r.json()["limit"][0]


@pytest.mark.parametrize(
    "param,value", [("limit", "abc"), ("limit", "9" * 30), ("offset", "9" * 30), ("offset", "-1")]
)
def test_non_numeric_or_huge_limit_and_offset_answer_400(client, login, caseworker, param, value):
    login(caseworker)
    r = client.get("/api/v1/cases/", {param: value})
    assert r.status_code == 400 and param in r.json()


def test_a_page_of_100_is_served(client, login, caseworker, make_person):
    make_person(caseworker)
    login(caseworker)
    r = client.get("/api/v1/people/", {"limit": "100"})
    assert r.status_code == 200 and len(r.json()["results"]) == 1


def test_admin_exports_the_register_as_one_audited_action(
    client, login, org, make_member, caseworker, make_person
):
    make_person(caseworker, phones=["+996 555 000111"])
    make_person(caseworker, given_name='=HYPERLINK("http://x")')
    admin = make_member(org, "org_admin")
    login(admin)
    r = client.get("/people/export.csv")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert {row["given_name"] for row in rows} == {"Айгүл", '\'=HYPERLINK("http://x")'}
    entry = AuditEntry.objects.filter(action="export", target_type="person").get()
    assert entry.detail == {"register": "csv", "count": 2}
    assert client.get("/people/export.xlsx").status_code == 200


def test_only_an_admin_exports_the_register(client, login, caseworker):
    login(caseworker)
    assert client.get("/people/export.csv").status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()
