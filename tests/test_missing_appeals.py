"""Relatives' appeals about people missing abroad: intake by a monitor, matching with the
organisation's people and cases for a human to confirm, follow-up and closure, scoping,
statistics, and nothing identifying in a database dump."""

import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection

from apps.missing import services
from apps.missing.models import AppealMatch, MissingPersonAppeal

SON = {"given_name": "Азамат", "family_name": "Осмонов", "birth_year": 1999, "sex": "M"}
FACTS = {
    "reporter_name": "Гүлмира Осмонова",
    "reporter_relation": "mother",
    "reporter_contact": "+996 555 404 404",
    "destination_country": "RU",
    "employer": "Stroy-Trans, Yekaterinburg",
    "last_contact_on": date(2026, 9, 1),
    "last_contact_channel": "messenger",
    "last_contact_number": "+7 912 000 1122",
    "circumstances": "Went to build houses near Yekaterinburg; phone silent since September",
    "documents_held_by": "employer",
}


@pytest.fixture
def monitor(org, make_member):
    return make_member(org, "monitor")


@pytest.fixture
def son_case(caseworker, make_person, make_case):
    """The son is already a client: a trafficking case for forced labour in Russia."""
    person = make_person(caseworker, **{k: v for k, v in SON.items() if k != "sex"},
                         phones=["+7 912 000 1122"])  # fmt: skip
    return make_case(caseworker, person, exploitation=["forced_labour"],
                     countries_of_exploitation=["RU"])  # fmt: skip


def test_a_mothers_appeal_about_her_son_in_russia_matches_his_case(
    client, login, monitor, caseworker, son_case
):
    login(monitor)
    r = client.post(
        "/missing/new/",
        {
            **FACTS,
            "last_contact_on": "2026-09-01",
            "received_on": date.today().isoformat(),
            "given_name": "Азамат",
            "family_name": "Осмонов",
            "sex": "M",
            "birth_year": "1999",
            "phone": "",
        },
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    appeal = MissingPersonAppeal.objects.get()
    assert appeal.person.organization_id == monitor.organization_id
    match = AppealMatch.objects.get(appeal=appeal)
    assert match.person_id == son_case.person_id and match.decision == "pending"

    assert f"/missing/{appeal.pk}/" in client.get("/missing/").content.decode()
    # The monitor sees the appeal and its person, and only that a match waits.
    page = client.get(f"/missing/{appeal.pk}/").content.decode()
    assert "Азамат" in page and "Гүлмира Осмонова" in page
    assert "Possible match in your organisation: ask a case worker" in page
    assert f"/people/{son_case.person_id}/" not in page and f"/cases/{son_case.pk}/" not in page
    assert client.get(f"/api/v1/missing-person-appeals/{appeal.pk}/matches/").status_code == 403
    assert client.post(f"/missing/{appeal.pk}/matches/{match.pk}/",
                       {"decision": "confirm"}).status_code == 403  # fmt: skip

    # The case worker sees who and which case, and confirms: the appeal follows the case.
    login(caseworker)
    page = client.get(f"/missing/{appeal.pk}/").content.decode()
    assert f"/cases/{son_case.pk}/" in page
    r = client.post(f"/missing/{appeal.pk}/matches/{match.pk}/", {"decision": "confirm"})
    assert r.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.case_id, appeal.status) == (son_case.pk, "trafficked")


def test_follow_up_notes_and_closure(monitor):
    appeal = services.create_appeal(membership=monitor, data=dict(FACTS), person=dict(SON))
    services.add_note(membership=monitor, appeal=appeal, status="contact_made",
                      body="Consulate in Yekaterinburg called back")  # fmt: skip
    assert appeal.status == "contact_made"
    services.close_appeal(membership=monitor, appeal=appeal, reason="found_safe")
    with pytest.raises(services.ValidationError):
        services.add_note(membership=monitor, appeal=appeal, status="found", body="again")
    with pytest.raises(services.ValidationError):
        services.close_appeal(membership=monitor, appeal=appeal, reason="nonsense")


def test_bad_input_comes_back_with_everything_typed(client, login, monitor):
    login(monitor)
    r = client.post(
        "/missing/new/",
        {**FACTS, "last_contact_on": (date.today() + timedelta(days=3)).isoformat(),
         "received_on": date.today().isoformat(), "given_name": "Азамат",
         "sex": "M", "documents_held_by": "employer"},
    )  # fmt: skip
    assert r.status_code == 400
    page = r.content.decode()
    assert "The date cannot be in the future." in page
    assert "Stroy-Trans, Yekaterinburg" in page and "Азамат" in page
    assert not MissingPersonAppeal.objects.exists()


