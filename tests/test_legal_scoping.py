"""Who sees legal work: the lawyer of the case, the organisation admin; another
organisation gets 404, a role without legal work 403; a case worker sees on the case
page only that a proceeding exists and its next hearing, never notes or advice."""

# The shared fixtures of tests/legal_fixtures.py are imported by name, then used as
# arguments, which ruff takes for redefinitions.
# ruff: noqa: F811

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.legal import services
from tests.legal_fixtures import (  # noqa: F401
    days_ago,
    lawyer,
    legal_admin,
    legal_reference,
    proceeding,
    torture_case,
)

pytestmark = pytest.mark.django_db

SECRET_ADVICE = "Advised to file under article 159 part 2, the officer Жумабаев"


@pytest.fixture
def filled(lawyer, proceeding):
    services.record_consultation(
        membership=lawyer,
        data={"given_on": days_ago(1), "channel": "phone", "legal_area": "torture",
              "question": "What can I do?", "advice": SECRET_ADVICE, "outcome": "advice"},
    )  # fmt: skip
    services.schedule_hearing(
        membership=lawyer,
        proceeding=proceeding,
        data={"starts_at": timezone.now() + timedelta(days=9), "court": "Ош шаардык соту",
              "attendees": SECRET_ADVICE, "result": ""},
    )  # fmt: skip
    services.add_timeline_entry(
        membership=lawyer, proceeding=proceeding, happened_on=days_ago(1), text=SECRET_ADVICE
    )
    return proceeding


PAGES = [
    "/legal/",
    "/legal/consultations/",
    "/legal/deadlines/",
    "/legal/calendar/",
    "/legal/proceedings/{pk}/",
]
API = [
    "/api/v1/consultations/",
    "/api/v1/proceedings/",
    "/api/v1/proceedings/{pk}/",
    "/api/v1/hearings/",
    "/api/v1/deadlines/",
]


@pytest.mark.parametrize("url", PAGES + API)
def test_case_worker_without_legal_work_gets_403(filled, caseworker, login, url):
    response = login(caseworker).get(url.format(pk=filled.pk))
    assert response.status_code == 403
    assert SECRET_ADVICE not in response.content.decode()


def test_other_organisation_gets_404_and_sees_nothing(filled, other_org, make_member, login):
    outsider = make_member(other_org, "lawyer")
    c = login(outsider)
    assert c.get(f"/legal/proceedings/{filled.pk}/").status_code == 404
    assert c.get(f"/api/v1/proceedings/{filled.pk}/").status_code == 404
    for url in ("/legal/", "/legal/consultations/", "/api/v1/hearings/", "/api/v1/proceedings/"):
        response = c.get(url)
        assert response.status_code == 200
        assert SECRET_ADVICE not in response.content.decode()
        assert filled.reference not in response.content.decode()
    assert c.post(f"/legal/proceedings/{filled.pk}/timeline/", {}).status_code == 404


def test_lawyer_not_on_the_case_gets_404_but_the_admin_sees_it(filled, org, make_member, login,
                                                               legal_admin):  # fmt: skip
    colleague = make_member(org, "lawyer", email="other.lawyer@test.example")
    assert login(colleague).get(f"/legal/proceedings/{filled.pk}/").status_code == 404
    response = login(legal_admin).get(f"/legal/proceedings/{filled.pk}/")
    assert response.status_code == 200
    assert SECRET_ADVICE in response.content.decode()


def test_case_worker_sees_that_a_proceeding_exists_and_its_next_hearing_only(
    filled, caseworker, login
):
    response = login(caseworker).get(f"/cases/{filled.case_id}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert filled.reference in body
    assert "Ош шаардык соту" in body
    assert SECRET_ADVICE not in body
    assert f"/legal/proceedings/{filled.pk}/" not in body


def test_every_look_is_audited(filled, lawyer, login):
    c = login(lawyer)
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    c.get(f"/legal/proceedings/{filled.pk}/")
    c.get("/api/v1/hearings/")
    c.get("/legal/consultations/")
    views = list(AuditEntry.objects.filter(id__gt=last))
    kinds = {(e.action, e.target_type) for e in views}
    assert ("view", "proceeding") in kinds
    assert ("view", "hearing") in kinds
    assert ("view", "consultation") in kinds
    for e in views:
        assert SECRET_ADVICE not in str(e.detail)


def test_api_creates_through_the_same_rules(lawyer, torture_case, login):
    c = login(lawyer)
    r = c.post(
        "/api/v1/proceedings/",
        {"case": torture_case.pk, "kind": "criminal", "client_role": "victim",
         "opened_on": "2025-01-10"},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = c.post(
        f"/api/v1/proceedings/{pk}/defendants/",
        {"name": "Токтогулов", "public_official": True},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    defendant = r.json()["id"]
    r = c.post(
        f"/api/v1/proceedings/{pk}/charges/",
        {"defendant": defendant, "edition": "2021", "article": "999"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "There is no article 999" in r.content.decode()
    r = c.post(
        f"/api/v1/proceedings/{pk}/charges/",
        {"defendant": defendant, "edition": "2021", "article": "166", "part": "2"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    r = c.post(
        "/api/v1/hearings/",
        {"proceeding": pk, "starts_at": "2020-01-01T10:00:00Z", "court": "Court"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "planned hearing" in r.content.decode()
    r = c.get(f"/api/v1/proceedings/{pk}/")
    charges = r.json()["defendants"][0]["charges"]
    assert charges[0]["article"] == "166" and charges[0]["edition"] == "2021"


def test_api_schema_documents_the_legal_endpoints(lawyer, login):
    r = login(lawyer).get("/api/schema/")
    assert r.status_code == 200
    body = r.content.decode()
    for path in ("/api/v1/consultations/", "/api/v1/proceedings/", "/api/v1/hearings/",
                 "/api/v1/deadlines/", "/api/v1/proceedings/{id}/charges/"):  # fmt: skip
        assert path in body


def test_api_records_a_decision_and_a_hearing_result(lawyer, proceeding, login):
    c = login(lawyer)
    r = c.post(
        f"/api/v1/proceedings/{proceeding.pk}/stages/",
        {"stage_type": "opening_decision", "started_on": days_ago(20).isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    stage = r.json()["id"]
    r = c.post(
        f"/api/v1/proceedings/{proceeding.pk}/stages/{stage}/decision/",
        {"decision": "refused", "decided_on": days_ago(10).isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["decision"] == "refused"
    r = c.get(f"/api/v1/deadlines/?proceeding={proceeding.pk}")
    assert [d["rule"] for d in r.json()["results"]] == ["refusal_complaint"]
    hearing = c.post(
        "/api/v1/hearings/",
        {"proceeding": proceeding.pk, "starts_at": (timezone.now() - timedelta(hours=2)).isoformat(),
         "court": "Court", "status": "held"},
        content_type="application/json",
    ).json()["id"]  # fmt: skip
    r = c.patch(
        f"/api/v1/hearings/{hearing}/",
        {"status": "held", "result": "Postponed for the expert", "next_on": days_ago(-9).isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 200 and r.json()["next_on"] == days_ago(-9).isoformat()
    other = c.post(
        f"/api/v1/proceedings/{proceeding.pk}/stages/999999/decision/",
        {"decision": "refused", "decided_on": days_ago(10).isoformat()},
        content_type="application/json",
    )
    assert other.status_code == 404
