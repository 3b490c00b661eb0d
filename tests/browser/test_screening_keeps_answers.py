"""Answers given while the screening form reacts to the "under 18" question are never
overwritten when the reaction comes back, however slow the link."""

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_answers_given_while_the_wording_reaction_is_in_flight_are_kept(
    page, org, make_member, make_person
):
    from apps.screening.models import Indicator

    worker = make_member(org, "case_worker")
    person = make_person(worker)
    indicators = list(Indicator.objects.filter(active=True))
    child = next(i for i in indicators if i.child_text_en)
    five = [i for i in indicators if i != child][:5]

    # A slow link: the htmx reaction to "under 18" is held until the five answers and a
    # note are given, then let through (no timing involved).
    held = []

    def hold_preview(route):
        if route.request.method == "POST" and "action=preview" in (route.request.post_data or ""):
            held.append(route)
        else:
            route.continue_()

    sign_in(page, worker.user.email, PASSWORD)
    page.goto(f"/screenings/new/?person={person.pk}")
    page.route("**/screenings/new/**", hold_preview)

    page.check("#id_under_18_at_exploitation_0")  # yes: the questions switch to child wording
    page.wait_for_function("document.querySelector('#under-18.htmx-request') !== null")
    for n, indicator in enumerate(five):
        page.check(f"#id_answer_{indicator.code}_{n % 2}")  # yes, no, yes, no, yes
    page.fill(f"#id_note_{five[0].code}", "Passport kept by the employer")
    assert len(held) == 1

    with page.expect_response(lambda r: "screenings/new" in r.url and r.request.method == "POST"):
        held[0].continue_()
    page.wait_for_function(
        "text => document.getElementById('screening-form').innerText.includes(text)",
        arg=child.child_text_en,
    )

    for n, indicator in enumerate(five):
        assert page.is_checked(f"#id_answer_{indicator.code}_{n % 2}"), indicator.code
    assert page.input_value(f"#id_note_{five[0].code}") == "Passport kept by the employer"
    assert page.is_checked("#id_under_18_at_exploitation_0")

    # Recorded as answered, not as "unknown".
    with page.expect_navigation():
        page.click("button[name=action][value=save]")
    from apps.screening.models import Screening

    answers = Screening.objects.get().answers
    assert [answers[i.code] for i in five] == ["yes", "no", "yes", "no", "yes"]
