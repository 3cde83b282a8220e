"""The list and the form on a desktop (1280 px) and a phone (375 px).

Each test saves its screenshots in test-artifacts/screenshots/, or in the
folder ``SCREENSHOTS_DIR`` names: ``make screenshots`` refreshes the ones in
docs/screenshots/ that the README shows.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from clients.management.commands.load_demo import DEMO_CLIENTS
from clients.models import CLIENT_FIELDS, Client

SCREENSHOTS = Path(
    os.environ.get("SCREENSHOTS_DIR") or Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
)
LIST_PATH = "/administracion/clientes/"
DESKTOP, PHONE = 1280, 375


@pytest.fixture
def demo(make_user, log_in):
    """The demo clients, seen by the demo administrator, as in the README."""
    for row in DEMO_CLIENTS:
        Client.objects.create(**dict(zip(CLIENT_FIELDS, row, strict=True)))
    log_in(make_user("view_client", "add_client", "change_client", username="admin"))


def show_at(page, width, path):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(path)


def assert_fits_the_screen(page, width):
    """Nothing makes the whole page scroll sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def save(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_list_fits_the_screen(page, demo, width):
    show_at(page, width, LIST_PATH)
    expect(page.get_by_role("cell", name="Ñandú S.A.S.", exact=True)).to_be_visible()
    assert_fits_the_screen(page, width)
    for control in ["Consultar", "Limpiar", "Crear"]:
        expect(page.get_by_role("main").get_by_text(control, exact=True)).to_be_in_viewport()
    table = page.locator(".table-responsive")
    scrolls_sideways = table.evaluate("element => element.scrollWidth > element.clientWidth")
    # A phone scrolls the table, not the page, and says so; a desktop shows it whole.
    assert scrolls_sideways == (width == PHONE)
    hint = page.get_by_text("Deslice la tabla hacia los lados para ver todas las columnas.")
    expect(hint).to_be_visible(visible=width == PHONE)
    save(page, f"list-{width}")


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_create_form_fits_the_screen(page, demo, width):
    show_at(page, width, f"{LIST_PATH}crear/")
    for label, value in [
        ("Nombre", "Claro Colombia"),
        ("SLA óptimo (segundos)", "20"),
        ("SLA bajo (segundos)", "90"),
        ("Máximo de conversaciones históricas", "10"),
        ("Número de intentos", "3"),
        ("Tiempo máximo de inactividad (segundos)", "300"),
    ]:
        page.get_by_label(label).fill(value)
    page.evaluate("document.activeElement.blur()")
    expect(page.locator(".sla-bands-bar")).to_be_visible()
    assert_fits_the_screen(page, width)
    for field in page.locator("main input:visible").all():
        box = field.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    save(page, f"create-{width}")


def test_the_menu_works_on_a_phone(page, demo):
    show_at(page, PHONE, "/")
    expect(page.get_by_role("button", name="Administración")).to_be_hidden()
    page.get_by_role("button", name="Mostrar menú").click()
    page.get_by_role("button", name="Administración").click()
    page.get_by_role("link", name="Clientes", exact=True).click()
    expect(page.get_by_role("heading", name="Clientes")).to_be_visible()
