"""The per-lawyer calendar and its iCalendar feed behind a private, revocable address:
only the token's hash is stored, hearings are named by references unless the
organisation allows client names, a revoked address answers 404."""

# The shared fixtures of tests/legal_fixtures.py are imported by name, then used as
# arguments, which ruff takes for redefinitions.
# ruff: noqa: F811

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from apps.core.models import AuditEntry
from apps.legal import services
from apps.legal.models import CalendarFeed
from tests.legal_fixtures import (  # noqa: F401
    lawyer,
    legal_admin,
    legal_reference,
    proceeding,
    torture_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hearings(lawyer, proceeding):
    return [
        services.schedule_hearing(
            membership=lawyer,
            proceeding=proceeding,
            data={
                "starts_at": timezone.now() + timedelta(days=d),
                "court": "Бишкек шаардык соту",
                "courtroom": "12",
                "attendees": "Secret attendee Асанов",
            },
        )  # fmt: skip
        for d in (5, 40)
    ]


def _events(body: bytes):
    return [c for c in Calendar.from_ical(body).walk() if c.name == "VEVENT"]


def test_feed_lists_the_lawyers_hearings_without_client_names(
    hearings, lawyer, proceeding, client, login
):
    token = services.issue_calendar_feed(membership=lawyer)
    feed = CalendarFeed.objects.get(membership=lawyer)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.token_hash
    client.logout()
    response = client.get(f"/legal/feed/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = _events(response.content)
    assert len(events) == 2
    assert all(proceeding.reference in str(e["summary"]) for e in events)
    body = response.content.decode()
    assert "Сыдыков" not in body and "Бакыт" not in body
    assert "Secret attendee" not in body
    assert "Бишкек шаардык соту" in body
    assert AuditEntry.objects.filter(action="export", target_type="hearing").exists()


def test_client_names_only_when_the_organisation_allows(hearings, lawyer, legal_admin, client):
    services.save_legal_settings(membership=legal_admin, feed_shows_client_names=True)
    token = services.issue_calendar_feed(membership=lawyer)
    body = client.get(f"/legal/feed/{token}.ics").content.decode()
    assert "Сыдыков" in body


def test_revoked_or_replaced_address_stops_working(hearings, lawyer, client, login):
    old = services.issue_calendar_feed(membership=lawyer)
    new = services.issue_calendar_feed(membership=lawyer)
    assert client.get(f"/legal/feed/{old}.ics").status_code == 404
    assert client.get(f"/legal/feed/{new}.ics").status_code == 200
    login(lawyer).post("/legal/calendar/feed/revoke/")
    assert client.get(f"/legal/feed/{new}.ics").status_code == 404
    assert client.get("/legal/feed/made-up-token.ics").status_code == 404


def test_calendar_page_shows_the_new_address_once(hearings, lawyer, login):
    c = login(lawyer)
    c.post("/legal/calendar/feed/new/")
    first = c.get("/legal/calendar/").content.decode()
    assert "/legal/feed/" in first
    assert "Бишкек шаардык соту" in first
    assert "/legal/feed/" not in c.get("/legal/calendar/").content.decode()


def test_feed_stops_when_the_member_loses_legal_work(hearings, lawyer, client):
    token = services.issue_calendar_feed(membership=lawyer)
    lawyer.role = "case_worker"
    lawyer.save()
    assert client.get(f"/legal/feed/{token}.ics").status_code == 404
