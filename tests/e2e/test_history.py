"""The change history is one click from the list, and reads as text."""

from playwright.sync_api import expect

from ..factories import ClientFactory


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
