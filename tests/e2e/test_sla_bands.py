"""The SLA bands under the SLA fields follow what the user types."""

import pytest
from playwright.sync_api import expect

from clients.durations import humanize_seconds

from ..factories import ClientFactory

CREATE_PATH = "/administracion/clientes/crear/"


@pytest.fixture
def create_form(page, log_in, manager):
    """The create form, open in ``page``."""
    log_in(manager)
    page.goto(CREATE_PATH)


def between(start, end):
    return f"{start} \N{EN DASH} {end}"


def band(page, name):
    return page.locator(f'[data-band="{name}"]')


def band_range(page, name):
    return page.locator(f'[data-band-range="{name}"]')


def width(locator):
    return locator.bounding_box()["width"]


def test_bands_are_drawn_live_as_the_user_types(page, create_form):
    hint = page.get_by_text("Las bandas de nivel de servicio se dibujan aquí")
    expect(hint).to_be_visible()
    expect(band(page, "optimal")).to_be_hidden()

    page.get_by_label("SLA óptimo (segundos)").fill("30")
    page.get_by_label("SLA bajo (segundos)").fill("90")

    expect(hint).to_be_hidden()
    expect(band_range(page, "optimal")).to_have_text(between("0 s", "30 s"))
    expect(band_range(page, "low")).to_have_text(between("30 s", "1 min 30 s"))
    expect(band_range(page, "breached")).to_have_text("más de 1 min 30 s")
    bar = page.locator(".sla-bands-bar")
    expect(bar).to_be_visible()
    # 30 s of green, 60 s of amber, and red beyond: widths in that proportion.
    optimal, low, breached = (width(band(page, name)) for name in ("optimal", "low", "breached"))
    assert low == pytest.approx(2 * optimal, rel=0.05)
    assert optimal + low + breached == pytest.approx(width(bar), abs=1)
    assert [
        band(page, name).evaluate("e => getComputedStyle(e).backgroundColor")
        for name in ("optimal", "low", "breached")
    ] == ["rgb(25, 135, 84)", "rgb(255, 193, 7)", "rgb(220, 53, 69)"]

    page.get_by_label("SLA bajo (segundos)").fill("3600")
    expect(band_range(page, "breached")).to_have_text("más de 1 h")
    assert width(band(page, "low")) > 10 * width(band(page, "optimal"))


def test_bands_give_way_to_a_hint_while_the_slas_cannot_be_drawn(page, create_form):
    optimal_field = page.get_by_label("SLA óptimo (segundos)")
    low_field = page.get_by_label("SLA bajo (segundos)")
    hint = page.get_by_text("Las bandas de nivel de servicio se dibujan aquí")
    # Reversed, missing, not whole, and out of range.
    for optimal, low in [("90", "30"), ("30", ""), ("30", "1.5"), ("0", "30")]:
        optimal_field.fill("20")
        low_field.fill("60")
        expect(band(page, "optimal")).to_be_visible()
        optimal_field.fill(optimal)
        low_field.fill(low)
        expect(band(page, "optimal")).to_be_hidden()
        expect(hint).to_be_visible()


def test_the_edit_form_shows_the_stored_bands(page, log_in, manager):
    ClientFactory(code=5, sla_optimal_seconds=45, sla_low_seconds=150)
    log_in(manager)
    page.goto("/administracion/clientes/5/editar/")
    expect(band_range(page, "low")).to_have_text(between("45 s", "2 min 30 s"))


def test_the_browser_humanizes_seconds_like_the_server(page, create_form):
    optimal = page.get_by_label("SLA óptimo (segundos)")
    page.get_by_label("SLA bajo (segundos)").fill("86400")
    for seconds in [1, 59, 60, 61, 90, 3599, 3600, 3661, 7200, 86_399]:
        optimal.fill(str(seconds))
        expect(band_range(page, "optimal")).to_have_text(between("0 s", humanize_seconds(seconds)))
    expect(band_range(page, "breached")).to_have_text(f"más de {humanize_seconds(86_400)}")


@pytest.mark.browser_context(java_script_enabled=False)
def test_without_javascript_the_bands_stay_hidden_and_the_form_works(page, log_in, manager):
    log_in(manager)
    page.goto(CREATE_PATH)
    expect(page.locator("[data-sla-bands]")).to_be_hidden()
    page.get_by_label("Nombre").fill("Claro")
    for label, value in [
        ("SLA óptimo (segundos)", "20"),
        ("SLA bajo (segundos)", "60"),
        ("Máximo de conversaciones históricas", "10"),
        ("Número de intentos", "3"),
        ("Tiempo máximo de inactividad (segundos)", "300"),
    ]:
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("alert")).to_contain_text("Cliente creado: 1 · Claro")
