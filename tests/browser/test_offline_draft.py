"""Weak connections (issue 17): an operator logging a call loses nothing when the connection
drops. The entry is kept in the tab, said so in a banner, and sent when the connection returns;
a page reloaded before it was sent gets the entry back."""

import re

import pytest

from apps.hotline.models import Call
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARY = "Sister called: her daughter's passport was taken by a recruiter in Osh"


def drafts(page):
    return page.evaluate(
        "() => Object.keys(sessionStorage).filter(k => k.startsWith('koldoo-draft:'))"
    )


def fill_intake(page):
    page.goto("/hotline/new/")
    page.check("input[name=channel][value=phone]")
    page.check("input[name=caller_category][value=relative]")
    page.check("input[name=urgency][value=urgent]")
    page.check("input[name=topics][value=missing_relative]")
    page.fill("textarea[name=summary]", SUMMARY)
    page.select_option("select[name=outcome]", "information_given")


def test_call_logged_offline_is_kept_and_sent_when_the_connection_returns(page, org, make_member):
    operator = make_member(org, "operator")
    page.set_viewport_size({"width": 360, "height": 740})  # an old phone
    sign_in(page, operator.user.email, PASSWORD)
    fill_intake(page)

    page.context.set_offline(True)
    page.click("#intake-form button[type=submit]")
    banner = page.locator("[data-draft-banner]")
    banner.wait_for(state="visible")
    assert "Not sent: no connection" in banner.inner_text()
    assert "/hotline/new/" in page.url
    assert page.input_value("textarea[name=summary]") == SUMMARY
    assert len(drafts(page)) == 1
    stored = page.evaluate("k => sessionStorage.getItem(k)", drafts(page)[0])
    assert "csrfmiddlewaretoken" not in stored
    assert not Call.objects.filter(is_draft=False).exists()

    page.context.set_offline(False)
    page.wait_for_url(re.compile(r".*/hotline/\d+/$"))
    call = Call.objects.get(is_draft=False)
    assert call.summary == SUMMARY
    assert drafts(page) == []


def test_a_page_reloaded_before_sending_gets_the_entry_back_until_sign_out(page, org, make_member):
    operator = make_member(org, "operator")
    sign_in(page, operator.user.email, PASSWORD)
    fill_intake(page)

    # "Connected" to a network that does not reach the server: the autosave gets no answer,
    # so the check before sending is made, and fails too.
    def nothing_gets_through(route):
        if route.request.resource_type in ("fetch", "xhr"):
            route.abort()
        else:
            route.continue_()

    page.route("**/*", nothing_gets_through)
    with page.expect_event("requestfailed"):
        page.fill("input[name=caller_name]", "Гүлнара")
        page.locator("input[name=caller_name]").blur()
    page.click("#intake-form button[type=submit]")
    page.locator("[data-draft-banner]").wait_for(state="visible")
    page.unroute("**/*")
    # A draft left in this tab by someone else (their session ended without signing out).
    page.evaluate("() => sessionStorage.setItem('koldoo-draft:999.999:/hotline/new/', '{}')")

    page.reload()
    banner = page.locator("[data-draft-banner]")
    banner.wait_for(state="visible")
    assert "filled in again" in banner.inner_text()
    assert page.input_value("textarea[name=summary]") == SUMMARY
    assert page.is_checked("input[name=urgency][value=urgent]")
    assert page.is_checked("input[name=topics][value=missing_relative]")
    assert not Call.objects.filter(is_draft=False).exists()
    assert len(drafts(page)) == 1 and "999.999" not in drafts(page)[0]

    # Signing out ends the draft: the next person at this computer never sees it.
    page.click("form[action='/accounts/logout/'] button[type=submit]")
    page.wait_for_load_state()
    assert drafts(page) == []


def test_an_entry_lost_on_the_way_to_the_server_comes_back_in_its_form(page, org, make_member):
    operator = make_member(org, "operator")
    sign_in(page, operator.user.email, PASSWORD)
    fill_intake(page)

    # The server looked reachable, but the connection dropped while the entry was on its way.
    page.route(
        "**/hotline/new/",
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    with page.expect_event("requestfailed", lambda request: request.method == "POST"):
        page.click("#intake-form button[type=submit]")
    page.wait_for_load_state()
    page.unroute("**/hotline/new/")
    # Back (the failed page took the form's place in the history), then the intake again.
    page.go_back()
    page.goto("/hotline/new/")
    page.locator("[data-draft-banner]").wait_for(state="visible")
    assert page.input_value("textarea[name=summary]") == SUMMARY

    page.click("#intake-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/hotline/\d+/$"))
    assert Call.objects.get(is_draft=False).summary == SUMMARY
    assert drafts(page) == []
