"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Playwright never downloads a browser here; without /usr/bin/chromium the tests skip.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make around it are still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 740}


PASSWORD = "correct-horse-battery"  # what tests.factories.UserFactory gives every user


def sign_in(page, user):
    """Fill in the sign-in form the page shows, as a person would."""
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()


def assert_accessible(page, where: str):
    """axe-core finds no serious or critical violation on the page as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"{where}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in serious
    )


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_phone(chromium):
    """Opens a fresh phone-sized browser (no cookies, no history) each time it is called."""
    contexts = []

    def open_phone(**options):
        options = {"viewport": PHONE, "is_mobile": True, "has_touch": True, **options}
        context = chromium.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()
