"""Planned and delivered services can be changed and removed (scoped, role-checked,
audited, stale edits refused), and a refused action form keeps what was typed."""

import datetime
from decimal import Decimal

import pytest

from apps.assistance import services
from apps.assistance.models import DeliveredService, PlannedService
from apps.core.models import AuditEntry


@pytest.fixture
def case(caseworker, make_person, make_case):
    return make_case(caseworker, make_person(caseworker))


@pytest.fixture
def planned(caseworker, case):
    return services.add_planned_service(
        membership=caseworker,
        case=case,
        data={"service_type": "legal", "provider_name": "Адилет", "status": "planned"},
    )


@pytest.fixture
def delivered(caseworker, case):
    return services.record_delivered_service(
        membership=caseworker,
        case=case,
        data={"service_type": "medical", "outcome": "Осмотр прошёл", "provider_name": "ЦСМ"},
    )


@pytest.fixture
def outsider(other_org, make_member):
    return make_member(other_org, "org_admin")


def _audited(action, target):
    return AuditEntry.objects.filter(
        action=action, target_type=target._meta.model_name, target_id=str(target.pk)
    ).exists()


def _planned_post(planned, **changes):
    data = {
        "service_type": planned.service_type,
        "provider_name": planned.provider_name,
        "planned_from": "",
        "planned_to": "",
        "status": planned.status,
        "version": planned.version,
    }
    data.update(changes)
    return data


def test_change_a_planned_service(client, login, caseworker, case, planned):
    login(caseworker)
    url = f"/assistance/case/{case.pk}/planned/{planned.pk}/edit/"
    form = client.get(url)
    assert form.status_code == 200 and "Адилет" in form.content.decode()
    assert f"/assistance/case/{case.pk}/planned/{planned.pk}/remove/" in form.content.decode()
    r = client.post(
        url,
        _planned_post(
            planned,
            service_type="psychological",
            provider_name="Сезим",
            planned_from="2026-03-01",
            planned_to="2026-04-01",
        ),
    )
    assert r.status_code == 302
    planned.refresh_from_db()
    assert planned.service_type == "psychological" and planned.provider_name == "Сезим"
    assert planned.planned_to == datetime.date(2026, 4, 1)
    assert _audited(AuditEntry.Action.CHANGE, planned)
    assert "Сезим" in client.get(f"/assistance/case/{case.pk}/").content.decode()


