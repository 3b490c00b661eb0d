"""Weak connections (issue 17): an operator logging a call loses nothing when the connection
drops. The entry is kept in the tab, said so in a banner, and sent when the connection returns;
a page reloaded before it was sent gets the entry back. What is kept is encrypted under the
signed-in session's key (decision 0032): the tab's storage never holds a caller's name or phone."""

import re

import pytest

from apps.hotline.models import Call
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARY = "Sister called: her daughter's passport was taken by a recruiter in Osh"
CALLER_NAME = "Гүлнара Асанова"
CALLER_PHONE = "+996 555 123 456"


def drafts(page):
    return page.evaluate(
        "() => Object.keys(sessionStorage).filter(k => k.startsWith('koldoo-draft:'))"
    )


def stored_text(page):
    """Everything the tab's sessionStorage holds, keys and values, as one text."""
    return page.evaluate(
        "() => Object.keys(sessionStorage).map(k => k + '=' + sessionStorage.getItem(k)).join(' ')"
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
    page.fill("input[name=caller_name]", CALLER_NAME)

    page.context.set_offline(True)  # the connection drops in the middle of the intake
    page.fill("input[name=caller_phone]", CALLER_PHONE)
    page.click("#intake-form button[type=submit]")
    banner = page.locator("[data-draft-banner]")
    banner.wait_for(state="visible")
    assert "Not sent: no connection" in banner.inner_text()
    assert "/hotline/new/" in page.url
    assert page.input_value("textarea[name=summary]") == SUMMARY
    assert len(drafts(page)) == 1
    stored = stored_text(page)
    for typed in (CALLER_NAME, "Гүлнара", CALLER_PHONE, "555 123 456", "555123456", "Osh"):
        assert typed not in stored
    assert "csrfmiddlewaretoken" not in stored and "caller_name" not in stored
    first_seal = page.evaluate("k => JSON.parse(sessionStorage.getItem(k)).iv", drafts(page)[0])
    # What is typed after the banner appeared is kept too, sealed anew with a fresh IV.
    page.fill("input[name=caller_phone]", CALLER_PHONE + "7")
    page.wait_for_function(
        "([k, iv]) => JSON.parse(sessionStorage.getItem(k)).iv !== iv",
        arg=[drafts(page)[0], first_seal],
    )
    assert "555 123 4567" not in stored_text(page)
    assert not Call.objects.filter(is_draft=False).exists()

    page.context.set_offline(False)
    page.wait_for_url(re.compile(r".*/hotline/\d+/$"))
    call = Call.objects.get(is_draft=False)
    assert call.summary == SUMMARY
    assert call.caller_name == CALLER_NAME
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

    assert "Гүлнара" not in stored_text(page)

    # Signing out ends the draft: the next person at this computer never sees it, and the
    # page they see carries no key.
    page.click("form[action='/accounts/logout/'] button[type=submit]")
    page.wait_for_load_state()
    assert drafts(page) == []
    assert page.evaluate("() => sessionStorage.length") == 0
    page.goto("/accounts/login/")
    assert page.get_attribute("meta[name=koldoo-draft-key]", "content") == ""


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


def test_a_draft_from_an_earlier_sign_in_is_dropped_without_a_word(page, org, make_member):
    operator = make_member(org, "operator")
    sign_in(page, operator.user.email, PASSWORD)
    fill_intake(page)
    page.context.set_offline(True)
    page.click("#intake-form button[type=submit]")
    page.locator("[data-draft-banner]").wait_for(state="visible")
    key = drafts(page)[0]
    sealed = page.evaluate("k => sessionStorage.getItem(k)", key)
    page.context.set_offline(False)
    page.wait_for_url(re.compile(r".*/hotline/\d+/$"))

    # Signed out and in again (a new key); the old sealed draft is put back in the tab.
    page.click("form[action='/accounts/logout/'] button[type=submit]")
    page.wait_for_load_state()
    sign_in(page, operator.user.email, PASSWORD)
    page.evaluate("([k, v]) => sessionStorage.setItem(k, v)", [key, sealed])
    page.goto("/hotline/new/")
    page.wait_for_function("k => sessionStorage.getItem(k) === null", arg=key)
    assert page.locator("[data-draft-banner]").is_hidden()
    assert page.input_value("textarea[name=summary]") == ""


def test_without_webcrypto_nothing_is_kept_yet_the_entry_is_sent_when_the_connection_returns(
    page, org, make_member
):
    """A page not served over HTTPS has no crypto.subtle: no draft rather than plain text."""
    page.add_init_script(
        "Object.defineProperty(Crypto.prototype, 'subtle', {get: () => undefined, configurable: true})"
    )
    operator = make_member(org, "operator")
    sign_in(page, operator.user.email, PASSWORD)
    fill_intake(page)
    page.fill("input[name=caller_name]", CALLER_NAME)

    page.context.set_offline(True)
    page.click("#intake-form button[type=submit]")
    banner = page.locator("[data-draft-banner]")
    banner.wait_for(state="visible")
    assert "could not be kept" in banner.inner_text()
    assert drafts(page) == [] and CALLER_NAME not in stored_text(page)
    assert page.input_value("input[name=caller_name]") == CALLER_NAME

    page.context.set_offline(False)
    page.wait_for_url(re.compile(r".*/hotline/\d+/$"))
    assert Call.objects.get(is_draft=False).caller_name == CALLER_NAME
    assert drafts(page) == []
