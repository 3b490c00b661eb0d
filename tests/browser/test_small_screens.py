"""Koldoo on a phone: at 375 px, in Kyrgyz (the longest labels), every role's main pages
fit the screen without horizontal scrolling, the menu folds behind a button that works
by mouse and keyboard, and sign-out stays reachable. The organisation admin's full menu
fits a 1024 px screen."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
DEMO_PASSWORD = "Koldoo-demo-2026"


@pytest.fixture
def demo(reference_data):
    """The demo organisations, one account per role, and a few people and cases."""
    call_command("seed_demo", people=24, stdout=open("/dev/null", "w"))
    from apps.cases.models import Case

    case = Case.objects.filter(organization__slug="demo-bishkek").order_by("pk").first()
    return {"case": case.pk, "person": case.person_id}


def phone_page(browser, live_server, viewport=PHONE):
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def open_menu(page):
    toggle = page.locator("header .menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def sign_in_in_kyrgyz(page, email):
    sign_in(page, email, DEMO_PASSWORD)
    open_menu(page)
    if page.locator("html").get_attribute("lang") != "ky":
        with page.expect_navigation():
            page.select_option("#language-select", "ky")
    assert page.locator("html").get_attribute("lang") == "ky"


def overflow(page):
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_main_pages_of_every_role_fit_a_375px_phone_in_kyrgyz(browser, live_server, demo):
    person, case = demo["person"], demo["case"]
    pages = {
        "operator@demo.example": ["/hotline/", "/hotline/new/"],
        "caseworker@demo.example": [
            "/people/",
            f"/people/{person}/",
            f"/cases/{case}/",
            f"/assistance/case/{case}/",
        ],
        "admin@demo.example": ["/organisation/", "/statistics/", "/audit/"],
        "shelter@demo.example": ["/referrals/"],
        "coordinator@demo.example": ["/statistics/"],
    }
    too_wide = []
    for email, urls in pages.items():
        page = phone_page(browser, live_server)
        sign_in_in_kyrgyz(page, email)
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, (email, url)
            assert page.locator("html").get_attribute("lang") == "ky"
            if overflow(page) > 0:
                too_wide.append((email, url, page.evaluate("document.documentElement.scrollWidth")))
            # Wide tables scroll in their own labelled box, which the keyboard can reach.
            for box in page.locator(".table-scroll").all():
                assert (
                    box.get_attribute("role") == "region" and box.get_attribute("tabindex") == "0"
                )
                labelled_by = box.get_attribute("aria-labelledby")
                if labelled_by:
                    assert page.locator(f"#{labelled_by}").count() == 1, (url, labelled_by)
                else:
                    assert (box.get_attribute("aria-label") or "").strip(), url
        page.context.close()
    assert too_wide == [], f"pages wider than a 375 px phone: {too_wide}"


def test_menu_button_opens_the_menu_and_sign_out_is_reachable(browser, live_server, demo):
    page = phone_page(browser, live_server)
    sign_in_in_kyrgyz(page, "caseworker@demo.example")
    page.goto("/people/")
    toggle = page.locator("header button.menu-toggle")
    sign_out = page.locator("header form[action='/accounts/logout/'] button")

    # Folded: only the brand and the button show.
    assert toggle.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.get_attribute("aria-controls") == "site-menu"
    assert not sign_out.is_visible()

    # By mouse (a tap).
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert sign_out.is_visible()
    box = sign_out.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.locator("#site-menu a[href='/people/']").is_visible()
    assert page.locator("#site-menu a[href='/accounts/2fa/']").is_visible()  # account security
    assert overflow(page) <= 0

    # By keyboard: Escape folds it and gives focus back; Enter on the button opens it.
    page.locator("#site-menu a[href='/people/']").focus()
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('site-menu').contains(document.activeElement)")

    # Sign-out works from there.
    with page.expect_navigation():
        sign_out.click()
    assert page.goto("/people/").url.split("?")[0].endswith("/accounts/login/")


def test_organisation_admins_menu_fits_1024px_in_kyrgyz(browser, live_server, demo):
    page = phone_page(browser, live_server, viewport={"width": 1024, "height": 768})
    sign_in_in_kyrgyz(page, "admin@demo.example")
    page.goto("/organisation/")
    assert not page.locator("header .menu-toggle").is_visible()
    links = page.locator("#site-menu a, #site-menu button").all()
    assert len(links) >= 12
    for link in links:
        assert link.is_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1024, link.inner_text()
    assert overflow(page) <= 0
