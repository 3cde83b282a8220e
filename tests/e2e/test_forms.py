"""The client form guides the user after a refused Guardar, and after a saved
one the user does not lose the client (issue 16, points 4 and 5)."""

import re

from playwright.sync_api import expect

from clients.models import Client

from ..factories import ClientFactory
from .test_accessibility import assert_accessible

LIST_PATH = "/administracion/clientes/"


def fill_valid_client(page):
    for label, value in [
        ("Nombre", "Claro"),
        ("SLA óptimo (segundos)", "20"),
        ("SLA bajo (segundos)", "60"),
        ("Máximo de conversaciones históricas", "10"),
        ("Número de intentos", "3"),
        ("Tiempo máximo de inactividad (segundos)", "300"),
    ]:
        page.get_by_label(label).fill(value)


def test_a_refused_save_guides_to_each_field(page, log_in, manager):
    log_in(manager)
    page.set_viewport_size({"width": 1280, "height": 600})  # the fields are below the fold
    page.goto(f"{LIST_PATH}crear/")
    fill_valid_client(page)
    page.get_by_label("Nombre").fill("")
    page.get_by_label("SLA óptimo (segundos)").fill("0")
    page.get_by_label("Tiempo máximo de inactividad (segundos)").fill("86401")
    page.get_by_role("button", name="Guardar").click()

    # No browser bubble stopped the form: the server answered, in Spanish.
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading", name="Revise 3 campos")).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Nombre: Este campo es obligatorio.",
            "SLA óptimo (segundos): Entre 1 y 86.400 segundos (24 horas).",
            "Tiempo máximo de inactividad (segundos): Entre 1 y 86.400 segundos (24 horas).",
        ]
    )
    inactivity = page.get_by_label("Tiempo máximo de inactividad (segundos)")
    expect(inactivity).to_have_attribute("aria-invalid", "true")
    expect(inactivity).to_have_attribute("max", "86400")  # for assistive technology
    expect(inactivity).not_to_be_in_viewport()
    assert_accessible(page)

    # Each link takes the focus to its field, and shows it with its label.
    summary.get_by_role("link", name=re.compile("^Tiempo máximo")).click()
    expect(inactivity).to_be_focused()
    expect(inactivity).to_be_in_viewport()
    expect(page.locator("label[for=id_max_inactivity_seconds]")).to_be_in_viewport()
    summary.get_by_role("link", name=re.compile("^Nombre")).click()
    expect(page.get_by_label("Nombre")).to_be_focused()
    assert not Client.objects.exists()


def test_the_browser_never_speaks_instead_of_the_server(page, log_in, manager):
    """With novalidate, an empty required field is sent and the server's
    Spanish message answers, not the browser's own bubble."""
    log_in(manager)
    page.goto(f"{LIST_PATH}crear/")
    page.get_by_label("Código").fill("")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("alert")).to_contain_text("Código: Este campo es obligatorio.")
    # The field still says it is required, to assistive technology.
    expect(page.get_by_label("Código")).to_have_attribute("required", "")


def test_a_keyboard_user_lands_on_the_summary_and_tabs_to_its_links(page, log_in, manager):
    log_in(manager)
    page.goto(f"{LIST_PATH}crear/")
    fill_valid_client(page)
    page.get_by_label("Número de intentos").fill("11")
    page.get_by_label("Número de intentos").press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    link = summary.get_by_role("link", name=re.compile("^Número de intentos"))
    expect(link).to_be_focused()
    expect(link).to_contain_text("Entre 0 y 10 intentos.")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Número de intentos")).to_be_focused()


def test_after_an_edit_the_client_is_at_hand_when_the_query_no_longer_finds_it(
    page, log_in, manager
):
    """Issue 16, point 5: renamed out of the query, the client is one link away."""
    ClientFactory(code=700, name="Telefónica")
    log_in(manager)
    page.goto(f"{LIST_PATH}?name=telef")
    page.get_by_role("link", name="Editar Telefónica").click()
    page.get_by_label("Nombre").fill("Claro")
    page.get_by_role("button", name="Guardar").click()

    expect(page).to_have_url(re.compile(r"\?name=telef$"))
    message = page.get_by_role("alert")
    expect(message).to_contain_text("Cliente actualizado: 700 · Claro")
    table = page.locator("main table")
    expect(table).to_contain_text("Ningún cliente coincide con la consulta.")
    expect(table.get_by_role("link", name="Limpiar")).to_have_attribute("href", LIST_PATH)
    assert_accessible(page)

    edit = message.get_by_role("link", name="Editar")
    expect(edit).to_have_attribute("href", f"{LIST_PATH}700/editar/")
    message.get_by_role("link", name="Historial de cambios").click()
    expect(page).to_have_url(re.compile(r"/700/historial/$"))
    expect(page.locator("main")).to_contain_text("Claro")
