"""Words in context: one English word in two senses gets two translations, Django's own
messages read correctly in Kyrgyz, XLSX sheets are named in the reader's words, and the
screening rule set's text can be translated.

Some of these tests check the translations themselves: they pass once the translators
have filled in the catalogue entries the code side marked (see apps/core/django_overrides).
"""

import io
import re
from datetime import date
from pathlib import Path

import django
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from django.core.validators import DecimalValidator
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext, pgettext

import apps.core.django_overrides as overrides
import apps.screening.indicator_data as indicator_data
from apps.core.spreadsheets import sheet_name
from apps.screening.models import Indicator, RuleSet
from apps.screening.services import record_screening

DJANGO_LOCALE = Path(django.__file__).parent / "conf" / "locale"
# A placeholder glued to a letter: "%(max)sорундан", "ондук сандын%(max)s".
GLUED = re.compile(r"(%\([a-z_]+\)[sd]|%[sd])[^\W\d_]|[^\W\d_](%\([a-z_]+\)[sd]|%[sd])")
KEYWORDS = {"gettext_noop": None, "ngettext_lazy": (1, 2)}


def _extracted(module) -> list:
    """What makemessages takes from a module: msgids, and (singular, plural) pairs."""
    return [message for _, message, _, _ in extract_from_file("python", module.__file__, KEYWORDS)]


def _speaking(membership, language):
    membership.user.language = language
    membership.user.save(update_fields=["language"])
    return membership


# --- Django's own messages ------------------------------------------------------------


def test_overridden_messages_are_exactly_djangos():
    # A msgid that differs by one character overrides nothing: each must be Django's own.
    with open(DJANGO_LOCALE / "en" / "LC_MESSAGES" / "django.po", "rb") as po:
        django_ids = {m.id for m in read_po(po) if m.id}
    listed = _extracted(overrides)
    assert len(listed) >= 10
    missing = [m for m in listed if m not in django_ids and m not in overrides.HISTORY_EVENTS]
    assert missing == []


def test_history_events_are_the_ones_simple_history_shows():
    from apps.cases.models import Case

    field = Case.history.model._meta.get_field("history_type")
    with translation.override("en"):
        assert {str(label) for _, label in field.choices} == set(overrides.HISTORY_EVENTS)


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_djangos_messages_keep_a_space_between_a_number_and_a_word(language):
    glued = []
    with translation.override(language):
        for message in _extracted(overrides):
            if isinstance(message, tuple):
                texts = [ngettext(*message, n) for n in (1, 2, 5)]
            else:
                texts = [gettext(message)]
            glued += [t for t in texts if GLUED.search(t)]
    assert glued == []


def test_kyrgyz_form_says_how_many_digits_with_a_space(
    client, login, caseworker, make_person, make_case
):
    case = make_case(caseworker, make_person(caseworker), assigned_to=caseworker.user)
    login(_speaking(caseworker, "ky"))
    r = client.post(
        f"/assistance/case/{case.pk}/delivered/",
        {
            "service_type": "economic_support",
            "delivered_on": "2026-03-05",
            "amount": "1234567890123",
            "currency": "KGS",
        },
    )
    assert r.status_code in (200, 400)
    with translation.override("ky"):
        message = str(DecimalValidator(12, 2).messages["max_digits"] % {"max": 12})
    assert escape(message) in r.content.decode()
    assert not message.startswith("Ensure")  # Kyrgyz, not English
    assert re.search(r"12\s+[^\W\d_]", message), message  # "12 орундан", never "12орундан"


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_history_events_are_in_the_readers_language(language):
    with translation.override(language):
        untranslated = [e for e in overrides.HISTORY_EVENTS if gettext(e) == e]
    assert untranslated == []


# --- one word, two senses -------------------------------------------------------------


@pytest.mark.parametrize("language", ["ky", "ru"])
@pytest.mark.parametrize(
    "word, one_sense, other_sense",
    [
        ("From", "start date", "referral sender"),
        ("To", "end date", "referral recipient"),
        ("Name", "organisation", "person"),
    ],
)
def test_a_word_in_two_senses_has_two_translations(language, word, one_sense, other_sense):
    with translation.override(language):
        one, other = pgettext(one_sense, word), pgettext(other_sense, word)
    assert word not in (one, other)
    assert one != other


def test_an_agencys_name_is_not_a_persons_full_name(client, login, org, make_member):
    monitor = _speaking(make_member(org, "monitor"), "ru")
    login(monitor)
    page = client.get("/agencies/new/").content.decode()
    label = re.search(r'<label for="id_name"[^>]*>(.*?)</label>', page, re.S)[1]
    assert "Название" in label
    assert "ФИО" not in label


# --- XLSX sheet names -----------------------------------------------------------------


def test_sheet_names_follow_excels_rules():
    taken: set[str] = set()
    names = [
        sheet_name("Victims by form of exploitation, sex and age at exploitation", taken),
        sheet_name("Victims by form of exploitation, sex and age at exploitation", taken),
        sheet_name("Calls [by]: region/topic? *all* \\ 'x'", taken),
        sheet_name("'Quoted'", taken),
        sheet_name("", taken),
        sheet_name("NOTES", taken),
        sheet_name("notes", taken),
    ]
    assert all(0 < len(n) <= 31 for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    assert not any(set("[]:*?/\\") & set(n) for n in names)
    assert not any(n.startswith("'") or n.endswith("'") for n in names)
    assert names[0].startswith("Victims by") and names[0].endswith("exploitation")
    assert names[5:] == ["NOTES", "notes (2)"]


@pytest.mark.parametrize(
    "language, title", [("ru", "Жертвы по гражданству"), ("en", "Victims by citizenship")]
)
def test_report_sheets_are_named_in_the_readers_words(org, language, title):
    from openpyxl import load_workbook

    from apps.statistics.report import ReportScope, build_report
    from apps.statistics.writers import write_xlsx

    report = build_report(ReportScope(date(2025, 1, 1), date(2025, 12, 31), (org.pk,)))
    book = load_workbook(io.BytesIO(write_xlsx(report, language)))
    assert title in book.sheetnames
    for name in book.sheetnames:
        assert "_" not in name, name
        assert len(name) <= 31
    # The table's code is still there for a program reading the file.
    assert book[title]["B1"].value == "victims_by_citizenship"


# --- the screening rule set -----------------------------------------------------------


def test_the_rule_sets_text_is_marked_for_translation(db):
    marked = _extracted(indicator_data)
    rule_set = RuleSet.objects.get(version="2026.1")
    assert rule_set.description in marked


def test_a_rule_set_unknown_to_the_catalogue_is_shown_as_written(db):
    rule_set = RuleSet(version="2099.1", description="A rule written by an administrator.")
    with translation.override("ky"):
        assert rule_set.explanation() == "A rule written by an administrator."


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_screening_page_explains_the_rule_in_the_readers_language(
    client, login, caseworker, make_person, language
):
    person = make_person(caseworker)
    screening = record_screening(membership=caseworker, person=person, answers={"confined": "yes"})
    login(_speaking(caseworker, language))
    page = client.get(f"/screenings/{screening.pk}/").content.decode()
    rule_set = screening.rule_set
    assert escape(rule_set.description) not in page  # the English wording
    with translation.override(language):
        assert escape(rule_set.explanation()) in page
    # The questions are data in three languages.
    confined = Indicator.objects.get(code="confined")
    assert escape(getattr(confined, f"text_{language}")) in page
