"""While a person is typed (person form, call intake, register import preview), people
the organisation already has are shown with the reasons, before anything is saved."""

import pytest

from apps.core.models import AuditEntry
from apps.people.models import Person

pytestmark = pytest.mark.django_db

CHECK = "/duplicates/check/"


@pytest.fixture
def aigul(caseworker, make_person):
    return make_person(
        caseworker,
        family_name="Сооронбаева",
        given_name="Айгүл",
        birth_date="1995-03-14",
        phones=["+996 555 11-22-33"],
        document_numbers=["AN 1234567"],
    )


def _check(client, **typed):
    return client.post(CHECK, typed)


def test_latin_name_typed_finds_the_cyrillic_record(client, login, caseworker, aigul):
    login(caseworker)
    response = _check(
        client, family_name="Sooronbaeva", given_name="Aigul", birth_date="1995-03-14"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert aigul.code in text
    assert "Сооронбаева Айгүл" in text
    assert "same name in another script or spelling" in text
    assert "same date of birth" in text
    # The look is audited with the ids shown, never what was typed.
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.SEARCH).latest("id")
    assert entry.detail["shown"] == [aigul.pk]
    assert entry.detail["by"] == "duplicate_check"
    assert "Sooronbaeva" not in str(entry.detail)


@pytest.mark.parametrize(
    "typed, reason",
    [
        # Given and family name swapped, masculine form of the family name in another scheme.
        ({"family_name": "Aigul", "given_name": "Sooronbaeva"}, "given and family name swapped"),
        # Day and month swapped.
        (
            {"family_name": "Sooronbaeva", "given_name": "Aygül", "birth_date": "14.03.1995"},
            "same date of birth",
        ),
        ({"family_name": "Сооронбаева", "given_name": "Айгул", "birth_date": "1995-14-03"}, ""),
        ({"family_name": "Soronbaeva", "given_name": "Aigul", "birth_date": "1995"}, "same year"),
        ({"given_name": "Гүлнара", "phones": "0555 112 233"}, "same phone"),
        ({"given_name": "X", "document_numbers": "an-123 45 67"}, "same document number"),
    ],
)
def test_variants_that_warn(client, login, caseworker, aigul, typed, reason):
    login(caseworker)
    text = _check(client, **typed).content.decode()
    assert aigul.code in text
    assert reason in text


def test_day_and_month_swapped_is_named(client, login, caseworker, make_person):
    person = make_person(
        caseworker, family_name="Асанова", given_name="Бермет", birth_date="1990-04-03"
    )
    login(caseworker)
    text = _check(
        client, family_name="Asanova", given_name="Bermet", birth_date="1990-03-04"
    ).content.decode()
    assert person.code in text
    assert "day and month swapped" in text


def test_namesake_with_another_birth_date_is_not_suggested(client, login, caseworker, aigul):
    login(caseworker)
    text = _check(
        client, family_name="Sooronbaeva", given_name="Aigul", birth_date="1971-08-30"
    ).content.decode()
    assert aigul.code not in text


def test_person_being_edited_is_not_its_own_duplicate(client, login, caseworker, aigul):
    login(caseworker)
    text = _check(
        client, family_name="Sooronbaeva", given_name="Aigul", exclude=str(aigul.pk)
    ).content.decode()
    assert aigul.code not in text


def test_other_organisations_people_are_never_suggested(
    client, login, other_org, make_member, aigul
):
    stranger = make_member(other_org, "case_worker")
    login(stranger)
    response = _check(client, family_name="Sooronbaeva", given_name="Aigul", phones="0555112233")
    assert response.status_code == 200
    assert aigul.code not in response.content.decode()
    assert "Айгүл" not in response.content.decode()


@pytest.mark.parametrize("role", ["monitor", "me_officer", "auditor"])
def test_roles_that_do_not_enter_people_get_403(client, login, org, make_member, aigul, role):
    login(make_member(org, role))
    response = _check(client, family_name="Sooronbaeva", given_name="Aigul")
    assert response.status_code == 403
    assert "Айгүл" not in response.content.decode()


def test_get_is_refused(client, login, caseworker):
    login(caseworker)
    assert client.get(CHECK, {"family_name": "x"}).status_code == 405


def test_call_intake_caller_name_warns(client, login, caseworker, aigul):
    login(caseworker)
    text = _check(client, caller_name="Aigul Sooronbaeva", caller_phone="").content.decode()
    assert aigul.code in text


def test_forms_carry_the_check(client, login, caseworker, aigul):
    login(caseworker)
    form = client.get("/people/new/").content.decode()
    assert 'hx-post="/duplicates/check/"' in form
    edit = client.get(f"/people/{aigul.pk}/edit/").content.decode()
    assert f'"exclude": "{aigul.pk}"' in edit
    intake = client.get("/hotline/new/").content.decode()
    assert 'hx-params="caller_name,caller_phone"' in intake


def test_register_import_preview_flags_the_existing_person(
    client, login, org, make_member, make_person
):
    admin = make_member(org, "org_admin")
    existing = make_person(
        admin, family_name="Сооронбаева", given_name="Айгүл", birth_date="1995-03-14"
    )
    login(admin)
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = (
        b"family_name,given_name,birth_date\r\n"
        b"Sooronbaeva,Aigul,1995-03-14\r\n"
        b"Osmonov,Nurlan,1988-01-02\r\n"
    )
    response = client.post(
        "/people/import/",
        {"action": "upload", "file": SimpleUploadedFile("r.csv", data, "text/csv")},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Possible existing person" in text
    assert existing.code in text
    assert Person.objects.filter(organization=org).count() == 1  # nothing saved
