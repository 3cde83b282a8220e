"""Importar in the browser: upload a file, read the preview, Confirmar."""

from playwright.sync_api import expect

from clients.models import Batch, Client

from ..commands import HEADER, row
from ..factories import ClientFactory
from .test_accessibility import assert_accessible


def csv_file(*rows):
    text = "\n".join([HEADER, *rows]) + "\n"
    return {"name": "clientes.csv", "mimeType": "text/csv", "buffer": text.encode()}


def test_upload_preview_and_confirm(page, log_in, manager):
    ClientFactory(code=1, name="Claro", sla_optimal_seconds=20, sla_low_seconds=60)
    log_in(manager)
    page.goto("/administracion/clientes/")
    page.get_by_role("link", name="Importar").click()
    expect(page.get_by_role("heading", name="Importar clientes")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Archivo").set_input_files(
        csv_file(row(1, "Claro Colombia"), row(2, "Ñandú S.A.S."), row(3, "Telefónica"))
    )
    page.get_by_label("Actualizar clientes existentes").check()
    page.get_by_role("button", name="Vista previa").click()

    expect(page.get_by_role("heading", name="Vista previa de la importación")).to_be_visible()
    expect(page.locator("#count-created")).to_have_text("2")
    expect(page.locator("#count-updated")).to_have_text("1")
    expect(page.locator("#count-rejected")).to_have_text("0")
    changed = page.locator("#changed-clients")
    expect(changed).to_contain_text("1 · Claro Colombia")
    expect(changed.locator("li").first).to_have_text("Nombre: Claro → Claro Colombia")
    assert_accessible(page)
    assert Client.objects.count() == 1  # nothing written yet

    page.get_by_role("button", name="Confirmar").click()
    expect(
        page.get_by_text("Importación aplicada: 2 clientes creados, 1 actualizados.")
    ).to_be_visible()
    batch = Batch.objects.get()
    expect(page).to_have_url(f"/administracion/lotes/{batch.pk}/")
    assert sorted(Client.objects.values_list("code", "name")) == [
        (1, "Claro Colombia"),
        (2, "Ñandú S.A.S."),
        (3, "Telefónica"),
    ]


def test_rejected_rows_are_shown_and_there_is_no_confirm(page, log_in, manager):
    log_in(manager)
    page.goto("/administracion/clientes/importar/")
    page.get_by_label("Archivo").set_input_files(csv_file(row(5), row(6, optimal=90, low=30)))
    page.get_by_role("button", name="Vista previa").click()
    expect(page.locator("#count-rejected")).to_have_text("1")
    rejected = page.locator("#rejected-rows tbody tr")
    expect(rejected).to_have_count(1)
    expect(rejected.locator("td").first).to_have_text("3")
    expect(rejected).to_contain_text("El SLA bajo debe ser mayor que el SLA óptimo.")
    expect(page.get_by_role("button", name="Confirmar")).to_have_count(0)
    assert_accessible(page)


def test_a_bad_file_gets_a_message_next_to_the_field(page, log_in, manager):
    log_in(manager)
    page.goto("/administracion/clientes/importar/")
    page.get_by_label("Archivo").set_input_files(
        {"name": "ventas.csv", "mimeType": "text/csv", "buffer": "Ñandú".encode("latin-1")}
    )
    page.get_by_role("button", name="Vista previa").click()
    message = "ventas.csv no es texto UTF-8 (línea 1); guárdelo como UTF-8."
    # Beside the field, and in the summary at the top, which links to it.
    expect(page.get_by_text(message, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=f"Archivo: {message}")).to_have_attribute(
        "href", "#id_file"
    )
    assert_accessible(page)


def test_a_file_over_the_limit_is_refused_before_it_is_sent(page, log_in, manager, settings):
    settings.UPLOAD_MAX_BYTES = 100
    log_in(manager)
    page.goto("/administracion/clientes/importar/")
    page.get_by_label("Archivo").set_input_files(csv_file(row(5), row(6), row(7)))
    message = page.get_by_label("Archivo").evaluate("input => input.validationMessage")
    assert message.startswith("El archivo pesa más de 100")
