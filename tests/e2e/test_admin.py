"""The Django admin in a real browser: no Content-Security-Policy refusal, no
missing file (the page fixture fails the test on any console error), and the
history page in Spanish."""

import pytest
from playwright.sync_api import expect

from ..factories import ClientFactory, UserFactory
from .test_accessibility import AXE


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def changed_client(superuser):
    client = ClientFactory(code=41, name="Telefónica", created_by=superuser)
    client.name = "Telefónica Colombia"
    client.record_change_by(superuser)
    client.save()
    return client


def test_change_page_loads_without_browser_errors(page, log_in, superuser, changed_client):
    log_in(superuser)
    page.goto(f"/admin/clients/client/{changed_client.pk}/change/")
    expect(page.locator("#id_name")).to_have_value("Telefónica Colombia")
    expect(page.get_by_text("Versión")).to_be_hidden()  # the version stays, as a hidden input


def test_history_page_in_spanish_without_browser_errors(page, log_in, superuser, changed_client):
    log_in(superuser)
    page.goto(f"/admin/clients/client/{changed_client.pk}/history/")
    table = page.locator("#change-history")
    expect(table).to_contain_text("Modificado por")
    expect(table).to_contain_text("Telefónica → Telefónica Colombia")
    expect(page.locator("#content")).not_to_contain_text("Versión")
    expect(page.locator("body")).not_to_contain_text("View history")


def test_a_past_version_loads_without_browser_errors(page, log_in, superuser, changed_client):
    log_in(superuser)
    page.goto(f"/admin/clients/client/{changed_client.pk}/history/")
    page.get_by_role("link", name="41 · Telefónica", exact=True).click()
    expect(page.locator("#id_name")).to_have_value("Telefónica")
    expect(page.locator(".breadcrumbs")).to_contain_text("Ver cliente")


@pytest.mark.parametrize("view", ["change", "history"])
def test_admin_pages_have_no_accessibility_problem(page, log_in, superuser, changed_client, view):
    log_in(superuser)
    page.goto(f"/admin/clients/client/{changed_client.pk}/{view}/")
    assert admin_axe_violations(page) == []


def admin_axe_violations(page):
    """axe's rules, without its preloading of style sheets: it rebuilds the admin's
    ``@import``ed sheets as inline styles, which the CSP (rightly) refuses."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => (await axe.run(document, {preload: false})).violations.map(
            violation => ({rule: violation.id, where: violation.nodes.map(node => node.target)}))"""
    )