def test_other_organisation_404_and_weaker_role_403(
    client, login, org, other_org, make_member, monitor
):
    appeal = services.create_appeal(membership=monitor, data=dict(FACTS), person=dict(SON))
    urls = [f"/missing/{appeal.pk}/", f"/missing/{appeal.pk}/edit/",
            f"/api/v1/missing-person-appeals/{appeal.pk}/"]  # fmt: skip
    login(make_member(other_org, "monitor"))
    for url in urls:
        r = client.get(url)
        assert r.status_code == 404, url
        assert "Азамат" not in r.content.decode()
    assert client.get("/api/v1/missing-person-appeals/").json()["results"] == []
    login(make_member(org, "lawyer"))  # no handle_missing_appeals
    for url in [*urls, "/missing/", "/api/v1/missing-person-appeals/"]:
        r = client.get(url)
        assert r.status_code == 403, url
        assert "Азамат" not in r.content.decode()


def test_api_takes_an_appeal_and_a_case_worker_confirms_the_match(
    client, login, org, make_member, caseworker, son_case
):
    operator = make_member(org, "operator")
    login(operator)
    body = {**FACTS, "last_contact_on": "2026-09-01", "missing_person": SON}
    r = client.post("/api/v1/missing-person-appeals/", body, content_type="application/json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["missing_person"]["given_name"] == "Азамат" and data["pending_matches"] == 1
    matches = client.get(f"/api/v1/missing-person-appeals/{data['id']}/matches/").json()
    assert [(m["person"]["id"], m["cases"]) for m in matches] == [
        (son_case.person_id, [son_case.pk])
    ]
    r = client.post(
        f"/api/v1/missing-person-appeals/{data['id']}/matches/{matches[0]['id']}/decide/",
        {"confirmed": True},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["case"] == son_case.pk
    r = client.post(f"/api/v1/missing-person-appeals/{data['id']}/notes/",
                    {"status": "found", "body": "Back in Bishkek"},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 201
    r = client.patch(f"/api/v1/missing-person-appeals/{data['id']}/",
                     {"police_contact": "Sverdlovsk district police", "version": 1},
                     content_type="application/json")  # fmt: skip
    assert r.status_code == 200, r.content
    stale = client.patch(f"/api/v1/missing-person-appeals/{data['id']}/",
                         {"police_contact": "x", "version": 1},
                         content_type="application/json")  # fmt: skip
    assert stale.status_code == 409
    bad = client.post("/api/v1/missing-person-appeals/",
                      {**body, "reporter_relation": "pet"}, content_type="application/json")  # fmt: skip
    assert bad.status_code == 400


def test_statistics_count_appeals_by_outcome(org, other_org, make_member, monitor):
    from apps.missing.statistics_tables import count_appeals_by_outcome
    from apps.statistics.report import ReportScope

    a = services.create_appeal(membership=monitor, data=dict(FACTS), person=dict(SON))
    services.add_note(membership=monitor, appeal=a, status="deceased", body="Confirmed")
    services.close_appeal(membership=monitor, appeal=a, reason="deceased")
    services.create_appeal(membership=monitor, data=dict(FACTS), person=dict(SON))
    services.create_appeal(membership=make_member(other_org, "monitor"), data=dict(FACTS),
                           person=dict(SON))  # fmt: skip
    today = date.today()
    scope = ReportScope(date(today.year, 1, 1), today, (org.pk,), disclosure_control=False)
    cells = count_appeals_by_outcome(scope).cells
    assert dict(cells) == {("deceased", "closed"): 1, ("information_sought", "open"): 1}
    assert sum(cells.values()) == MissingPersonAppeal.objects.filter(organization=org).count()


SECRETS = {
    "reporter": "Гүлмира Осмонова",
    "reporter's phone": "555 404 404",
    "circumstances": "phone silent since September",
    "last contact number": "912 000 1122",
    "missing person's family name": "Осмонов",
    "employer": "Stroy-Trans",
    "ad text": "Fictitious warehouse offer in Kazan",
    "ad phone": "700 111 222",
    "ad payment": "4169 5853",
    "complaint": "Took eight hundred dollars",
    "link note": "Recruited by the cousin",
}


@pytest.mark.django_db(transaction=True)
def test_database_dump_holds_no_plaintext_of_appeals_ads_and_complaints(
    org, make_member, make_person, make_case
):
    from apps.monitoring.services import (
        add_agency_report,
        link_agency_to_case,
        save_agency,
        save_job_ad,
    )

    monitor = make_member(org, "monitor")
    operator = make_member(org, "operator")
    appeal = services.create_appeal(membership=monitor, data=dict(FACTS), person=dict(SON))
    agency = save_agency(membership=monitor, data={"name": "Dump Test Agency"})
    save_job_ad(membership=monitor, data={
        "source_type": "website", "captured_on": date(2026, 11, 1),
        "text": SECRETS["ad text"], "phones": ["+996 700 111 222"],
        "payment_details": ["4169 5853 0000 1111"], "agency": agency,
    })  # fmt: skip
    add_agency_report(membership=monitor, agency=agency, kind="complaint",
                      body=SECRETS["complaint"])  # fmt: skip
    link_agency_to_case(membership=operator, agency=agency,
                        case=make_case(operator, make_person(operator)),
                        note=SECRETS["link note"])  # fmt: skip
    appeal.refresh_from_db()
    assert appeal.reporter_name == SECRETS["reporter"]
    if connection.vendor == "sqlite":
        connection.close()
        db = Path(connection.settings_dict["NAME"])
        dump = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    else:
        if not shutil.which("pg_dump"):
            pytest.skip("pg_dump not installed")
        s = connection.settings_dict
        dump = subprocess.run(
            ["pg_dump", "-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432),
             "-U", s["USER"] or "postgres", s["NAME"]],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
    assert len(dump) > 10_000
    for what, value in SECRETS.items():
        for encoding in ("utf-8", "utf-16-le"):
            assert value.encode(encoding) not in dump, f"{what} found in plaintext"


def test_demo_data_has_a_revoked_agency_a_high_risk_ad_and_a_matched_appeal(
    org, make_member, monitor
):
    import random

    from apps.missing import demo_data as missing_demo
    from apps.monitoring import demo_data as monitoring_demo
    from apps.monitoring.models import JobAd, RecruitmentAgency

    members = {
        "admin@demo.example": make_member(org, "org_admin"),
        "monitor@demo.example": monitor,
    }
    rng = random.Random(1)
    monitoring_demo.seed(members=members, organizations={org.slug: org}, rng=rng)
    missing_demo.seed(members=members, organizations={org.slug: org}, rng=rng)
    agency = RecruitmentAgency.objects.get(name=monitoring_demo.REVOKED_AGENCY)
    assert agency.licence_status == "revoked"
    assert JobAd.objects.filter(agency=agency, risk_band="high").exists()
    appeal = MissingPersonAppeal.objects.get()
    (match,) = appeal.matches.all()
    assert match.person.cases.filter(case_type="trafficking").exists()


def test_api_links_a_found_person_to_a_trafficking_case(
    client, login, org, make_member, monitor, caseworker, son_case
):
    appeal = services.create_appeal(membership=monitor, data=dict(FACTS), person=dict(SON))
    url = f"/api/v1/missing-person-appeals/{appeal.pk}/case/"
    login(monitor)
    assert (
        client.post(url, {"case": son_case.pk}, content_type="application/json").status_code == 403
    )
    login(caseworker)
    r = client.post(url, {"case": son_case.pk + 999}, content_type="application/json")
    assert r.status_code == 400
    r = client.post(url, {"case": son_case.pk}, content_type="application/json")
    assert r.status_code == 200 and r.json()["case"] == son_case.pk


def test_screens_link_a_found_person_to_a_case(client, login, monitor, caseworker, son_case):
    appeal = services.create_appeal(membership=monitor, data=dict(FACTS), person=dict(SON))
    login(monitor)
    assert client.post(f"/missing/{appeal.pk}/case/", {"case": son_case.pk}).status_code == 403
    login(caseworker)
    r = client.post(f"/missing/{appeal.pk}/case/", {"case": son_case.pk + 999})
    assert r.status_code == 400 and "No such case in your organisation." in r.content.decode()
    assert client.post(f"/missing/{appeal.pk}/case/", {"case": son_case.pk}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.case_id == son_case.pk
