"""Real Chromium (Debian's, driven by Playwright) against pytest-django's live server.

One browser for all the browser tests; a new context, so fresh cookies, for
each test. Without a ``chromium`` on the PATH the tests are skipped and say
why, unless ``REQUIRE_BROWSER_TESTS=1`` (set by CI) turns that into a failure.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client as DjangoClient
from playwright.sync_api import expect, sync_playwright

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
TIMEOUT_MS = 10_000  # generous for a busy CI machine; a passing step takes far less

phase_reports = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so fixtures know whether it failed."""
    report = yield
    item.stash.setdefault(phase_reports, {})[report.when] = report
    return report


@pytest.fixture(scope="package")
def browser():
    if CHROMIUM is None:
        message = "browser tests need Chromium: apt-get install chromium (CI installs it)"
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API keeps an event loop running in this thread, and
    # Django refuses ORM calls from a thread with a running loop otherwise.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        expect.set_options(timeout=TIMEOUT_MS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server, request):
    """A fresh browser profile that talks Spanish, like the users of the app,
    and asks for no animations, so that what a test measures has settled.

    ``@pytest.mark.browser_context(java_script_enabled=False)`` and the like
    change its options.
    """
    marker = request.node.get_closest_marker("browser_context")
    options = {
        "base_url": live_server.url,
        "locale": "es-ES",
        "viewport": {"width": 1280, "height": 900},
        "reduced_motion": "reduce",
        **(marker.kwargs if marker else {}),
    }
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context, request):
    """A tab that fails the test on any browser error (a CSP refusal, a missing
    file, a script error) and leaves a screenshot in test-artifacts/ when the
    test fails."""
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    yield page
    reports = request.node.stash.get(phase_reports, {})
    if any(report.failed for report in reports.values()):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    else:
        assert errors == [], "the browser reported errors"


@pytest.fixture
def log_in(context, live_server):
    """Log a user in through a session cookie; the manual walk uses the login form."""

    def log_in(user):
        django_client = DjangoClient()
        django_client.force_login(user)
        cookie = django_client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return log_in