def test_stale_planned_edit_is_refused_and_keeps_the_input(
    client, login, caseworker, case, planned
):
    login(caseworker)
    stale = planned.version
    services.change_planned_service_status(
        membership=caseworker, service=planned, status="in_progress"
    )
    r = client.post(
        f"/assistance/case/{case.pk}/planned/{planned.pk}/edit/",
        _planned_post(planned, provider_name="Мой новый поставщик", version=stale),
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert "Someone else saved this record" in page
    assert 'value="Мой новый поставщик"' in page
    planned.refresh_from_db()
    assert planned.provider_name == "Адилет" and planned.status == "in_progress"


def test_remove_a_planned_service(client, login, caseworker, case, planned):
    login(caseworker)
    r = client.post(
        f"/assistance/case/{case.pk}/planned/{planned.pk}/remove/", {"version": planned.version}
    )
    assert r.status_code == 302
    assert not PlannedService.objects.filter(pk=planned.pk).exists()
    assert _audited(AuditEntry.Action.DELETE, planned)


def test_change_and_remove_a_delivered_service(client, login, caseworker, case, delivered):
    login(caseworker)
    url = f"/assistance/case/{case.pk}/delivered/{delivered.pk}/edit/"
    assert "Осмотр прошёл" in client.get(url).content.decode()
    r = client.post(
        url,
        {
            "service_type": "medical",
            "delivered_on": "2026-02-03",
            "provider_name": "ЦСМ №1",
            "quantity": "2",
            "unit": "visits",
            "outcome": "Лечение назначено",
            "version": delivered.version,
        },
    )
    assert r.status_code == 302
    delivered.refresh_from_db()
    assert delivered.outcome == "Лечение назначено" and delivered.quantity == Decimal("2")
    assert _audited(AuditEntry.Action.CHANGE, delivered)
    r = client.post(
        f"/assistance/case/{case.pk}/delivered/{delivered.pk}/remove/",
        {"version": delivered.version},
    )
    assert r.status_code == 302
    assert not DeliveredService.objects.filter(pk=delivered.pk).exists()
    assert _audited(AuditEntry.Action.DELETE, delivered)


def test_correcting_a_payment_does_not_count_its_old_amount(caseworker, org, make_member, case):
    admin = make_member(org, "org_admin")
    services.set_economic_limit(membership=admin, currency="KGS", amount=1000, period_days=365)
    paid = services.record_delivered_service(
        membership=caseworker,
        case=case,
        data={"service_type": "economic_support", "amount": Decimal("900"), "currency": "KGS"},
    )
    data = {"service_type": "economic_support", "amount": Decimal("950"), "currency": "KGS"}
    changed = services.change_delivered_service(
        membership=caseworker, service=paid, data=data, version=paid.version
    )
    assert changed.amount == Decimal("950") and not changed.over_limit
    with pytest.raises(services.OverLimit):
        services.change_delivered_service(
            membership=caseworker,
            service=paid,
            data={**data, "amount": Decimal("1200")},
            version=changed.version,
        )


def test_another_organisation_gets_404(client, login, outsider, case, planned, delivered):
    login(outsider)
    base = f"/assistance/case/{case.pk}"
    for url in (
        f"{base}/planned/{planned.pk}/edit/",
        f"{base}/delivered/{delivered.pk}/edit/",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"{base}/planned/{planned.pk}/remove/", {"version": 1}).status_code == 404
    r = client.post(f"{base}/delivered/{delivered.pk}/remove/", {"version": 1})
    assert r.status_code == 404
    assert PlannedService.objects.filter(pk=planned.pk).exists()
    assert DeliveredService.objects.filter(pk=delivered.pk).exists()


def test_a_role_without_case_editing_gets_403(client, login, org, make_member, case, planned):
    login(make_member(org, "auditor"))
    base = f"/assistance/case/{case.pk}/planned/{planned.pk}"
    assert client.get(f"{base}/edit/").status_code == 403
    assert client.post(f"{base}/remove/", {"version": planned.version}).status_code == 403
    assert PlannedService.objects.filter(pk=planned.pk).exists()


def test_a_bad_delivered_form_keeps_what_was_typed(client, login, caseworker, case):
    login(caseworker)
    r = client.post(
        f"/assistance/case/{case.pk}/delivered/",
        {
            "service_type": "economic_support",
            "delivered_on": "2026-02-03",
            "provider_name": "Фонд Үмүт",
            "amount": "",
            "outcome": "Оплата аренды за два месяца",
        },
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert "Economic support needs an amount and a currency." in page
    assert 'value="Фонд Үмүт"' in page and "Оплата аренды за два месяца" in page
    assert not DeliveredService.objects.filter(case=case).exists()


def test_a_check_in_refused_by_the_service_keeps_the_note(client, login, caseworker, case):
    from apps.assistance.models import CheckIn

    check_in = CheckIn.objects.create(case=case, due_on=datetime.date(2026, 5, 1))
    login(caseworker)
    r = client.post(
        f"/assistance/case/{case.pk}/check-ins/{check_in.pk}/",
        {"outcome": "", "done_on": "2026-05-02", "note": "Звонила маме, всё хорошо"},
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert "Звонила маме, всё хорошо" in page
    assert f'id="check-in-{check_in.pk}-outcome_error"' in page


def test_api_removes_planned_and_delivered_services(
    client, login, caseworker, outsider, planned, delivered
):
    login(outsider)
    assert client.delete(f"/api/v1/planned-services/{planned.pk}/").status_code == 404
    assert client.delete(f"/api/v1/delivered-services/{delivered.pk}/").status_code == 404
    login(caseworker)
    assert client.delete(f"/api/v1/planned-services/{planned.pk}/").status_code == 204
    assert client.delete(f"/api/v1/delivered-services/{delivered.pk}/").status_code == 204
    assert not PlannedService.objects.exists() and not DeliveredService.objects.exists()
    assert _audited(AuditEntry.Action.DELETE, planned)
