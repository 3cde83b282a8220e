"""Importar in the browser: upload a file, read the preview, Confirmar."""

import re
import threading

import pytest
from playwright.sync_api import expect

from clients import progress
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


#: Kept in the tab's sessionStorage, which outlives the navigation: each state
#: of the busy note, as a user would see it. While the form's request runs,
#: Playwright cannot look at the page (it waits for the navigation), so the
#: page writes down what it shows, and the test reads it on the next page.
RECORD_BUSY_NOTES = """
document.addEventListener("DOMContentLoaded", () => {
    const note = document.querySelector(".busy-note");
    if (!note) {
        return;
    }
    const bar = note.querySelector("progress");
    new MutationObserver(() => {
        const states = JSON.parse(sessionStorage.getItem("busy-notes") || "[]");
        states.push({
            role: note.getAttribute("role"),
            text: note.textContent.replace(/\\s+/g, " ").trim(),
            label: bar.getAttribute("aria-label"),
            shown: bar.getBoundingClientRect().width > 0,
            value: bar.hasAttribute("value") ? bar.value : null,
        });
        sessionStorage.setItem("busy-notes", JSON.stringify(states));
    }).observe(note, {subtree: true, childList: true, characterData: true, attributes: true});
});
"""


@pytest.fixture
def paused(monkeypatch):
    """Chunks of two rows, and each request waits at its first progress past
    40 % until the page has been told it twice (so it has shown it)."""
    monkeypatch.setattr("clients.importing.CHUNK_SIZE", 2)
    record, read = progress.Tracker.__call__, progress.read
    told = {"check": threading.Semaphore(0), "import": threading.Semaphore(0)}
    waited = set()

    def pausing(tracker, phase, done=1, total=1):
        record(tracker, phase, done, total)
        if phase in told and phase not in waited and tracker.last["percent"] >= 40:
            waited.add(phase)
            for _time in range(2):
                told[phase].acquire(timeout=10)

    def reading(token):
        state = read(token)
        if state and state["phase"] in waited:
            told[state["phase"]].release()
        return state

    monkeypatch.setattr(progress.Tracker, "__call__", pausing)
    monkeypatch.setattr(progress, "read", reading)


def busy_notes(page):
    return page.evaluate("() => JSON.parse(sessionStorage.getItem('busy-notes') || '[]')")


def shown_midway(notes, words):
    """The first state of the note that showed the bar and ``words`` at 40 % or more
    (later ones may already say 100 %)."""
    pattern = re.escape(words) + r" [4-9]0 %"
    midway = [note for note in notes if note["shown"] and re.fullmatch(pattern, note["text"])]
    assert midway, notes
    return midway[0]


def test_the_check_and_confirm_show_their_progress(page, log_in, manager, paused):
    page.add_init_script(RECORD_BUSY_NOTES)
    log_in(manager)
    page.goto("/administracion/clientes/importar/")
    page.get_by_label("Archivo").set_input_files(
        csv_file(*(row(code, f"Cliente número {code}") for code in range(10, 20)))
    )
    page.get_by_role("button", name="Vista previa").click()
    expect(page.get_by_role("heading", name="Vista previa de la importación")).to_be_visible()
    expect(page.locator("#count-created")).to_have_text("10")
    midway = shown_midway(busy_notes(page), "Comprobando el archivo…")
    assert 40 <= midway["value"] < 100
    assert (midway["role"], midway["label"]) == ("status", "Progreso de la importación")

    page.evaluate("() => sessionStorage.removeItem('busy-notes')")
    page.get_by_role("button", name="Confirmar").click()
    expect(
        page.get_by_text("Importación aplicada: 10 clientes creados, 0 actualizados.")
    ).to_be_visible()
    expect(page).to_have_url(f"/administracion/lotes/{Batch.objects.get().pk}/")
    assert 40 <= shown_midway(busy_notes(page), "Importando…")["value"] < 100
    assert Client.objects.count() == 10


def test_the_progress_is_shown_and_accessible(page, log_in, manager):
    """The bar and its words as the polls report them, checked by axe; the
    form is kept from leaving so that the page can be looked at."""
    log_in(manager)
    page.goto("/administracion/clientes/importar/")
    page.get_by_label("Archivo").set_input_files(csv_file(row(10)))
    page.locator("form[data-progress-url]").evaluate(
        "form => form.addEventListener('submit', (event) => event.preventDefault())"
    )
    page.get_by_role("button", name="Vista previa").click()
    token = page.locator("input[data-progress-token]").input_value()
    progress.Tracker(token)(progress.CHECK, 2_345, 10_000)
    status = page.get_by_role("status").filter(has=page.get_by_role("progressbar"))
    expect(status).to_have_text("Comprobando el archivo… 20 %")
    bar = page.get_by_role("progressbar", name="Progreso de la importación")
    expect(bar).to_have_attribute("value", "23")
    assert_accessible(page)
    progress.Tracker(token)(progress.SAVE)
    expect(status).to_have_text("Escribiendo en la base de datos…")
    expect(bar).not_to_have_attribute("value", re.compile(".*"))  # indeterminate
    assert_accessible(page)


@pytest.mark.browser_context(java_script_enabled=False)
def test_without_javascript_the_import_works_as_before(page, log_in, manager):
    log_in(manager)
    page.goto("/administracion/clientes/importar/")
    page.get_by_label("Archivo").set_input_files(csv_file(row(10), row(11)))
    page.get_by_role("button", name="Vista previa").click()
    expect(page.locator("#count-created")).to_have_text("2")
    expect(page.get_by_role("progressbar")).to_be_hidden()
    page.get_by_role("button", name="Confirmar").click()
    expect(page).to_have_url(f"/administracion/lotes/{Batch.objects.get().pk}/")
    assert Client.objects.count() == 2


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


def test_a_preview_no_longer_available_says_so_accessibly(context, log_in, manager):
    """Its own tab: the page answers 404, which the browser reports as an error."""
    log_in(manager)
    tab = context.new_page()
    tab.goto("/administracion/clientes/importar/999/")
    expect(
        tab.get_by_role("heading", name="Esta vista previa ya no está disponible")
    ).to_be_visible()
    tab.get_by_role("link", name="Volver a subir el archivo").click()
    expect(tab.get_by_role("heading", name="Importar clientes")).to_be_visible()
    tab.goto("/administracion/clientes/importar/999/")
    assert_accessible(tab)
