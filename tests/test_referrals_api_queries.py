"""The received side of /api/v1/referrals/ checks each referral's consent without a query
per row, and still hides what a withdrawn consent no longer allows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.cases.services import withdraw_consent
from apps.referrals.services import accept_referral, create_referral


@pytest.fixture
def shelter(make_org):
    return make_org("shelter-q", type="shelter")


@pytest.fixture
def receiver(shelter, make_member):
    return make_member(shelter, "case_worker")


def _refer(caseworker, make_person, make_case, shelter, receiver, n):
    referrals = []
    for _ in range(n):
        case = make_case(caseworker, make_person(caseworker))
        referral = create_referral(
            membership=caseworker,
            case=case,
            services=["shelter"],
            shared_fields=["given_name", "case_type"],
            to_organization=shelter,
            consent_valid_until=datetime.date(2030, 1, 1),
            confirm_unlisted=True,
        )
        referrals.append(accept_referral(membership=receiver, referral=referral))
    return referrals


def _received(client):
    with CaptureQueriesContext(connection) as queries:
        r = client.get("/api/v1/referrals/?box=received")
    assert r.status_code == 200
    return r.json()["results"], len(queries)


def test_received_list_queries_do_not_grow_with_referrals(
    client, login, caseworker, make_person, make_case, shelter, receiver
):
    _refer(caseworker, make_person, make_case, shelter, receiver, 1)
    login(receiver)
    _received(client)  # warm the per-process caches
    rows, few = _received(client)
    assert len(rows) == 1
    _refer(caseworker, make_person, make_case, shelter, receiver, 5)
    rows, many = _received(client)
    assert len(rows) == 6
    assert many == few
    assert all(r["shared"]["given_name"] == "Айгүл" for r in rows)


def test_withdrawn_consent_still_hides_the_row(
    client, login, caseworker, make_person, make_case, shelter, receiver
):
    first, second = _refer(caseworker, make_person, make_case, shelter, receiver, 2)
    withdraw_consent(membership=caseworker, consent=first.consent)
    login(receiver)
    rows = {r["id"]: r for r in _received(client)[0]}
    assert rows[first.pk]["shared"] == {} and rows[first.pk]["shared_fields"] == []
    assert rows[second.pk]["shared"]["given_name"] == "Айгүл"
