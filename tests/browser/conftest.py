"""Headless Chromium (Debian's, never a downloaded one) driven by Playwright."""

import pytest

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    p = context.new_page()
    p.set_default_timeout(15_000)
    yield p
    context.close()


def sign_in(page, email, password):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def check_register_file(page, csv_text: str) -> None:
    """Upload `csv_text` on the register import page and wait for the check's answer
    (the preview, or the problems): nothing is saved yet."""
    page.goto("/people/import/")
    page.set_input_files(
        "input[type=file]",
        {"name": "register.csv", "mimeType": "text/csv", "buffer": csv_text.encode()},
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Check the file").click()
