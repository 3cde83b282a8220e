"""Select three clients, change their SLA bajo in bulk, confirm, see the batch, undo it."""

import re

from playwright.sync_api import expect

from clients.models import Batch, Client

from ..factories import ClientFactory
from .keyboard import tab_to
from .test_accessibility import assert_accessible


def low_slas():
    return dict(Client.objects.order_by("code").values_list("code", "sla_low_seconds"))


def test_bulk_edit_three_clients_then_undo(page, log_in, manager):
    for code in (31, 32, 33, 34):
        ClientFactory(code=code, name=f"Cliente {code}", sla_optimal_seconds=20, sla_low_seconds=60)
    log_in(manager)
    page.goto("/administracion/clientes/")
    assert_accessible(page)
    for code in (31, 32, 33):
        page.get_by_role("checkbox", name=f"Seleccionar Cliente {code}").check()
    page.get_by_role("button", name="Editar seleccionados").click()

    expect(
        page.get_by_role("heading", name=re.compile("Editar clientes seleccionados"))
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("SLA bajo (segundos)").fill("90")
    page.get_by_role("button", name="Vista previa").click()
    expect(page.get_by_text("3 clientes cambiarán.")).to_be_visible()
    expect(page.locator(".history-changes ins")).to_have_text(["90", "90", "90"])
    assert_accessible(page)
    assert low_slas() == {31: 60, 32: 60, 33: 60, 34: 60}

    page.get_by_role("button", name="Confirmar").click()
    batch = Batch.objects.get()
    expect(page).to_have_url(batch.get_absolute_url())
    expect(page.get_by_role("alert")).to_contain_text("3 clientes cambiados")
    expect(page.locator(".history-changes del")).to_have_text(["60", "60", "60"])
    assert_accessible(page)
    assert low_slas() == {31: 90, 32: 90, 33: 90, 34: 60}

    page.get_by_role("button", name="Deshacer").click()
    undo = Batch.objects.get(kind="undo")
    expect(page).to_have_url(undo.get_absolute_url())
    expect(page.get_by_role("alert")).to_contain_text(f"Lote {batch.pk} deshecho")
    assert low_slas() == {31: 60, 32: 60, 33: 60, 34: 60}

    page.get_by_role("link", name="Lotes").first.click()
    expect(page.get_by_role("link", name=f"Lote {undo.pk}")).to_be_visible()
    assert_accessible(page)


def test_select_all_on_the_page_with_the_keyboard(page, log_in, manager):
    for code in (41, 42):
        ClientFactory(code=code, name=f"Cliente {code}")
    log_in(manager)
    page.goto("/administracion/clientes/")
    select_all = page.get_by_role("checkbox", name="Seleccionar todos en esta página")
    tab_to(page, select_all)
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Seleccionar Cliente 41")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Seleccionar Cliente 42")).to_be_checked()
    page.get_by_role("checkbox", name="Seleccionar Cliente 42").uncheck()
    assert select_all.evaluate("box => box.indeterminate")
    page.get_by_role("button", name="Editar seleccionados").click()
    expect(page.get_by_role("cell", name="Cliente 41")).to_be_visible()
    expect(page.get_by_role("cell", name="Cliente 42")).to_have_count(0)


def test_on_a_phone_the_preview_opens_where_it_is(page, log_in, manager):
    """Below the six fields the preview was a screen further down, out of sight."""
    for code in (51, 52):
        ClientFactory(code=code, name=f"Cliente {code}", sla_optimal_seconds=20, sla_low_seconds=60)
    log_in(manager)
    page.set_viewport_size({"width": 375, "height": 700})
    page.goto("/administracion/clientes/")
    for code in (51, 52):
        page.get_by_role("checkbox", name=f"Seleccionar Cliente {code}").check()
    page.get_by_role("button", name="Editar seleccionados").click()
    page.get_by_label("SLA bajo (segundos)").fill("90")
    page.get_by_role("button", name="Vista previa").click()
    expect(page.get_by_role("heading", name="Vista previa")).to_be_in_viewport()
    expect(page.get_by_role("button", name="Confirmar")).to_be_in_viewport()
