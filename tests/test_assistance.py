"""Needs assessments, service plans, services delivered, economic support limits,
reintegration check-ins and shelter stays."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.assistance import selectors, services
from apps.assistance.models import (
    CheckIn,
    DeliveredService,
    NeedsAssessment,
    PlannedService,
    ShelterStay,
)
from apps.cases.services import change_case_status
from apps.core.models import AuditEntry


@pytest.fixture
def case(caseworker, make_person, make_case):
    return make_case(caseworker, make_person(caseworker), assigned_to=caseworker.user)


@pytest.fixture
def admin(org, make_member):
    return make_member(org, "org_admin")


def _close(membership, case):
    return change_case_status(
        membership=membership,
        case=case,
        status="closed",
        reason="reintegrated",
        expected_version=case.version,
    )


def _audited(action, model_name, pk):
    return AuditEntry.objects.filter(
        action=action, target_type=model_name, target_id=str(pk)
    ).exists()


# Needs --------------------------------------------------------------------------------


def test_needs_per_stage(client, login, caseworker, case):
    login(caseworker)
    url = f"/assistance/case/{case.pk}/needs/abroad/"
    r = client.post(
        url,
        {
            "abroad-assessed_on": "2026-01-10",
            "abroad-need_travel_documents": "needed",
            "abroad-need_transport_home": "met",
            "abroad-note": "Паспорт у работодателя",
        },
    )
    assert r.status_code == 302, r.content
    r = client.post(
        f"/assistance/case/{case.pk}/needs/after_return/",
        {"after_return-assessed_on": "2026-02-01", "after_return-need_employment": "being_met"},
    )
    assert r.status_code == 302
    abroad = NeedsAssessment.objects.get(case=case, stage="abroad")
    assert abroad.needs == {"travel_documents": "needed", "transport_home": "met"}
    assert abroad.note == "Паспорт у работодателя"
    after = NeedsAssessment.objects.get(case=case, stage="after_return")
    assert after.needs == {"employment": "being_met"}
    assert _audited("create", "needsassessment", abroad.pk)
    # Updating keeps one assessment per stage and is audited as a change.
    r = client.post(url, {"abroad-assessed_on": "2026-01-20", "abroad-need_release": "met"})
    assert r.status_code == 302
    abroad.refresh_from_db()
    assert abroad.needs == {"release": "met"}
    assert NeedsAssessment.objects.filter(case=case).count() == 2
    assert _audited("change", "needsassessment", abroad.pk)
    page = client.get(f"/assistance/case/{case.pk}/")
    assert page.status_code == 200
    assert b"2026-01-20" in page.content


def test_a_need_of_the_other_stage_is_refused(caseworker, case):
    with pytest.raises(ValidationError):
        services.save_needs_assessment(
            membership=caseworker, case=case, stage="abroad", needs={"employment": "needed"}
        )


def test_invalid_needs_form_keeps_what_was_typed(client, login, caseworker, case):
    login(caseworker)
    r = client.post(
        f"/assistance/case/{case.pk}/needs/abroad/",
        {"abroad-assessed_on": "not a date", "abroad-note": "Сохранить этот текст"},
    )
    assert r.status_code == 400
    assert "Сохранить этот текст" in r.content.decode()


# Plan ---------------------------------------------------------------------------------


def test_plan_and_planned_service(client, login, caseworker, case, org, make_member):
    colleague = make_member(org, "lawyer")
    login(caseworker)
    r = client.post(f"/assistance/case/{case.pk}/plan/", {"goals": "Трудоустройство"})
    assert r.status_code == 302
    r = client.post(
        f"/assistance/case/{case.pk}/planned/",
        {
            "service_type": "legal",
            "provider_name": "Адилет",
            "planned_from": "2026-03-01",
            "planned_to": "2026-04-01",
            "responsible": colleague.user_id,
            "status": "planned",
        },
    )
    assert r.status_code == 302, r.content
    service = PlannedService.objects.get(plan__case=case)
    assert service.responsible == colleague.user and service.provider == "Адилет"
    assert case.service_plan.goals == "Трудоустройство"
    assert _audited("create", "serviceplan", case.service_plan.pk)
    assert _audited("create", "plannedservice", service.pk)
    r = client.post(
        f"/assistance/case/{case.pk}/planned/{service.pk}/status/", {"status": "in_progress"}
    )
    service.refresh_from_db()
    assert service.status == "in_progress"
    assert _audited("change", "plannedservice", service.pk)


def test_worker_of_another_org_cannot_be_responsible(
    client, login, caseworker, case, other_org, make_member
):
    outsider = make_member(other_org, "case_worker")
    with pytest.raises(ValidationError):
        services.add_planned_service(
            membership=caseworker,
            case=case,
            data={"service_type": "legal", "responsible": outsider.user},
        )
    login(caseworker)
    r = client.post(
        f"/assistance/case/{case.pk}/planned/",
        {"service_type": "legal", "provider_name": "X", "responsible": outsider.user_id},
    )
    assert r.status_code == 400
    r = client.post(
        "/api/v1/planned-services/",
        {"case": case.pk, "service_type": "legal", "responsible": outsider.user_id},
        content_type="application/json",
    )
    assert r.status_code == 400
    assert not PlannedService.objects.exists()


# Services delivered and the economic support limit ------------------------------------


def test_delivered_services_with_totals(client, login, caseworker, case):
    login(caseworker)
    r = client.post(
        f"/assistance/case/{case.pk}/delivered/",
        {
            "service_type": "psychological",
            "delivered_on": "2026-03-02",
            "provider_name": "Психолог",
            "quantity": "4",
            "unit": "сессии",
            "outcome": "Стало лучше",
        },
    )
    assert r.status_code == 302, r.content
    for amount in ("1000", "2500"):
        r = client.post(
            f"/assistance/case/{case.pk}/delivered/",
            {
                "service_type": "economic_support",
                "delivered_on": "2026-03-05",
                "amount": amount,
                "currency": "KGS",
                "duration_days": "30",
            },
        )
        assert r.status_code == 302
    assert DeliveredService.objects.filter(case=case).count() == 3
    d = DeliveredService.objects.get(service_type="psychological")
    assert d.outcome == "Стало лучше" and d.quantity == Decimal("4")
    assert _audited("create", "deliveredservice", d.pk)
    page = client.get(f"/assistance/case/{case.pk}/").content.decode()
    assert "3500.00 KGS" in page


def test_economic_support_needs_an_amount(caseworker, case):
    with pytest.raises(ValidationError):
        services.record_delivered_service(
            membership=caseworker, case=case, data={"service_type": "economic_support"}
        )


def test_limit_warns_and_needs_confirmation_in_the_form(client, login, admin, caseworker, case):
    services.set_economic_limit(membership=admin, currency="KGS", amount=5000, period_days=90)
    assert AuditEntry.objects.filter(target_type="economicsupportlimit").exists()
    today = timezone.localdate()
    services.record_delivered_service(
        membership=caseworker,
        case=case,
        data={
            "service_type": "economic_support",
            "amount": Decimal("4000"),
            "currency": "KGS",
            "delivered_on": today - datetime.timedelta(days=10),
        },
    )
    login(caseworker)
    data = {
        "service_type": "economic_support",
        "delivered_on": today.isoformat(),
        "amount": "1500",
        "currency": "KGS",
        "outcome": "Аренда жилья",
    }
    r = client.post(f"/assistance/case/{case.pk}/delivered/", data)
    assert r.status_code == 400
    page = r.content.decode()
    assert "Аренда жилья" in page and "5000" in page
    assert DeliveredService.objects.count() == 1
    r = client.post(f"/assistance/case/{case.pk}/delivered/", {**data, "confirm_over_limit": "on"})
    assert r.status_code == 302
    saved = DeliveredService.objects.get(amount=Decimal("1500"))
    assert saved.over_limit
    assert AuditEntry.objects.filter(
        target_type="deliveredservice", target_id=str(saved.pk), detail__over_limit=True
    ).exists()
    # Another currency and payments outside the period do not count.
    services.record_delivered_service(
        membership=caseworker,
        case=case,
        data={"service_type": "economic_support", "amount": Decimal("100"), "currency": "USD"},
    )


def test_limit_counts_only_the_period(caseworker, admin, case):
    services.set_economic_limit(membership=admin, currency="KGS", amount=5000, period_days=30)
    today = timezone.localdate()
    services.record_delivered_service(
        membership=caseworker,
        case=case,
        data={
            "service_type": "economic_support",
            "amount": Decimal("4000"),
            "currency": "KGS",
            "delivered_on": today - datetime.timedelta(days=60),
        },
    )
    services.record_delivered_service(
        membership=caseworker,
        case=case,
        data={"service_type": "economic_support", "amount": Decimal("4000"), "currency": "KGS"},
    )
    assert DeliveredService.objects.filter(over_limit=True).count() == 0


def test_limit_needs_confirmation_in_the_api(client, login, admin, caseworker, case):
    services.set_economic_limit(membership=admin, currency="USD", amount=100, period_days=365)
    login(caseworker)
    body = {"case": case.pk, "service_type": "economic_support", "amount": "150", "currency": "USD"}
    r = client.post("/api/v1/delivered-services/", body, content_type="application/json")
    assert r.status_code == 400
    assert "confirm_over_limit" in r.json()
    r = client.post(
        "/api/v1/delivered-services/",
        {**body, "confirm_over_limit": True},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["over_limit"] is True
    listed = client.get("/api/v1/delivered-services/", {"case": case.pk}).json()
    assert listed["count"] == 1 if "count" in listed else len(listed) == 1


# Check-ins ----------------------------------------------------------------------------


def test_check_ins_scheduled_after_closure_and_listed(client, login, caseworker, case):
    login(caseworker)
    r = client.post(f"/assistance/case/{case.pk}/check-ins/schedule/")
    assert r.status_code == 302
    assert not CheckIn.objects.exists()  # the case is still open
    case = _close(caseworker, case)
    r = client.post(f"/assistance/case/{case.pk}/check-ins/schedule/")
    assert r.status_code == 302
    closed = case.closed_on
    dues = list(CheckIn.objects.filter(case=case).values_list("due_on", flat=True))
    assert dues == [services.add_months(closed, n) for n in (1, 3, 6, 12)]
    assert all(c.assigned_to == caseworker.user for c in CheckIn.objects.all())
    assert AuditEntry.objects.filter(action="create", target_type="checkin").count() == 4
    # Scheduling again does not double them.
    client.post(f"/assistance/case/{case.pk}/check-ins/schedule/")
    assert CheckIn.objects.count() == 4
    page = client.get("/assistance/check-ins/").content.decode()
    assert page.count(case.reference) == 4
    assert page.index(dues[0].isoformat()) < page.index(dues[1].isoformat())
    soon = selectors.my_check_ins(caseworker, within_days=14)
    assert list(soon) == []
    first = CheckIn.objects.order_by("due_on").first()
    r = client.post(
        f"/assistance/case/{case.pk}/check-ins/{first.pk}/",
        {"outcome": "doing_well", "done_on": timezone.localdate().isoformat(), "note": "Работает"},
    )
    assert r.status_code == 302
    first.refresh_from_db()
    assert first.outcome == "doing_well" and first.note == "Работает"
    assert _audited("change", "checkin", first.pk)
    assert client.get("/assistance/check-ins/").content.decode().count(case.reference) == 3
    page = client.get(f"/assistance/case/{case.pk}/")
    assert page.status_code == 200 and "Работает" in page.content.decode()


def test_check_ins_due_within_14_days(caseworker, case, other_org, make_member):
    case = _close(caseworker, case)
    today = timezone.localdate()
    case.closed_on = today - datetime.timedelta(days=25)
    case.save(update_fields=["closed_on"])
    services.schedule_check_ins(membership=caseworker, case=case, months=(1, 3))
    soon = list(selectors.my_check_ins(caseworker, within_days=14))
    assert [c.due_on for c in soon] == [services.add_months(case.closed_on, 1)]
    outsider = make_member(other_org, "case_worker")
    assert list(selectors.my_check_ins(outsider)) == []


def test_check_ins_page_marks_those_due_soon(client, login, caseworker, case):
    case = _close(caseworker, case)
    case.closed_on = timezone.localdate() - datetime.timedelta(days=25)
    case.save(update_fields=["closed_on"])
    services.schedule_check_ins(membership=caseworker, case=case, months=(1, 3))
    login(caseworker)
    page = client.get("/assistance/check-ins/").content.decode()
    assert page.count("due within 14 days") == 1


def test_looking_at_the_assistance_page_is_audited(client, login, caseworker, case):
    login(caseworker)
    client.get(f"/assistance/case/{case.pk}/")
    assert _audited("view", "case", case.pk)


def test_case_page_links_to_assistance(client, login, caseworker, case):
    login(caseworker)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/assistance/case/{case.pk}/" in page
    assert "/assistance/check-ins/" in page


def test_pages_render_in_every_language(client, login, caseworker, case):
    login(caseworker)
    for lang in ("ky", "ru", "en"):
        for url in (
            f"/assistance/case/{case.pk}/",
            "/assistance/check-ins/",
            "/assistance/shelter/",
        ):
            r = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
            assert r.status_code == 200, url


def test_add_months_keeps_month_ends():
    assert services.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert services.add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)


# Shelter ------------------------------------------------------------------------------


@pytest.fixture
def shelter_org(make_org):
    return make_org("shelter", type="shelter")


def test_one_open_stay_per_person(client, login, shelter_org, make_member, make_person, make_case):
    # A shelter records its own residents (others' clients come by referral).
    caseworker = make_member(shelter_org, "case_worker")
    case = make_case(caseworker, make_person(caseworker))
    login(caseworker)
    r = client.post(
        f"/assistance/case/{case.pk}/stays/",
        {"shelter": shelter_org.pk, "admitted_on": "2026-01-05", "bed_label": "A1"},
    )
    assert r.status_code == 302, r.content
    stay = ShelterStay.objects.get()
    assert _audited("create", "shelterstay", stay.pk)
    second_case = make_case(caseworker, case.person)
    r = client.post(
        f"/assistance/case/{second_case.pk}/stays/",
        {"shelter": shelter_org.pk, "admitted_on": "2026-01-06", "bed_label": "B7"},
    )
    assert r.status_code == 400
    assert "B7" in r.content.decode()
    assert ShelterStay.objects.count() == 1
    r = client.post(
        f"/assistance/case/{case.pk}/stays/{stay.pk}/discharge/", {"discharged_on": "2026-02-01"}
    )
    assert r.status_code == 302
    stay.refresh_from_db()
    assert stay.discharged_on == datetime.date(2026, 2, 1)
    assert _audited("change", "shelterstay", stay.pk)
    services.admit_to_shelter(membership=caseworker, case=second_case, shelter=shelter_org)
    page = client.get(f"/assistance/case/{case.pk}/")
    assert page.status_code == 200 and "A1" in page.content.decode()
    assert ShelterStay.objects.filter(discharged_on__isnull=True).count() == 1


def test_only_shelters_admit(caseworker, case, org):
    with pytest.raises(ValidationError):
        services.admit_to_shelter(membership=caseworker, case=case, shelter=org)


def test_occupancy_count(client, login, shelter_org, make_member, make_person, make_case):
    worker = make_member(shelter_org, "case_worker")
    admin = make_member(shelter_org, "org_admin")
    services.set_shelter_capacity(membership=admin, beds=10)
    stays = []
    for name in ("Асель", "Бермет", "Гүлнара"):
        c = make_case(worker, make_person(worker, given_name=name))
        stays.append(services.admit_to_shelter(membership=worker, case=c, shelter=shelter_org))
    services.discharge_from_shelter(membership=worker, stay=stays[0])
    login(worker)
    r = client.get("/assistance/shelter/")
    page = r.content.decode()
    assert r.status_code == 200
    assert '<dd id="beds-in-use">2</dd>' in page
    assert '<dd id="beds-capacity">10</dd>' in page
    assert stays[1].case.reference in page and stays[1].case.person.code in page
    assert "Бермет" not in page  # residents by reference and code only
    assert stays[0].case.reference not in page


def test_capacity_and_limits_are_set_by_admins(client, login, shelter_org, make_member):
    worker = make_member(shelter_org, "case_worker")
    login(worker)
    assert client.post("/assistance/shelter/", {"form": "capacity", "beds": 5}).status_code == 403
    admin = make_member(shelter_org, "org_admin")
    login(admin)
    r = client.post("/assistance/shelter/", {"form": "capacity", "beds": 5})
    assert r.status_code == 302
    r = client.post(
        "/assistance/shelter/",
        {"form": "limit", "currency": "KGS", "amount": "10000", "period_days": "180"},
    )
    assert r.status_code == 302
    assert shelter_org.shelter_capacity.beds == 5
    assert shelter_org.economic_limits.get().amount == Decimal("10000")


# Scoping and the API ------------------------------------------------------------------


def test_other_organisation_case_is_404(client, login, other_org, make_member, case):
    outsider = make_member(other_org, "case_worker")
    login(outsider)
    assert client.get(f"/assistance/case/{case.pk}/").status_code == 404
    r = client.post(f"/assistance/case/{case.pk}/plan/", {"goals": "x"})
    assert r.status_code == 404
    r = client.post(
        "/api/v1/needs-assessments/",
        {"case": case.pk, "stage": "abroad", "needs": {"release": "needed"}},
        content_type="application/json",
    )
    assert r.status_code == 404
    r = client.post(
        "/api/v1/delivered-services/",
        {"case": case.pk, "service_type": "medical"},
        content_type="application/json",
    )
    assert r.status_code == 404


def test_records_of_other_organisations_are_not_listed(
    client, login, other_org, make_member, caseworker, case
):
    services.save_service_plan(membership=caseworker, case=case, goals="Цели")
    services.record_delivered_service(
        membership=caseworker, case=case, data={"service_type": "medical"}
    )
    outsider = make_member(other_org, "case_worker")
    login(outsider)
    for url in ("/api/v1/service-plans/", "/api/v1/delivered-services/"):
        body = client.get(url).json()
        rows = body["results"] if isinstance(body, dict) else body
        assert rows == []
    plan = case.service_plan
    assert client.get(f"/api/v1/service-plans/{plan.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["monitor", "auditor", "national_coordinator", "me_officer"])
def test_roles_without_case_access_get_403(client, login, org, make_member, case, role):
    login(make_member(org, role))
    assert client.get(f"/assistance/case/{case.pk}/").status_code == 403
    assert client.get("/assistance/check-ins/").status_code == 403
    assert client.get("/assistance/shelter/").status_code == 403
    assert client.get("/api/v1/needs-assessments/").status_code == 403
    assert client.get("/api/v1/planned-services/").status_code == 403


def test_api_needs_plan_and_services(client, login, caseworker, case):
    login(caseworker)
    r = client.post(
        "/api/v1/needs-assessments/",
        {"case": case.pk, "stage": "after_return", "needs": {"employment": "needed"}},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    bad = client.post(
        "/api/v1/needs-assessments/",
        {"case": case.pk, "stage": "after_return", "needs": {"release": "needed"}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    r = client.post(
        "/api/v1/service-plans/",
        {"case": case.pk, "goals": "Жильё"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    plan_id = r.json()["id"]
    r = client.post(
        "/api/v1/planned-services/",
        {"case": case.pk, "service_type": "employment", "responsible": caseworker.user_id},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    service_id = r.json()["id"]
    r = client.patch(
        f"/api/v1/planned-services/{service_id}/",
        {"status": "done"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "done"
    plan = client.get(f"/api/v1/service-plans/{plan_id}/").json()
    assert plan["goals"] == "Жильё" and plan["services"][0]["status"] == "done"
    r = client.get("/api/v1/needs-assessments/", {"case": case.pk})
    assert r.status_code == 200


def test_case_page_has_unique_ids_and_no_inline_style_or_script(
    client, login, make_org, make_member, make_person, make_case
):
    import re

    shelter = make_org("refuge", type="shelter")
    caseworker = make_member(shelter, "case_worker")
    case = make_case(caseworker, make_person(caseworker), assigned_to=caseworker.user)
    services.admit_to_shelter(membership=caseworker, case=case, shelter=shelter)
    services.add_planned_service(membership=caseworker, case=case, data={"service_type": "medical"})
    case = _close(caseworker, case)
    services.schedule_check_ins(membership=caseworker, case=case)
    login(caseworker)
    page = client.get(f"/assistance/case/{case.pk}/").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert "style=" not in page and "<script>" not in page


def test_free_text_about_the_person_is_encrypted_at_rest(caseworker, case):
    from django.db import connection

    services.save_service_plan(membership=caseworker, case=case, goals="Секретная цель")
    services.record_delivered_service(
        membership=caseworker,
        case=case,
        data={"service_type": "medical", "outcome": "Секретный итог"},
    )
    services.save_needs_assessment(
        membership=caseworker, case=case, stage="abroad", needs={}, note="Секретная заметка"
    )
    with connection.cursor() as cur:
        cur.execute("SELECT goals FROM assistance_serviceplan")
        goals = cur.fetchone()[0]
        cur.execute("SELECT outcome FROM assistance_deliveredservice")
        outcome = cur.fetchone()[0]
        cur.execute("SELECT note FROM assistance_needsassessment")
        note = cur.fetchone()[0]
    assert "Секрет" not in goals + outcome + note


def test_due_check_ins_appear_on_the_workers_dashboard(
    client, login, caseworker, make_person, make_case
):
    import datetime

    from django.utils import timezone

    from apps.assistance.models import CheckIn

    case = make_case(caseworker, make_person(caseworker), assigned_to=caseworker.user)
    CheckIn.objects.create(case=case, due_on=timezone.localdate() + datetime.timedelta(days=3),
                           assigned_to=caseworker.user)  # fmt: skip
    CheckIn.objects.create(case=case, due_on=timezone.localdate() + datetime.timedelta(days=60),
                           assigned_to=caseworker.user)  # fmt: skip
    login(caseworker)
    body = client.get("/").content.decode()
    assert "Reintegration check-ins due" in body and body.count(case.reference) >= 1
    assert body.count(f"/assistance/case/{case.pk}/") == 1


def test_the_assistance_address_opens_the_check_ins(client, login, caseworker):
    login(caseworker)
    r = client.get("/assistance/")
    assert r.status_code == 302 and r["Location"] == "/assistance/check-ins/"
