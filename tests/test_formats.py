"""Counts are grouped as the reader's language writes them (issue 16): Spanish
1.234, English 1,234; codes are identifiers and are never grouped."""

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import translation

from clients.batches import NAMED_AT_MOST, named
from clients.bulk import BulkWriter
from clients.durations import spell_seconds
from clients.formats import grouped
from clients.models import Batch

from .commands import csv_file, row, run
from .factories import ClientFactory, form_data, valid_client
from .test_bulk_edit import confirm, confirm_fields, preview
from .test_web_import import csv_upload, latest_pending, upload

pytestmark = pytest.mark.django_db

LIST_URL = "/administracion/clientes/"
BATCHES_URL = "/administracion/lotes/"


def many(count, user=None, kind=None, first=1):
    """``count`` clients, codes ``first`` on, written cheaply as one bulk write."""
    with transaction.atomic(), BulkWriter(user, kind=kind) as writer:
        for code in range(first, first + count):
            writer.add(valid_client(code=code, name=f"Cliente {code}"))
        writer.apply()
    return writer.batch


def in_english(browser):
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return browser


def page(response):
    return response.content.decode()


@pytest.mark.parametrize(("language", "expected"), [("es", "1.234.567"), ("en", "1,234,567")])
def test_grouped_uses_the_active_languages_separator(language, expected):
    with translation.override(language):
        assert grouped(1234567) == expected
        assert grouped(999) == "999"


# --- Pages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("english", "expected"), [(False, "1.234 clientes"), (True, "1,234 clients")]
)
def test_the_lists_count_is_grouped(manager_client, english, expected):
    many(1234)
    browser = in_english(manager_client) if english else manager_client
    assert expected in page(browser.get(LIST_URL))


def test_the_batch_pages_and_the_undo_message_group_the_count(manager_client, manager):
    batch = many(1234, manager, Batch.Kind.COMMAND)
    assert '<td class="text-end" data-label="Clientes">1.234</td>' in page(
        manager_client.get(BATCHES_URL)
    )
    detail = page(manager_client.get(batch.get_absolute_url()))
    assert '<dd class="col-sm-9">1.234</dd>' in detail
    assert "los 1.234 clientes" in detail
    undone = page(manager_client.post(f"{BATCHES_URL}{batch.pk}/deshacer/", follow=True))
    assert "1.234 clientes que había creado el lote quedaron inactivos" in undone


def test_the_undo_message_in_english(manager_client, manager):
    batch = many(1234, manager, Batch.Kind.COMMAND)
    browser = in_english(manager_client)
    undone = page(browser.post(f"{BATCHES_URL}{batch.pk}/deshacer/", follow=True))
    assert "1,234 clients the batch had created were deactivated" in undone


@pytest.mark.parametrize(
    ("english", "header", "changing", "applied"),
    [
        (False, "1.000 clientes", "1.000 clientes cambiarán", "aplicada: 1.000 clientes"),
        (True, "1,000 clients", "1,000 clients will change", "applied: 1,000 clients"),
    ],
)
def test_the_bulk_edit_groups_its_counts(manager_client, english, header, changing, applied):
    many(1000)
    browser = in_english(manager_client) if english else manager_client
    response = preview(browser, range(1, 1001), max_history_conversations=7)
    assert header in page(response) and changing in page(response)
    done = confirm(browser, confirm_fields(response))
    assert applied in page(browser.get(done.url))


@pytest.mark.parametrize(
    ("english", "applied"),
    [
        (False, "Importación aplicada: 1.234 clientes creados"),
        (True, "Import applied: 1,234 clients created"),
    ],
)
def test_the_web_import_groups_its_counts(manager_client, english, applied):
    browser = in_english(manager_client) if english else manager_client
    rows = [row(code, name=f"Cliente {code}") for code in range(1, 1235)]
    response = upload(browser, csv_upload(*rows))
    created = "1,234" if english else "1.234"
    assert f'id="count-created">{created}<' in page(response)
    confirmed = browser.post(f"/administracion/clientes/importar/{latest_pending().pk}/confirmar/")
    assert applied in page(browser.get(confirmed.url))


def test_the_web_import_groups_its_rejected_rows(manager_client):
    rows = [row(code, status="bogus") for code in range(1, 1235)]
    html = page(upload(manager_client, csv_upload(*rows)))
    assert 'id="count-rejected">1.234<' in html
    assert "Se muestran los primeros 1.000 de 1.234." in html


# --- Messages and commands -------------------------------------------------------------


def test_the_import_command_groups_its_summary(tmp_path):
    path = csv_file(tmp_path, *[row(code, name=f"Cliente {code}") for code in range(1, 1235)])
    status, out, _err = run("import_clients", str(path), "--dry-run")
    assert status == 0 and "Creados: 1.234" in out
    status, out, _err = run("import_clients", str(path), "--dry-run", "--lang", "en")
    assert status == 0 and "Created: 1,234" in out


def test_the_import_command_groups_its_rejected_rows(tmp_path):
    path = csv_file(tmp_path, *[row(code, status="bogus") for code in range(1, 1235)])
    status, out, err = run("import_clients", str(path))
    assert status == 1 and "rechazados: 1.234." in out
    assert err == "1.234 filas rechazadas: no se importó nada."


def test_a_long_list_of_codes_groups_how_many_more_but_not_the_codes():
    codes = list(range(1001, 1001 + NAMED_AT_MOST + 1234))
    with translation.override("es"):
        assert named(codes).startswith("1001, 1002,")
        assert named(codes).endswith("y 1.234 más")
    with translation.override("en"):
        assert named(codes).endswith("and 1,234 more")


def test_durations_group_the_hours():
    with translation.override("es"):
        assert spell_seconds(1234 * 3600) == "1.234 horas"
    with translation.override("en"):
        assert spell_seconds(1234 * 3600) == "1,234 hours"


# --- Codes are identifiers -------------------------------------------------------------


def test_code_1001_is_never_grouped_in_the_list_messages_and_history(manager_client):
    created = manager_client.post(
        "/administracion/clientes/crear/", form_data(code=1001, name="Mil Uno"), follow=True
    )
    assert "Cliente creado: 1001 · Mil Uno" in page(created)
    listed = page(manager_client.get(LIST_URL))
    assert ">1001<" in listed and "1.001" not in listed
    history = page(manager_client.get("/administracion/clientes/1001/historial/"))
    assert "1001" in history and "1.001" not in history
    ClientFactory(code=1002)
    assert "1.002" not in page(manager_client.get(LIST_URL))


def test_the_admin_history_groups_its_count_of_entries(admin_client):
    client = ClientFactory(code=1001)
    first = client.history.get()
    fields = [f.attname for f in first._meta.fields if f.attname != "history_id"]
    copies = [type(first)(**{name: getattr(first, name) for name in fields}) for _ in range(1233)]
    type(first).objects.bulk_create(copies)
    html = page(admin_client.get(f"/admin/clients/client/{client.pk}/history/"))
    assert "1.234 entradas" in html
