"""How name search orders namesakes: in SQL, by token count, then exact spelling."""

from apps.people.models import PersonNameKey
from apps.people.selectors import search_people
from apps.people.services import reindex_names


def test_namesake_written_as_typed_comes_before_other_scripts(caseworker, make_person):
    # Registered first (lower ids), the same name in Latin letters.
    latin = [
        make_person(caseworker, given_name="Aigul", family_name="Tolonbaeva") for _ in range(3)
    ]
    cyrillic = make_person(caseworker, given_name="Айгүл", family_name="Төлөнбаева")
    found = search_people(caseworker, "Айгүл Төлөнбаева")
    assert found[0] == cyrillic
    assert set(found[1:4]) == set(latin)
    assert search_people(caseworker, "Aigul Tolonbaeva")[3] == cyrillic


def test_family_name_alone_lists_the_spelling_typed_first(caseworker, make_person):
    for _ in range(3):
        make_person(caseworker, given_name="Aigul", family_name="Tolonbaeva")
    cyrillic = make_person(caseworker, given_name="Нургүл", family_name="Төлөнбаева")
    # More people hold the token than the page shows: the one-token shortcut answers.
    assert search_people(caseworker, "Төлөнбаева", limit=2)[0] == cyrillic
    assert search_people(caseworker, "Төлөнбаева")[0] == cyrillic


def test_name_with_as_many_tokens_as_the_query_comes_first(caseworker, make_person):
    longer = make_person(
        caseworker, given_name="Aigul", family_name="Tolonbaeva", patronymic="Asanovna"
    )
    exact = make_person(caseworker, given_name="Aigul", family_name="Tolonbaeva")
    assert search_people(caseworker, "Aigul Tolonbaeva") == [exact, longer]
    assert search_people(caseworker, "Aigul Tolonbaeva Asanovna")[0] == longer


def test_reindex_fills_in_the_shape_a_bulk_writer_left_out(caseworker, make_person):
    latin = make_person(caseworker, given_name="Aigul", family_name="Tolonbaeva")
    cyrillic = make_person(caseworker, given_name="Айгүл", family_name="Төлөнбаева")
    # As the register import's COPY writes them: keys without their shape.
    PersonNameKey.objects.update(tokens=None, spelling=None)
    assert search_people(caseworker, "Айгүл Төлөнбаева") == [latin, cyrillic]
    list(reindex_names(batch=1))
    assert search_people(caseworker, "Айгүл Төлөнбаева") == [cyrillic, latin]
    assert not PersonNameKey.objects.filter(tokens=None).exists()


def test_family_name_alone_prefers_it_over_a_longer_name_one_letter_away(caseworker, make_person):
    # "ivanova" is also "ivanovna" with one letter deleted.
    make_person(caseworker, given_name="Anna", family_name="Petrova", patronymic="Ivanovna")
    ivanovas = [make_person(caseworker, given_name="Olga", family_name="Ivanova") for _ in range(2)]
    assert search_people(caseworker, "Ivanova", limit=2) == ivanovas
