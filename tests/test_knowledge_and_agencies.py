"""Knowledge at hand while talking: prepared answers and the agency register."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.hotline.knowledge import create_answer, search_answers, update_answer
from apps.hotline.models import Answer
from apps.monitoring.models import RecruitmentAgency
from apps.monitoring.services import save_agency, search_text_for
from apps.people.services import NotAllowed


@pytest.fixture
def operator(org, make_member):
    return make_member(org, "operator")


@pytest.fixture
def monitor(org, make_member):
    return make_member(org, "monitor")


@pytest.fixture
def other_operator(other_org, make_member):
    return make_member(other_org, "operator")


def _answer(membership, **over):
    data = {
        "topic": "safe_migration",
        "country": "KR",
        "title_en": "Working in Korea under the employment permit system",
        "title_ru": "Работа в Корее по системе разрешений",
        "title_ky": "Кореяда уруксат системасы менен иштөө",
        "body_en": "Only the state programme recruits; private brokers cannot sell places.",
        "body_ru": "Набор ведёт только государственная программа; посредники места не продают.",
        "body_ky": "Жумушчуларды мамлекеттик программа гана тандайт; ортомчулар орун сатпайт.",
    }
    data.update(over)
    return create_answer(membership=membership, data=data)


def _agency(membership, **over):
    data = {
        "name": "Jumush Plus Test",
        "licence_number": "TST-0909",
        "licence_status": "licensed",
        "licence_valid_until": timezone.localdate() + timedelta(days=300),
        "countries": ["ru", "KZ"],
    }
    data.update(over)
    return save_agency(membership=membership, data=data)


# Prepared answers ----------------------------------------------------------------------


def test_search_finds_by_russian_and_kyrgyz_words_and_inflected_forms(operator):
    a = _answer(operator)
    assert a in search_answers(operator, "посредники")
    assert a in search_answers(operator, "ортомчулар")
    # "программу" (accusative) still finds "программа"; capitalised words too.
    assert a in search_answers(operator, "Программу")
    assert a in search_answers(operator, "Кореяда уруксат")
    assert a not in search_answers(operator, "ортомчулар Туркия")


def test_answer_shown_in_users_language_with_fallback(client, login, operator):
    _answer(operator, title_en="", body_en="", title_ky="", body_ky="",
            title_ru="Тестовый ответ только по-русски", body_ru="Текст только по-русски.")  # fmt: skip
    _answer(operator, title_en="Korea answer in English", title_ky="Корея жообу кыргызча")
    login(operator)
    body = client.get("/hotline/answers/search/", {"q": "Корея"}).content.decode()
    assert "Korea answer in English" in body
    body = client.get("/hotline/answers/search/", {"q": "только"}).content.decode()
    assert "Тестовый ответ только по-русски" in body  # no English text: falls back to Russian
    operator.user.language = "ky"
    operator.user.save(update_fields=["language"])
    body = client.get("/hotline/answers/search/", {"q": "Korea answer"}).content.decode()
    assert "Корея жообу кыргызча" in body


def test_fragment_endpoint_returns_collapsible_results(client, login, operator):
    a = _answer(operator)
    login(operator)
    r = client.get("/hotline/answers/search/", {"q": "brokers"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "<details>" in body and a.title_en in body and "<html" not in body
    empty = client.get("/hotline/answers/search/", {"q": "zzzqqq"}).content.decode()
    assert "No prepared answer matches." in empty


def test_intake_aside_uses_the_search_endpoints(client, login, operator):
    login(operator)
    body = client.get("/hotline/new/").content.decode()
    assert 'hx-get="/hotline/answers/search/"' in body
    # The hotline's own look-up: same register, each agency a choice of the call.
    assert 'hx-get="/hotline/agency-lookup/"' in body


def test_operator_creates_and_edits_an_answer_of_their_org(client, login, operator):
    login(operator)
    r = client.post("/hotline/answers/new/", {"topic": "safe_migration", "country": "",
                                               "title_en": "", "body_ru": "Текст"})  # fmt: skip
    assert r.status_code == 400
    assert "Give a title in at least one language." in r.content.decode()
    assert "Текст" in r.content.decode()  # what was typed stays
    r = client.post(
        "/hotline/answers/new/",
        {"topic": "documents_consular", "country": "RU", "title_en": "Lost passport in Russia",
         "body_en": "Go to the consulate.", "title_ky": "Орусияда паспорт жоголсо"},
    )  # fmt: skip
    assert r.status_code == 302
    a = Answer.objects.get(title_en="Lost passport in Russia")
    assert a.organization_id == operator.organization_id and a.country == "RU"
    assert AuditEntry.objects.filter(action="create", target_type="answer",
                                     target_id=str(a.pk)).exists()  # fmt: skip
    r = client.get(f"/hotline/answers/{a.pk}/edit/")
    assert r.status_code == 200 and "Lost passport in Russia" in r.content.decode()
    data = {"topic": "documents_consular", "country": "RU", "title_en": "Lost passport",
            "body_en": "Go to the consulate of Kyrgyzstan."}  # fmt: skip
    assert client.post(f"/hotline/answers/{a.pk}/edit/", data).status_code == 302
    a.refresh_from_db()
    assert a.title_en == "Lost passport" and a.updated_by == operator.user
    assert AuditEntry.objects.filter(action="change", target_type="answer").exists()
    page = client.get("/hotline/answers/", {"topic": "documents_consular"}).content.decode()
    assert "Lost passport" in page and f"/hotline/answers/{a.pk}/edit/" in page


def test_other_orgs_answer_is_invisible_and_not_editable(client, login, operator, other_operator):
    theirs = _answer(other_operator, title_en="Their private answer zq")
    assert theirs not in search_answers(operator, "private answer zq")
    login(operator)
    assert "Their private answer zq" not in client.get("/hotline/answers/").content.decode()
    assert client.get(f"/hotline/answers/{theirs.pk}/edit/").status_code == 404
    r = client.post(f"/hotline/answers/{theirs.pk}/edit/", {"topic": "other", "title_en": "x",
                                                            "body_en": "x"})  # fmt: skip
    assert r.status_code == 404
    with pytest.raises(NotAllowed):
        update_answer(membership=operator, answer=theirs, data={"title_en": "x"})


def test_network_wide_answers_visible_to_all_but_read_only(client, login, operator, other_operator):
    shared = Answer.objects.create(topic="other", title_en="Shared network answer zx",
                                   body_en="For everyone.")  # fmt: skip
    assert shared in search_answers(operator, "network answer zx")
    assert shared in search_answers(other_operator, "network answer zx")
    login(operator)
    page = client.get("/hotline/answers/", {"q": "network answer zx"}).content.decode()
    assert "Shared network answer zx" in page
    assert f"/hotline/answers/{shared.pk}/edit/" not in page
    assert client.get(f"/hotline/answers/{shared.pk}/edit/").status_code == 403


def test_seeded_answers_exist_in_three_languages(operator):
    found = search_answers(operator, "passport", limit=20)
    countries = {a.country for a in Answer.objects.filter(organization__isnull=True)}
    assert {"RU", "KZ", "TR", "AE"} <= countries
    assert any(a.country == "RU" for a in found)
    for a in Answer.objects.filter(organization__isnull=True):
        assert a.title_en and a.title_ru and a.title_ky and a.body_ky


def test_case_worker_reads_answers_but_cannot_edit(client, login, caseworker, monitor):
    login(caseworker)
    assert client.get("/hotline/answers/").status_code == 200
    assert client.get("/hotline/answers/new/").status_code == 403
    login(monitor)
    assert client.get("/hotline/answers/").status_code == 403
    assert client.get("/hotline/answers/search/", {"q": "x"}).status_code == 403


# Agencies ------------------------------------------------------------------------------


def test_search_text_folds_scripts_and_keeps_licence():
    text = search_text_for("Jumush Plus", "Жумуш Плюс", "KG/2024-17")
    assert "jumush" in text and "plus" in text and "kg/2024-17" in text and "kg202417" in text


def test_lookup_by_cyrillic_name_finds_latin_named_agency(client, login, operator):
    agency = _agency(operator)
    _agency(operator, name="Completely Other Agency", licence_number="TST-1234")
    login(operator)
    r = client.get("/agencies/lookup/", {"q": "Жумуш Плюс"})
    assert r.status_code == 200
    body = r.content.decode()
    assert agency.name in body and "Completely Other Agency" not in body
    assert "licensed" in body and "TST-0909" in body and "Russia" in body


def test_lookup_by_licence_number(client, login, operator):
    agency = _agency(operator)
    login(operator)
    for q in ("TST-0909", "tst 0909", "0909"):
        body = client.get("/agencies/lookup/", {"q": q}).content.decode()
        assert agency.name in body, q


def test_revoked_and_expired_badges(client, login, operator):
    _agency(operator, name="Revoked Test Agency", licence_status="revoked")
    _agency(operator, name="Expired Test Agency", licence_number="TST-5555",
            licence_valid_until=timezone.localdate() - timedelta(days=3))  # fmt: skip
    login(operator)
    body = client.get("/agencies/lookup/", {"q": "revoked test"}).content.decode()
    assert "licence-revoked" in body and "licence revoked" in body
    body = client.get("/agencies/lookup/", {"q": "TST-5555"}).content.decode()
    assert "expired" in body


def test_demo_agencies_are_seeded(client, login, operator):
    login(operator)
    body = client.get("/agencies/lookup/", {"q": "Ак-Булак"}).content.decode()
    assert "[DEMO] Ak-Bulak Travel &amp; Jobs" in body
    demo = RecruitmentAgency.objects.filter(name__startswith="[DEMO]")
    assert {a.licence_status for a in demo} >= {"licensed", "revoked", "unlicensed", "unknown"}
    for a in demo:
        assert a.search_text == search_text_for(a.name, a.other_names, a.licence_number)


def test_monitor_edits_agencies_but_has_no_hotline(client, login, monitor):
    login(monitor)
    assert client.get("/hotline/").status_code == 403
    assert "/agencies/" in client.get("/agencies/").content.decode()
    r = client.post("/agencies/new/", {"name": "Monitor Made Agency", "licence_status": "unlicensed",
                                       "countries": ["TR"]})  # fmt: skip
    assert r.status_code == 302
    agency = RecruitmentAgency.objects.get(name="Monitor Made Agency")
    assert agency.countries == ["TR"] and agency.updated_by == monitor.user
    assert AuditEntry.objects.filter(action="create", target_type="recruitmentagency").exists()
    r = client.post(f"/agencies/{agency.pk}/edit/", {"name": "Monitor Made Agency",
                                                     "licence_status": "revoked",
                                                     "licence_number": "", "city": "Osh"})  # fmt: skip
    assert r.status_code == 400
    assert "Give the licence number of a licensed or revoked agency." in r.content.decode()
    assert 'value="Osh"' in r.content.decode()
    r = client.post(f"/agencies/{agency.pk}/edit/", {"name": "Monitor Made Agency",
                                                     "licence_status": "revoked",
                                                     "licence_number": "LIC 77/3"})  # fmt: skip
    assert r.status_code == 302
    agency.refresh_from_db()
    assert agency.licence_status == "revoked" and "lic" in agency.search_text


def test_case_worker_cannot_edit_agencies_but_operator_can(client, login, caseworker, operator):
    agency = _agency(operator)
    login(caseworker)
    assert client.get("/agencies/").status_code == 200
    assert client.get("/agencies/lookup/", {"q": "jumush"}).status_code == 200
    assert client.get("/agencies/new/").status_code == 403
    assert client.post(f"/agencies/{agency.pk}/edit/", {"name": "X"}).status_code == 403
    with pytest.raises(NotAllowed):
        save_agency(membership=caseworker, data={"name": "X"})
    login(operator)
    assert client.get(f"/agencies/{agency.pk}/edit/").status_code == 200


def test_bad_licence_number_is_refused(operator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        _agency(operator, licence_number="no digits here")
    assert "licence_number" in exc.value.message_dict


def test_nav_shows_agencies_link(client, login, monitor, make_member, org):
    login(monitor)
    assert 'href="/agencies/"' in client.get("/agencies/").content.decode()
    lawyer = make_member(org, "lawyer")
    login(lawyer)
    assert client.get("/agencies/").status_code == 403


# API -----------------------------------------------------------------------------------


def test_api_lists_and_searches_agencies(client, login, caseworker, operator):
    agency = _agency(operator)
    login(caseworker)
    r = client.get("/api/v1/agencies/", {"search": "Жумуш плюс"})
    assert r.status_code == 200
    rows = {row["id"]: row for row in r.json()["results"]}
    assert agency.pk in rows and all("Jumush" in row["name"] for row in rows.values())
    row = rows[agency.pk]
    assert row["licence_status"] == "licensed" and row["countries"] == ["RU", "KZ"]
    assert client.get(f"/api/v1/agencies/{agency.pk}/").json()["name"] == agency.name


def test_api_create_validates_and_updates(client, login, monitor):
    login(monitor)
    r = client.post("/api/v1/agencies/", {"name": "API Agency", "licence_status": "licensed",
                                          "countries": ["XX"]}, content_type="application/json")  # fmt: skip
    assert r.status_code == 400
    assert "licence_number" in r.json() and "countries" in r.json()
    r = client.post("/api/v1/agencies/", {"name": "API Agency", "licence_status": "licensed",
                                          "licence_number": "API-1", "countries": ["ae"]},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["countries"] == ["AE"]
    r = client.patch(f"/api/v1/agencies/{created['id']}/", {"licence_status": "revoked"},
                     content_type="application/json")  # fmt: skip
    assert r.status_code == 200 and r.json()["licence_status"] == "revoked"
    agency = RecruitmentAgency.objects.get(pk=created["id"])
    assert agency.name == "API Agency" and "api-1" in agency.search_text
    assert AuditEntry.objects.filter(action="change", target_id=str(agency.pk)).exists()


def test_api_write_needs_edit_agencies(client, login, caseworker, operator, make_member, org):
    agency = _agency(operator)
    login(caseworker)
    r = client.post("/api/v1/agencies/", {"name": "Nope"}, content_type="application/json")
    assert r.status_code == 403
    r = client.patch(f"/api/v1/agencies/{agency.pk}/", {"name": "Nope"},
                     content_type="application/json")  # fmt: skip
    assert r.status_code == 403
    login(make_member(org, "lawyer"))
    assert client.get("/api/v1/agencies/").status_code == 403
    assert not RecruitmentAgency.objects.filter(name="Nope").exists()
