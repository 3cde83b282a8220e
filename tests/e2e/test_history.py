"""The change history is one click from the list, and reads as text."""

import re

from playwright.sync_api import expect

from ..factories import ClientFactory
from .test_accessibility import assert_accessible


def test_the_history_icon_opens_the_history_whose_values_are_not_links(page, log_in, manager):
    client = ClientFactory(code=41, name="Telefónica", created_by=manager)
    client.name = "Telefónica Colombia"
    client.record_change_by(manager)
    client.save()
    log_in(manager)
    page.goto("/administracion/clientes/")
    page.get_by_role("link", name="Historial de cambios Telefónica Colombia").click()
    expect(page).to_have_url("/administracion/clientes/41/historial/", ignore_case=False)
    new_value = page.locator(".history-changes ins").first
    expect(new_value).to_have_text("Telefónica Colombia")
    # Underlined text reads as a link; these values are not links.
    assert new_value.evaluate("element => getComputedStyle(element).textDecorationLine") == "none"
    assert new_value.evaluate("element => element.closest('a')") is None


def test_restore_a_past_version_from_the_history(page, log_in, manager):
    client = ClientFactory(code=42, name="Claro", sla_low_seconds=60, sla_optimal_seconds=20)
    client.name, client.status = "Claro Colombia", "inactive"
    client.record_change_by(manager)
    client.save()
    log_in(manager)
    page.goto("/administracion/clientes/42/historial/")
    # Only the past entry (the creation) can be restored.
    restore = page.get_by_role("link", name=re.compile("^Restaurar"))
    expect(restore).to_have_count(1)
    assert_accessible(page)
    restore.press("Enter")
    expect(page.get_by_label("Nombre")).to_have_value("Claro")
    expect(page.get_by_label("Estado")).to_have_value("active")
    expect(page.get_by_role("status")).to_contain_text("pulse Guardar para restaurarlos")
    assert_accessible(page)
    page.get_by_role("button", name="Guardar").click()
    page.get_by_text("Cliente actualizado").wait_for()
    client.refresh_from_db()
    assert (client.name, client.status) == ("Claro", "active")
