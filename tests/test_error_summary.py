"""A form that failed shows a summary of the errors at the top, each message linked to its
field; every aria-describedby names an element that exists; focus moves to the summary
(tests/browser/test_error_summary_focus.py)."""

import re
from html.parser import HTMLParser

from django.utils import timezone

from apps.screening.models import Indicator


class _Page(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.ids, self.described_by, self.summary_links, self.order = set(), [], [], []
        self._in_summary = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get("aria-describedby"):
            self.described_by += attrs["aria-describedby"].split()
        if "data-error-summary" in attrs:
            self._in_summary = 1
            self.order.append("summary")
        elif self._in_summary and tag == "a":
            self.summary_links.append(attrs["href"])
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            self.order.append("field")

    def handle_endtag(self, tag):
        if self._in_summary and tag == "div":
            self._in_summary = 0


def _check(html: str) -> _Page:
    parsed = _Page(html)
    main = html[html.index("<main") :]
    assert "data-error-summary" in main, "no error summary"
    form_page = _Page(main)
    assert form_page.order.index("summary") < form_page.order.index("field"), "summary not on top"
    assert parsed.summary_links, "no links in the summary"
    for href in parsed.summary_links:
        assert href.startswith("#") and href[1:] in parsed.ids, href
    missing = [i for i in parsed.described_by if i not in parsed.ids]
    assert not missing, f"aria-describedby points at ids that do not exist: {missing}"
    return parsed


def test_person_form_summary_links_to_fields(client, login, caseworker):
    login(caseworker)
    r = client.post("/people/new/", {"given_name": "", "birth_date": "1994-13"})
    assert "#id_birth_date" in _check(r.content.decode()).summary_links


def test_case_form_summary_links_to_the_date_and_checkboxes(client, login, caseworker, make_person):
    person = make_person(caseworker)
    login(caseworker)
    r = client.post(
        f"/cases/open/{person.pk}/", {"case_type": "trafficking", "opened_on": "2035-01-01"}
    )
    assert "#id_opened_on" in _check(r.content.decode()).summary_links
    r = client.post(
        f"/cases/open/{person.pk}/",
        {"case_type": "trafficking", "opened_on": "2026-01-01", "exploitation": ["nonsense"]},
    )
    assert "#id_exploitation_0" in _check(r.content.decode()).summary_links  # first box


def test_screening_summary_links_to_the_answer_and_the_note(client, login, caseworker, make_person):
    person = make_person(caseworker)
    login(caseworker)
    code = Indicator.objects.filter(active=True).first().code
    data = {
        "screened_on": timezone.localdate().isoformat(),
        "under_18_at_exploitation": "no",
        "action": "save",
        f"note_{code}": "x" * 1001,
    }
    r = client.post(f"/screenings/new/?person={person.pk}", data)
    assert r.status_code == 400
    links = _check(r.content.decode()).summary_links
    assert f"#id_note_{code}" in links
    assert f"#id_answer_{code}_0" in links  # unanswered: a radio group


def test_hotline_intake_summary(client, login, org, make_member):
    login(make_member(org, "operator"))
    r = client.post("/hotline/new/", {"channel": "phone", "outcome": "follow_up"})
    assert r.status_code == 400
    _check(r.content.decode())


def test_too_long_text_is_not_cut_by_the_browser_but_refused_with_a_message(
    client, login, caseworker, make_person
):
    person = make_person(caseworker)
    login(caseworker)
    blank = client.get(f"/screenings/new/?person={person.pk}").content.decode()
    assert "maxlength" not in blank
    code = Indicator.objects.filter(active=True).first().code
    long_note = "x" * 1200
    r = client.post(
        f"/screenings/new/?person={person.pk}",
        {
            "screened_on": timezone.localdate().isoformat(),
            "under_18_at_exploitation": "no",
            f"note_{code}": long_note,
            "action": "save",
        },  # fmt: skip
    )
    body = r.content.decode()
    assert long_note in body  # kept whole, to be shortened by the person who wrote it
    assert re.search(r"at most 1000 characters \(it has 1200\)", body)
