"""The user manual's walk through Administración > Clientes, in a real browser."""

import re

from playwright.sync_api import expect

from clients.models import Client

from ..factories import ClientFactory
from .keyboard import focus_is_shown, tab_to

LIST_PATH = "/administracion/clientes/"


def rows(page):
    return page.locator("main table tbody tr")


def row_of(page, name):
    return rows(page).filter(has=page.get_by_role("cell", name=name, exact=True))


def fill_client(page, **values):
    labels = {
        "name": "Nombre",
        "sla_optimal_seconds": "SLA óptimo (segundos)",
        "sla_low_seconds": "SLA bajo (segundos)",
        "max_history_conversations": "Máximo de conversaciones históricas",
        "inactivity_alert_attempts": "Número de intentos",
        "max_inactivity_seconds": "Tiempo máximo de inactividad (segundos)",
    }
    for field, value in values.items():
        page.get_by_label(labels[field]).fill(str(value))


def test_the_manual_walk(page, make_user):
    make_user("view_client", "add_client", "change_client", username="ana")
    ClientFactory(code=7, name="Bancolombia")

    page.goto("/")
    login_form = page.locator("main form")
    login_form.get_by_label("Nombre de usuario").fill("ana")
    login_form.get_by_label("Contraseña").fill("s3cret-pass")
    login_form.get_by_role("button", name="Iniciar sesión").click()

    page.get_by_role("button", name="Administración").click()
    page.get_by_role("link", name="Clientes", exact=True).click()
    expect(page).to_have_url(re.compile(f"{LIST_PATH}$"))
    expect(page.get_by_role("heading", name="Clientes")).to_be_visible()

    page.get_by_role("link", name="Crear").click()
    expect(page.get_by_role("heading", name="Crear cliente")).to_be_visible()
    expect(page.get_by_label("Código")).to_have_value("8")
    fill_client(
        page,
        name="Telefónica",
        sla_optimal_seconds=20,
        sla_low_seconds=90,
        max_history_conversations=10,
        inactivity_alert_attempts=3,
        max_inactivity_seconds=300,
    )
    page.get_by_role("button", name="Guardar").click()

    expect(page.get_by_role("alert")).to_contain_text("Cliente creado: 8 · Telefónica")
    expect(row_of(page, "Telefónica")).to_contain_text("1 min 30 s")
    expect(rows(page)).to_have_count(2)

    page.get_by_label("Nombre").fill("telefonica")
    page.get_by_role("button", name="Consultar").click()
    expect(rows(page)).to_have_count(1)
    expect(row_of(page, "Telefónica")).to_be_visible()

    page.get_by_role("link", name="Limpiar").click()
    expect(rows(page)).to_have_count(2)
    expect(page.get_by_label("Nombre")).to_have_value("")

    page.get_by_role("link", name="Editar Telefónica").click()
    expect(page.get_by_label("Código")).to_be_disabled()
    page.get_by_label("Estado").select_option(label="Inactivo")
    page.get_by_role("button", name="Guardar").click()

    expect(page.get_by_role("alert")).to_contain_text("Cliente actualizado: 8 · Telefónica")
    expect(row_of(page, "Telefónica").get_by_text("Inactivo")).to_be_visible()
    expect(row_of(page, "Bancolombia").get_by_text("Activo")).to_be_visible()
    assert Client.objects.get(code=8).status == "inactive"


def test_a_form_error_is_shown_next_to_its_field(page, log_in, manager):
    log_in(manager)
    page.goto(f"{LIST_PATH}crear/")
    fill_client(
        page,
        name="Claro",
        sla_optimal_seconds=60,
        sla_low_seconds=30,
        max_history_conversations=10,
        inactivity_alert_attempts=3,
        max_inactivity_seconds=300,
    )
    page.get_by_role("button", name="Guardar").click()

    low_sla = page.get_by_label("SLA bajo (segundos)")
    # Beside the field (the error summary at the top says it too).
    error = page.locator(".invalid-feedback").get_by_text(
        "El SLA bajo debe ser mayor que el SLA óptimo."
    )
    expect(error).to_be_visible()
    expect(low_sla).to_have_attribute("aria-invalid", "true")
    field_box, error_box = low_sla.bounding_box(), error.bounding_box()
    assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 20, "right below"
    assert abs(error_box["x"] - field_box["x"]) < 5, "aligned with the field"
    # What the user typed is kept, and nothing was saved.
    expect(page.get_by_label("Nombre")).to_have_value("Claro")
    assert not Client.objects.exists()


def test_the_query_form_by_keyboard_alone(page, log_in, manager):
    ClientFactory(code=1, name="Telefónica", status="active")
    ClientFactory(code=2, name="Teleperformance", status="inactive")
    ClientFactory(code=3, name="Bancolombia", status="inactive")
    log_in(manager)
    page.goto(LIST_PATH)

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Saltar al contenido")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")

    name = page.get_by_label("Nombre")
    tab_to(page, name)
    assert focus_is_shown(page)
    page.keyboard.type("tele")
    page.keyboard.press("Tab")
    status = page.get_by_label("Estado")
    expect(status).to_be_focused()
    assert focus_is_shown(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(status).to_have_value("inactive")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Consultar")).to_be_focused()
    page.keyboard.press("Enter")

    expect(rows(page)).to_have_count(1)
    expect(row_of(page, "Teleperformance")).to_be_visible()

    clear = page.get_by_role("link", name="Limpiar")
    tab_to(page, clear)
    assert focus_is_shown(page)
    page.keyboard.press("Enter")
    expect(rows(page)).to_have_count(3)


def test_the_create_form_by_keyboard_alone(page, log_in, manager):
    ClientFactory(code=41, name="Bancolombia")
    log_in(manager)
    page.goto(LIST_PATH)

    create = page.get_by_role("link", name="Crear")
    tab_to(page, create)
    assert focus_is_shown(page)
    page.keyboard.press("Enter")

    code = page.get_by_label("Código")
    tab_to(page, code)
    expect(code).to_have_value("42")
    assert focus_is_shown(page)
    for value in ["Ñandú S.A.S.", "30", "120", "5", "2", "600"]:
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    expect(page.get_by_label("Tiempo máximo de inactividad (segundos)")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("alert")).to_contain_text("Cliente creado: 42 · Ñandú S.A.S.")
    expect(row_of(page, "Ñandú S.A.S.")).to_contain_text("2 min")
    client = Client.objects.get(code=42)
    assert (client.sla_optimal_seconds, client.max_inactivity_seconds) == (30, 600)
