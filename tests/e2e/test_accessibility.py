"""axe-core finds no accessibility problem on any page (tests/vendor/axe-core)."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from clients.models import Client

from ..factories import ClientFactory
from .keyboard import tab_stops

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"


def axe_violations(page):
    """Run every axe rule on the page as it is shown.

    axe is evaluated through the DevTools protocol rather than added as a
    ``<script>``, so the page keeps its Content-Security-Policy while it is
    checked, exactly as users get it.
    """
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => (await axe.run()).violations.map(violation => ({
            rule: violation.id,
            help: violation.help,
            where: violation.nodes.map(node => node.target.join(" ")),
        }))"""
    )


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)


@pytest.fixture
def clients(db):
    ClientFactory(code=700, name="Ñandú S.A.S.")
    ClientFactory(code=701, name="Telefónica", status="inactive")


@pytest.mark.parametrize(
    "path",
    [
        "/administracion/clientes/",
        "/administracion/clientes/?code=abc&status=inactive",
        "/administracion/clientes/crear/",
        "/administracion/clientes/700/editar/",
        "/administracion/clientes/700/historial/",
        "/administracion/clientes/700/editar/?restaurar=abc",
    ],
)
def test_pages_have_no_accessibility_violations(page, log_in, manager, clients, path):
    log_in(manager)
    page.goto(path)
    assert_accessible(page)


def test_create_form_with_errors_has_no_accessibility_violations(page, log_in, manager, clients):
    log_in(manager)
    page.goto("/administracion/clientes/crear/")
    page.get_by_label("Nombre").fill("Claro")
    for label, value in [
        ("SLA óptimo (segundos)", "90"),
        ("SLA bajo (segundos)", "30"),
        ("Máximo de conversaciones históricas", "1"),
        ("Número de intentos", "1"),
        ("Tiempo máximo de inactividad (segundos)", "60"),
    ]:
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Guardar").click()
    page.get_by_role("alert").get_by_text("Revise 1 campo").wait_for()
    assert_accessible(page)


def test_saved_message_and_open_menu_have_no_accessibility_violations(
    page, log_in, manager, clients
):
    log_in(manager)
    page.goto("/administracion/clientes/700/editar/")
    page.get_by_role("button", name="Guardar").click()
    page.get_by_text("Cliente actualizado").wait_for()
    page.get_by_role("button", name="Administración").click()
    page.get_by_role("link", name="Clientes", exact=True).wait_for()
    assert_accessible(page)


def edit_conflict(page):
    """The edit form refused because someone else saved after it was loaded."""
    page.goto("/administracion/clientes/700/editar/")
    page.get_by_label("Nombre").fill("Mi cambio")
    someone_else = Client.objects.get(code=700)
    someone_else.name = "Otro cambio"
    someone_else.save()
    page.get_by_role("button", name="Guardar").click()
    page.get_by_text("Otro usuario modificó este cliente; revise los cambios.").wait_for()


def test_edit_conflict_has_no_accessibility_violations(page, log_in, manager, clients):
    log_in(manager)
    edit_conflict(page)
    assert_accessible(page)


def test_login_page_has_no_accessibility_violations(page):
    page.goto("/accounts/login/")
    assert_accessible(page)


def assert_every_tab_stop_shows_the_focus(page, more_than=10):
    stops = tab_stops(page)
    assert len(stops) > more_than
    hidden = [stop["element"] for stop in stops if not (stop["outline"] or stop["ring"])]
    assert hidden == []


@pytest.mark.parametrize(
    "path", ["/administracion/clientes/", "/administracion/clientes/700/editar/"]
)
def test_every_tab_stop_shows_the_focus(page, log_in, manager, clients, path):
    log_in(manager)
    page.goto(path)
    assert_every_tab_stop_shows_the_focus(page)


def test_every_tab_stop_of_an_edit_conflict_shows_the_focus(page, log_in, manager, clients):
    log_in(manager)
    edit_conflict(page)
    # The focus starts on the error summary (issue 16): the stops that follow are the form's.
    expect(page.get_by_role("alert")).to_be_focused()
    assert_every_tab_stop_shows_the_focus(page, more_than=8)
