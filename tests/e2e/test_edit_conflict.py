"""Two people edit the same client in two browsers: the second is shown the
conflict once, beside the stored values, and chooses whose values to keep."""

import re

import pytest
from django.conf import settings
from django.test import Client as DjangoClient
from playwright.sync_api import expect

from clients.models import Client

from ..factories import ClientFactory

LIST_PATH = "/administracion/clientes/?status=active"
EDIT_PATH = f"/administracion/clientes/700/editar/?next={LIST_PATH.replace('?', '%3F')}"
STALE = "Otro usuario modificó este cliente; revise los cambios."


@pytest.fixture
def ana_saves_first(browser, live_server, make_user, log_in, page):
    """Ana and Luis (``page``) open the edit form of client 700; Ana saves a new name."""
    ClientFactory(code=700, name="Original", status="active")
    log_in(make_user("view_client", "change_client", username="luis"))
    page.goto(EDIT_PATH)

    ana = DjangoClient()
    ana.force_login(make_user("view_client", "change_client", username="ana"))
    cookie = ana.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(base_url=live_server.url, locale="es-ES")
    try:
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        ana_page = context.new_page()
        ana_page.goto(EDIT_PATH)
        ana_page.get_by_label("Nombre").fill("Cambio de Ana")
        ana_page.get_by_role("button", name="Guardar").click()
        expect(ana_page.get_by_role("alert")).to_contain_text(
            "Cliente actualizado: 700 · Cambio de Ana"
        )
    finally:
        context.close()
    return page


def luis_saves_and_is_refused(page):
    page.get_by_label("Nombre").fill("Cambio de Luis")
    page.get_by_label("Estado").select_option(label="Inactivo")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("alert")).to_have_text(STALE)
    expect(page.get_by_text(STALE)).to_have_count(1)
    stored = page.get_by_role("region", name=re.compile("^Valores guardados por ana el "))
    expect(stored).to_contain_text("Cambio de Ana")
    # What Luis typed is still in the form.
    expect(page.get_by_label("Nombre")).to_have_value("Cambio de Luis")
    expect(page.get_by_label("Estado")).to_have_value("inactive")
    return stored


def test_the_second_editor_keeps_their_values_with_one_more_save(ana_saves_first):
    page = ana_saves_first
    luis_saves_and_is_refused(page)

    page.get_by_role("button", name="Guardar").click()

    expect(page.get_by_role("alert")).to_contain_text("Cliente actualizado: 700 · Cambio de Luis")
    expect(page).to_have_url(re.compile(re.escape(LIST_PATH) + "$"))
    stored = Client.objects.get(code=700)
    assert (stored.name, stored.status, stored.version) == ("Cambio de Luis", "inactive", 3)


def test_the_second_editor_can_take_the_stored_values(ana_saves_first):
    page = ana_saves_first
    stored = luis_saves_and_is_refused(page)

    stored.get_by_role("link", name="Usar los valores guardados").click()

    expect(page.get_by_role("region")).to_have_count(0)
    expect(page.get_by_label("Nombre")).to_have_value("Cambio de Ana")
    expect(page.get_by_label("Estado")).to_have_value("active")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("alert")).to_contain_text("Cliente actualizado: 700 · Cambio de Ana")
    expect(page).to_have_url(re.compile(re.escape(LIST_PATH) + "$"))
    assert Client.objects.get(code=700).version == 3
