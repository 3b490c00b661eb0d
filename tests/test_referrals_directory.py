"""The service directory: one service taxonomy, entries edited by their own organisation's
admin, descriptions per language, shelter beds free counted from the stays."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.assistance import services as assistance_services
from apps.assistance.models import ServiceType, ShelterCapacity
from apps.core.models import AuditEntry
from apps.referrals import models as referral_models
from apps.referrals import services
from apps.referrals.models import DirectoryEntry, DirectoryService, Referral, ServiceDelivered

taxonomy = importlib.import_module("apps.referrals.migrations.0004_one_service_taxonomy")
descriptions = importlib.import_module("apps.referrals.migrations.0003_descriptions_per_language")


@pytest.fixture
def shelter(make_org):
    return make_org("shelter-d", type="shelter", region="chuy")


@pytest.fixture
def entry(shelter):
    e = DirectoryEntry.objects.create(
        organization=shelter, name="Shelter D", regions=["chuy"], description_en="Safe house"
    )
    # A typed value, as entered before beds were counted: never shown for a member shelter.
    DirectoryService.objects.create(entry=e, service_type="shelter", capacity=10, beds_free=99)
    DirectoryService.objects.create(entry=e, service_type="legal")
    return e


@pytest.fixture
def shelter_admin(shelter, make_member):
    return make_member(shelter, "org_admin")


def _post_entry(entry, rows, **changes):
    data = {
        "name": entry.name,
        "org_type": "shelter",
        "city": "Кант",
        "hours": "24/7",
        "description_en": "",
        "description_ru": "",
        "description_ky": "",
        "regions": ["chuy"],
        "target_groups": ["women"],
        "languages": ["ky", "ru"],
        "version": entry.version,
        "services-TOTAL_FORMS": str(len(rows)),
        "services-INITIAL_FORMS": "0",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"services-{i}-{key}"] = value
    data.update(changes)
    return data


# One taxonomy ----------------------------------------------------------------------


def test_referrals_use_the_assistance_taxonomy():
    assert referral_models.ServiceType is ServiceType
    field = DirectoryService._meta.get_field("service_type")
    assert {c for c, _label in field.choices} == set(ServiceType.values)


def test_old_referral_codes_are_converted(caseworker, make_person, make_case, entry):
    from apps.referrals.services import create_referral

    case = make_case(caseworker, make_person(caseworker))
    referral = create_referral(
        membership=caseworker,
        case=case,
        services=["shelter"],
        shared_fields=[],
        to_organization=entry.organization,
        consent_valid_until=datetime.date(2030, 1, 1),
    )
    # Rows as the referrals app wrote them before the one taxonomy.
    Referral.objects.filter(pk=referral.pk).update(services=["training", "shelter", "economic"])
    old = DirectoryService.objects.create(entry=entry, service_type="documents")
    ServiceDelivered.objects.create(referral=referral, service_type="education")

    taxonomy.codes_forward(django_apps, None)

    referral.refresh_from_db()
    assert referral.services == ["skills_training", "shelter", "economic_support"]
    old.refresh_from_db()
    assert old.service_type == "travel_documents"
    assert ServiceDelivered.objects.get(referral=referral).service_type == "child_education"


def test_old_descriptions_go_to_their_language():
    assert descriptions.language_of("Кризисный центр для женщин") == "ru"
    assert descriptions.language_of("Аялдар үчүн кризистик борбор") == "ky"
    assert descriptions.language_of("Crisis centre") == "en"


# Editing one's own entry -----------------------------------------------------------


def test_org_admin_edits_own_entry_and_services(client, login, shelter_admin, entry):
    login(shelter_admin)
    url = f"/referrals/directory/{entry.pk}/edit/"
    assert "Safe house" in client.get(url).content.decode()
    legal = entry.services.get(service_type="legal")
    r = client.post(
        url,
        _post_entry(
            entry,
            [
                {"service_type": "shelter", "capacity": "12", "note": "только женщины"},
                {"service_type": "legal", "capacity": "", "note": "", "DELETE": "on"},
                {"service_type": "psychological", "capacity": "3", "note": ""},
                {"service_type": "", "capacity": "", "note": ""},
            ],
            name="Шелтер D",
            description_ru="Безопасный дом",
            description_ky="Коопсуз үй",
        ),
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    entry.refresh_from_db()
    assert entry.name == "Шелтер D" and entry.city == "Кант" and entry.hours == "24/7"
    assert entry.description_ru == "Безопасный дом" and entry.description_ky == "Коопсуз үй"
    assert entry.target_groups == ["women"] and entry.languages == ["ky", "ru"]
    rows = {s.service_type: s for s in entry.services.all()}
    assert set(rows) == {"shelter", "psychological"}
    assert rows["shelter"].capacity == 12 and rows["shelter"].note == "только женщины"
    assert not DirectoryService.objects.filter(pk=legal.pk).exists()
    assert AuditEntry.objects.filter(
        action="change", target_type="directoryentry", target_id=str(entry.pk)
    ).exists()


def test_admin_of_another_organisation_gets_404(client, login, entry, other_org, make_member):
    login(make_member(other_org, "org_admin"))
    url = f"/referrals/directory/{entry.pk}/edit/"
    assert client.get(url).status_code == 404
    assert client.post(url, _post_entry(entry, [], name="Hijacked")).status_code == 404
    entry.refresh_from_db()
    assert entry.name == "Shelter D"


def test_public_entries_are_not_edited_here(client, login, shelter_admin):
    public = DirectoryEntry.objects.filter(organization=None).first()
    login(shelter_admin)
    assert client.get(f"/referrals/directory/{public.pk}/edit/").status_code == 404


def test_case_worker_gets_403(client, login, entry, shelter, make_member):
    login(make_member(shelter, "case_worker"))
    url = f"/referrals/directory/{entry.pk}/edit/"
    assert client.get(url).status_code == 403
    assert client.post(url, _post_entry(entry, [], name="Changed")).status_code == 403
    assert client.get("/referrals/directory/ours/").status_code == 403


def test_an_organisation_without_an_entry_creates_it(client, login, org, make_member):
    admin = make_member(org, "org_admin")
    login(admin)
    form = client.get("/referrals/directory/ours/")
    assert form.status_code == 200 and org.name in form.content.decode()
    blank = DirectoryEntry(name=org.name, version=1)
    r = client.post(
        "/referrals/directory/ours/",
        _post_entry(
            blank,
            [{"service_type": "legal", "capacity": "", "note": ""}],
            org_type="legal_aid",
            version="",
        ),
    )
    assert r.status_code == 302
    created = DirectoryEntry.objects.get(organization=org)
    assert list(created.services.values_list("service_type", flat=True)) == ["legal"]
    assert client.get("/referrals/directory/ours/")["Location"].endswith(
        f"/referrals/directory/{created.pk}/edit/"
    )


def test_two_admins_at_once_the_second_is_told_and_keeps_the_input(
    client, login, shelter_admin, entry
):
    opened = entry.version
    services.save_directory_entry(
        membership=shelter_admin,
        entry=entry,
        data={"name": "Saved first"},
        services=[{"service_type": "shelter"}],
        version=opened,
    )
    login(shelter_admin)
    r = client.post(
        f"/referrals/directory/{entry.pk}/edit/",
        _post_entry(
            entry,
            [{"service_type": "shelter", "capacity": "", "note": "заметка второго"}],
            name="Saved second",
            version=opened,
        ),
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert "Someone else saved this record" in page
    assert 'value="Saved second"' in page and "заметка второго" in page
    entry.refresh_from_db()
    assert entry.name == "Saved first"


def test_a_service_listed_twice_is_refused_and_nothing_is_lost(client, login, shelter_admin, entry):
    login(shelter_admin)
    r = client.post(
        f"/referrals/directory/{entry.pk}/edit/",
        _post_entry(
            entry,
            [
                {"service_type": "medical", "capacity": "", "note": ""},
                {"service_type": "medical", "capacity": "", "note": "дубль"},
            ],
            description_ru="Новое описание",
        ),
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert "Each service can be listed once." in page
    assert "Новое описание" in page and "дубль" in page
    assert not entry.services.filter(service_type="medical").exists()


# Description per language ----------------------------------------------------------


def test_description_in_the_readers_language_with_fallback(client, login, caseworker, entry):
    entry.description_en = ""
    entry.description_ru = "Безопасный дом для женщин"
    entry.save()
    login(caseworker)
    for lang in ("ru", "ky", "en"):  # no Kyrgyz or English text: the Russian one is shown
        page = client.get("/referrals/directory/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        assert "Безопасный дом для женщин" in page, lang
    entry.description_ky = "Аялдар үчүн коопсуз үй"
    entry.save()
    ky = client.get("/referrals/directory/", HTTP_ACCEPT_LANGUAGE="ky").content.decode()
    assert "Аялдар үчүн коопсуз үй" in ky and "Безопасный дом для женщин" not in ky
    ru = client.get("/referrals/directory/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Безопасный дом для женщин" in ru and "Аялдар үчүн коопсуз үй" not in ru


def test_api_gives_every_description_and_the_readers_one(client, login, caseworker, entry):
    entry.description_ru = "Безопасный дом"
    entry.save()
    login(caseworker)
    rows = client.get("/api/v1/directory/", HTTP_ACCEPT_LANGUAGE="ru").json()["results"]
    row = next(r for r in rows if r["id"] == entry.pk)
    assert row["description"] == "Безопасный дом"
    assert row["description_en"] == "Safe house"


# Beds free -------------------------------------------------------------------------


def _beds_shown(client, entry):
    page = client.get("/referrals/directory/").content.decode()
    article = page.split(f'id="entry-{entry.pk}"', 1)[1].split("</article>", 1)[0]
    return article.split("shelter beds free", 1)[1].split("<", 1)[0].strip()


def test_beds_free_follow_admission_and_discharge(
    client, login, caseworker, shelter, entry, make_person, make_case, make_member
):
    ShelterCapacity.objects.create(organization=shelter, beds=3)
    login(caseworker)
    assert _beds_shown(client, entry) == "3"
    resident_worker = make_member(shelter, "case_worker")
    case = make_case(resident_worker, make_person(resident_worker))
    stay = assistance_services.admit_to_shelter(
        membership=resident_worker, case=case, shelter=shelter
    )
    assert _beds_shown(client, entry) == "2"
    api = client.get("/api/v1/directory/").json()["results"]
    shelter_row = next(
        s
        for r in api
        if r["id"] == entry.pk
        for s in r["services"]
        if s["service_type"] == "shelter"
    )
    assert shelter_row["beds_free"] == 2
    assistance_services.discharge_from_shelter(membership=resident_worker, stay=stay)
    assert _beds_shown(client, entry) == "3"


def test_public_entries_keep_their_typed_beds_free(client, login, caseworker):
    public = DirectoryEntry.objects.create(name="Public shelter", is_public=True)
    DirectoryService.objects.create(entry=public, service_type="shelter", beds_free=4)
    login(caseworker)
    assert _beds_shown(client, public) == "4"


def test_filter_by_beds_free(client, login, caseworker, shelter, entry, make_org):
    ShelterCapacity.objects.create(organization=shelter, beds=1)
    full = make_org("full-shelter", type="shelter")
    ShelterCapacity.objects.create(organization=full, beds=0)
    full_entry = DirectoryEntry.objects.create(organization=full, name="Full shelter")
    DirectoryService.objects.create(entry=full_entry, service_type="shelter")
    login(caseworker)
    page = client.get("/referrals/directory/?beds_free=on").content.decode()
    assert f'id="entry-{entry.pk}"' in page and f'id="entry-{full_entry.pk}"' not in page


def test_directory_queries_do_not_grow_with_shelters(client, login, caseworker, make_org):
    def add_shelters(n):
        for _ in range(n):
            org = make_org(type="shelter")
            ShelterCapacity.objects.create(organization=org, beds=5)
            e = DirectoryEntry.objects.create(organization=org, name=org.name)
            DirectoryService.objects.create(entry=e, service_type="shelter")

    login(caseworker)
    add_shelters(1)
    client.get("/referrals/directory/")  # warm the per-process caches (reference data)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/referrals/directory/?service=shelter").status_code == 200
    add_shelters(6)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/referrals/directory/?service=shelter").status_code == 200
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as few_api:
        client.get("/api/v1/directory/")
    add_shelters(3)
    with CaptureQueriesContext(connection) as many_api:
        client.get("/api/v1/directory/")
    assert len(many_api) == len(few_api)


def test_api_entry_editing_is_scoped(client, login, shelter, shelter_admin, entry, make_member):
    from apps.accounts.services import create_organization

    url = f"/api/v1/directory/{entry.pk}/"
    login(make_member(shelter, "case_worker"))
    assert client.patch(url, {"city": "Ош"}, content_type="application/json").status_code == 403
    other = create_organization(slug="other-api", name="Other", type="ngo", region="osh")
    login(make_member(other, "org_admin"))
    assert client.patch(url, {"city": "Ош"}, content_type="application/json").status_code == 404
    login(shelter_admin)
    r = client.patch(
        url,
        {"city": "Ош", "description_ky": "Коопсуз үй", "version": entry.version},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    entry.refresh_from_db()
    assert entry.city == "Ош" and entry.description_ky == "Коопсуз үй"
    assert entry.name == "Shelter D" and entry.services.count() == 2  # the rest is kept
    stale = client.patch(url, {"city": "Нарын", "version": 1}, content_type="application/json")
    assert stale.status_code == 400 and "version" in stale.json()
    bad = client.put(
        url,
        {"name": "Shelter D", "regions": ["atlantis"], "services": []},
        content_type="application/json",
    )
    assert bad.status_code == 400
    entry.refresh_from_db()
    assert entry.city == "Ош" and entry.regions == ["chuy"]


def test_an_organisation_has_one_entry(org, make_member):
    from apps.people.services import StaleEdit

    admin = make_member(org, "org_admin")
    first = {"name": org.name}
    services.save_directory_entry(membership=admin, entry=None, data=first, services=[])
    with pytest.raises(StaleEdit):
        services.save_directory_entry(membership=admin, entry=None, data=first, services=[])
    assert DirectoryEntry.objects.filter(organization=org).count() == 1
