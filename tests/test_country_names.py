"""Country and language names come from CLDR (Babel) in Kyrgyz and Russian, with the
official name of Kyrgyzstan in Russian."""

import pytest
from django.utils import translation

from apps.core.models import ReferenceValue
from apps.core.reference_data import apply_cldr_names
from apps.core.selectors import reference_labels

pytestmark = pytest.mark.django_db


def _names(kind, code):
    v = ReferenceValue.objects.get(kind=kind, code=code)
    return {"en": v.name_en, "ru": v.name_ru, "ky": v.name_ky}


def test_kyrgyzstan_has_its_official_russian_name(reference_data):
    assert _names("country", "KG") == {"en": "Kyrgyzstan", "ru": "Кыргызстан", "ky": "Кыргызстан"}
    assert not ReferenceValue.objects.filter(name_ru__icontains="Киргиз").exists()


@pytest.mark.parametrize(
    "code, en, ru, ky",
    [
        ("TR", "Türkiye", "Турция", "Түркия"),
        ("SZ", "Eswatini", "Эсватини", "Эсватини"),
        ("MK", "North Macedonia", "Северная Македония", "Түндүк Македония"),
    ],
)
def test_renamed_countries_are_translated(reference_data, code, en, ru, ky):
    assert _names("country", code) == {"en": en, "ru": ru, "ky": ky}


def test_no_country_is_left_in_latin_letters_in_kyrgyz_or_russian(reference_data):
    untranslated = [
        (v.code, v.name_ru, v.name_ky)
        for v in ReferenceValue.objects.filter(kind="country")
        if any(ch.isascii() and ch.isalpha() for ch in v.name_ru + v.name_ky)
    ]
    assert untranslated == []


def test_language_names_in_kyrgyz_and_russian(reference_data):
    assert _names("language", "ky") == {"en": "Kyrgyz", "ru": "Кыргызский", "ky": "Кыргызча"}
    assert _names("language", "uz")["ky"] == "Өзбекче"
    assert _names("language", "other")["ru"] == "Другой"


def test_pick_list_shows_the_readers_language(reference_data):
    with translation.override("ru"):
        assert reference_labels("country")["TR"] == "Турция"
    with translation.override("ky"):
        assert reference_labels("country")["TR"] == "Түркия"


def test_existing_database_gets_the_names_by_migration(reference_data):
    # What pycountry's catalogues had put in a database before.
    ReferenceValue.objects.filter(kind="country", code="TR").update(
        name_en="Turkey", name_ru="Турция", name_ky="Turkey"
    )
    ReferenceValue.objects.filter(kind="country", code="KG").update(name_ru="Киргизия")
    apply_cldr_names(ReferenceValue)
    assert _names("country", "TR")["ky"] == "Түркия"
    assert _names("country", "TR")["en"] == "Türkiye"
    assert _names("country", "KG")["ru"] == "Кыргызстан"


def test_case_form_offers_countries_in_russian(client, login, caseworker, make_person):
    caseworker.user.language = "ru"
    caseworker.user.save()
    person = make_person(caseworker)
    login(caseworker)
    page = client.get(f"/cases/open/{person.pk}/").content.decode()
    assert ">Кыргызстан<" in page and ">Турция<" in page
    assert "Киргизия" not in page
