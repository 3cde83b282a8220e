"""The list, the form, the history and the pages of changes (a batch, the batches, the
bulk edit's and the import's previews) on a desktop (1280 px) and a phone (375 px).

Each test saves its screenshots in test-artifacts/screenshots/, or in the
folder ``SCREENSHOTS_DIR`` names: ``make screenshots`` refreshes the ones in
docs/screenshots/ that the README shows.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from playwright.sync_api import expect

from clients.management.commands.load_demo import DEMO_CLIENTS
from clients.models import CLIENT_FIELDS, Batch, Client

from .test_accessibility import assert_accessible

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


def test_between_phone_and_desktop_the_table_scrolls_and_says_so(page, demo):
    show_at(page, 900, LIST_PATH)
    assert_fits_the_screen(page, 900)
    table = page.locator(".table-responsive")
    assert table.evaluate("element => element.scrollWidth > element.clientWidth")
    hint = page.get_by_text("Deslice la tabla hacia los lados para ver todas las columnas.")
    expect(hint).to_be_visible()


def first_card(page):
    return page.locator("main table tbody tr").first


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_list_fits_the_screen(page, demo, width):
    show_at(page, width, LIST_PATH)
    expect(page.get_by_role("cell", name="Ñandú S.A.S.", exact=True)).to_be_visible()
    assert_fits_the_screen(page, width)
    for control in ["Consultar", "Limpiar", "Crear"]:
        expect(page.get_by_role("main").get_by_text(control, exact=True)).to_be_in_viewport()
    # Neither scrolls the table sideways: a desktop shows it whole, a phone as cards.
    table = page.locator(".table-responsive")
    assert not table.evaluate("element => element.scrollWidth > element.clientWidth")
    hint = page.get_by_text("Deslice la tabla hacia los lados para ver todas las columnas.")
    expect(hint).to_be_hidden()
    assert_accessible(page)
    save(page, f"list-{width}")


def test_at_phone_width_each_client_is_a_card_with_its_actions_at_hand(page, demo):
    """Issue 16, point 7: the pencil was eight columns away, past a swipe."""
    show_at(page, PHONE, LIST_PATH)
    card = first_card(page)
    name = card.locator('td[data-column="name"]')
    pencil = card.get_by_role("link", name=re.compile("^Editar "))
    history = card.get_by_role("link", name=re.compile("^Historial de cambios "))
    for action in (pencil, history):
        expect(action).to_be_in_viewport(ratio=1)
    # The name heads the card, the actions beside it; then each value under its label.
    name_box, pencil_box = name.bounding_box(), pencil.bounding_box()
    assert pencil_box["y"] < name_box["y"] + name_box["height"], "on the name's line"
    assert pencil_box["x"] + pencil_box["width"] <= PHONE
    card_box = card.bounding_box()
    assert card_box["width"] <= PHONE
    for label in ["Código", "Estado", "SLA óptimo", "SLA bajo", "Inactividad"]:
        cell = card.locator(f'td[data-label="{label}"]')
        assert cell.evaluate("cell => getComputedStyle(cell, '::before').content") == f'"{label}"'
        expect(cell).to_be_visible()
    expect(card.locator('td[data-column="status"] .badge')).to_be_visible()
    pencil.click()
    expect(page.get_by_role("heading", name="Editar cliente")).to_be_visible()


def test_a_phone_can_still_sort_the_cards(page, demo):
    show_at(page, PHONE, LIST_PATH)
    page.get_by_role("columnheader", name="Nombre").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"sort=name"))
    expect(first_card(page).locator('td[data-column="name"]')).to_have_text("Aerolínea Avianca")


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


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_form_with_errors_fits_the_screen(page, demo, width):
    show_at(page, width, f"{LIST_PATH}crear/")
    page.get_by_label("Nombre").fill("Claro")
    page.get_by_label("SLA óptimo (segundos)").fill("90")
    page.get_by_label("SLA bajo (segundos)").fill("30")
    page.get_by_label("Máximo de conversaciones históricas").fill("101")
    page.get_by_label("Número de intentos").fill("3")
    page.get_by_label("Tiempo máximo de inactividad (segundos)").fill("86401")
    page.get_by_role("button", name="Guardar").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    assert_fits_the_screen(page, width)
    assert_accessible(page)
    save(page, f"form-errors-{width}")


@pytest.fixture
def history(demo):
    """A demo client with a few changes, as its history page shows them; the
    newest made by a batch."""
    client = Client.objects.get(name="Ñandú S.A.S.")
    admin = User.objects.get(username="admin")
    batch = Batch.objects.create(kind=Batch.Kind.BULK_EDIT, created_by=admin, client_count=1)
    for number, changes in enumerate(
        [
            {"name": "Ñandú Servicios S.A.S.", "sla_low_seconds": 240},
            {"status": "inactive"},
            {"max_history_conversations": 50, "inactivity_alert_attempts": 5},
        ]
    ):
        for field, value in changes.items():
            setattr(client, field, value)
        client.record_change_by(admin, batch=batch if number == 2 else None)
        client.save()
    return client


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_history_fits_the_screen(page, history, width):
    show_at(page, width, f"{LIST_PATH}{history.code}/historial/")
    entry = page.locator("main table tbody tr").first
    date, changes = entry.locator(".history-date"), entry.locator(".history-changes")
    expect(changes).to_contain_text("Máximo de conversaciones históricas")
    expect(
        entry.get_by_role("link", name=re.compile(r"^Lote \d+ · Edición masiva$"))
    ).to_be_visible()
    assert_fits_the_screen(page, width)
    date_box, changes_box = date.bounding_box(), changes.bounding_box()
    if width == PHONE:
        # The entry stacks: the changes below the date, nearly the screen's width.
        assert changes_box["y"] >= date_box["y"] + date_box["height"]
        assert changes_box["width"] >= 0.8 * (PHONE - 2 * 16)
    else:
        assert changes_box["y"] == date_box["y"], "a table row"
    assert_accessible(page)
    save(page, f"history-{width}")


def assert_no_table_scrolls(page):
    """Every value in sight: no table hides columns off to the side."""
    hidden = page.locator(".table-responsive").evaluate_all(
        "tables => tables.filter(t => t.scrollWidth > t.clientWidth).length"
    )
    assert hidden == 0


def bulk_edit_preview(page):
    page.goto(LIST_PATH)
    for name in ("Telefónica Colombia", "Ñandú S.A.S.", "Bancolombia"):
        page.get_by_role("checkbox", name=f"Seleccionar {name}").check()
    page.get_by_role("button", name="Editar seleccionados").click()
    page.get_by_label("SLA bajo (segundos)").fill("400")
    page.get_by_role("button", name="Vista previa").click()
    expect(page.get_by_text("3 clientes cambiarán.")).to_be_visible()


def batch_page(page):
    bulk_edit_preview(page)
    page.get_by_role("button", name="Confirmar").click()
    expect(page.get_by_role("button", name="Deshacer")).to_be_visible()


def batch_list(page):
    batch_page(page)
    page.goto("/administracion/lotes/")


def import_preview(page):
    header = ",".join(CLIENT_FIELDS)
    rows = ["1001,Telefónica Colombia S.A.,20,700,10,3,300,active", "2002,Malo,90,60,10,3,300,"]
    page.goto(f"{LIST_PATH}importar/")
    page.get_by_label("Archivo").set_input_files(
        {
            "name": "clientes.csv",
            "mimeType": "text/csv",
            "buffer": "\n".join([header, *rows]).encode(),
        }
    )
    page.get_by_label("Actualizar clientes existentes").check()
    page.get_by_role("button", name="Vista previa").click()
    expect(page.locator("#changed-clients")).to_be_visible()


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
@pytest.mark.parametrize("reach", [bulk_edit_preview, batch_page, batch_list, import_preview])
def test_pages_of_changes_show_every_change_in_full(page, demo, reach, width):
    """At phone width a squeezed three-column table pushed each change's old value
    off the side; the rows stack instead, as the history's do."""
    page.set_viewport_size({"width": width, "height": 800})
    reach(page)
    assert_fits_the_screen(page, width)
    assert_no_table_scrolls(page)
    for old_value in page.locator("main del").all():
        box = old_value.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert_accessible(page)
    save(page, f"{reach.__name__.replace('_', '-')}-{width}")
