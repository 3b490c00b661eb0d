"""Finding a person by name across Cyrillic and Latin spellings."""

import pytest

from apps.people.name_keys import name_tokens
from apps.people.selectors import search_people


@pytest.mark.parametrize(
    "a,b",
    [
        ("Айгүл", "Aigul"),
        ("Айгүл", "Айгуль"),
        ("Aygül", "Айгул"),
        ("Чыңгыз", "Chyngyz"),
        ("Чыңгыз", "Чынгыз"),
        ("Жээнбеков", "Jeenbekov"),
        ("Жээнбеков", "Zheenbekov"),
        ("Джамиля", "Djamilya"),
        ("Төлөнбаева", "Tolonbaeva"),
        ("Дмитриев", "Dmitriyev"),
        ("Gulnaaa", "Гульна"),
    ],
)
def test_spellings_fold_to_the_same_token(a, b):
    assert name_tokens(a) == name_tokens(b)


def test_patronymic_markers_are_not_keys():
    assert name_tokens("Асан уулу") == ["asan"]
    assert name_tokens("Bakyt kyzy") == ["bakit"]


@pytest.fixture
def registered(caseworker, make_person):
    aigul = make_person(caseworker, given_name="Айгүл", family_name="Төлөнбаева")
    chyngyz = make_person(caseworker, given_name="Chyngyz", family_name="Jeenbekov")
    other = make_person(caseworker, given_name="Анна", family_name="Иванова")
    return aigul, chyngyz, other


@pytest.mark.parametrize(
    "query",
    [
        "Aigul Tolonbaeva",  # Latin for Cyrillic
        "Айгуль Толонбаева",  # Russian keyboard
        "Tolonbaeva Aigul",  # order swapped
        "Aigul Tolonbaev",  # letter missing
        "Aigul Tolonbaeeva",  # letter doubled
        "Aigul Tulonbaeva",  # letter wrong
        "Толонбаева",  # family name only
    ],
)
def test_cyrillic_person_found_by_variants(registered, caseworker, query):
    aigul, _, _ = registered
    found = search_people(caseworker, query)
    assert found and found[0] == aigul


def test_latin_person_found_by_kyrgyz_cyrillic(registered, caseworker):
    _, chyngyz, other = registered
    found = search_people(caseworker, "Жээнбеков Чыңгыз")
    assert found[0] == chyngyz
    assert other not in found


def test_alias_is_searchable(caseworker, make_person):
    p = make_person(
        caseworker, given_name="Nurgul", family_name="Asanova", other_names=["Нургүл Бакирова"]
    )
    assert search_people(caseworker, "Nurgul Bakirova")[0] == p


def test_search_never_crosses_organisations(registered, other_org, make_member):
    stranger = make_member(other_org, "case_worker")
    assert search_people(stranger, "Aigul Tolonbaeva") == []


def test_weaker_role_gets_no_results(registered, org, make_member):
    monitor = make_member(org, "monitor")
    assert search_people(monitor, "Aigul Tolonbaeva") == []


def test_renaming_updates_the_index(registered, caseworker):
    from apps.people.services import update_person

    aigul, _, _ = registered
    update_person(membership=caseworker, person=aigul, data={"family_name": "Осмонова"},
                  expected_version=aigul.version)  # fmt: skip
    assert search_people(caseworker, "Aigul Osmonova")[0] == aigul
    assert aigul not in search_people(caseworker, "Aigul Tolonbaeva")
