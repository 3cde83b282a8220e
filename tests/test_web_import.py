"""Importar from the browser: upload, preview, Confirmar (``clients/web_import.py``)."""

import io
import json
import tracemalloc
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients import progress, web_import
from clients.history import history_entries
from clients.models import Batch, Client, PendingImport

from .commands import HEADER, row, stored
from .factories import ClientFactory
from .html import shows
from .test_concurrency import needs_postgresql, run_together

pytestmark = pytest.mark.django_db

IMPORT_URL = "/administracion/clientes/importar/"


def csv_upload(*rows, name="clientes.csv", header=HEADER):
    return SimpleUploadedFile(name, ("\n".join([header, *rows]) + "\n").encode())


def upload(browser, file, update=False, follow=True):
    data = {"file": file, **({"update": "on"} if update else {})}
    return browser.post(IMPORT_URL, data, follow=follow)


def confirm_url(pending):
    return f"{IMPORT_URL}{pending.pk}/confirmar/"


def latest_pending():
    return PendingImport.objects.latest("pk")


def count(html, name):
    """The number the preview shows for ``name`` (created, updated, unchanged, rejected)."""
    start = html.index(f'id="count-{name}">') + len(f'id="count-{name}">')
    return int(html[start : html.index("<", start)])


@pytest.fixture
def existing(db):
    """Clients 1 and 2, as the files below know them."""
    ClientFactory(code=1, name="Telefónica", sla_optimal_seconds=20, sla_low_seconds=60,
                  max_history_conversations=10, inactivity_alert_attempts=3,
                  max_inactivity_seconds=300)  # fmt: skip
    ClientFactory(code=2, name="Claro", sla_optimal_seconds=20, sla_low_seconds=60,
                  max_history_conversations=10, inactivity_alert_attempts=3,
                  max_inactivity_seconds=300)  # fmt: skip


# --- The preview --------------------------------------------------------------------


def test_preview_counts_new_changed_unchanged_and_lists_the_changes(manager_client, existing):
    file = csv_upload(row(1, "Telefónica"), row(2, "Claro Colombia", low=90), row(3, "Ñandú"))
    response = upload(manager_client, file, update=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"{IMPORT_URL}{latest_pending().pk}/"
    assert shows(html, "Vista previa de la importación: clientes.csv")
    assert [count(html, name) for name in ("created", "updated", "unchanged", "rejected")] == [
        1,
        1,
        1,
        0,
    ]
    assert "2 · Claro Colombia" in html
    assert "<strong>Nombre:</strong> <del>Claro</del> → <ins>Claro Colombia</ins>" in html
    assert "<strong>SLA bajo (segundos):</strong> <del>60</del> → <ins>90</ins>" in html
    assert shows(html, "Confirmar")
    # Nothing is written by the preview.
    assert stored() == [(1, "Telefónica", "active"), (2, "Claro", "active")]


def test_rejected_rows_are_listed_with_row_numbers_and_reasons_in_spanish_and_no_confirm(
    manager_client, existing
):
    file = csv_upload(row(5, "Uno"), row(6, "Dos", optimal=90, low=30), "7,,20,60,10,3,300,foo")
    html = upload(manager_client, file).content.decode()
    assert count(html, "rejected") == 2
    assert "El SLA bajo debe ser mayor que el SLA óptimo." in html
    assert "<strong>Nombre:</strong> Este campo no puede estar vacío." in html
    assert "«foo» no es un estado: use activo o inactivo" in html
    rows = html[html.index('id="rejected-rows"') :]
    assert rows.index('data-label="Fila">3</td>') < rows.index('data-label="Fila">4</td>')
    assert "Confirmar" not in html
    pending = latest_pending()
    assert bytes(pending.content) == b""  # never to be confirmed: not kept
    response = manager_client.post(confirm_url(pending))
    assert response.status_code == 409
    assert Client.objects.count() == 2


def test_without_update_existing_codes_are_rejected(manager_client, existing):
    html = upload(manager_client, csv_upload(row(1, "Otro nombre"))).content.decode()
    assert count(html, "rejected") == 1
    assert "Este código ya está en uso." in html


def test_json_and_semicolon_files_are_read_as_the_command_reads_them(manager_client):
    rows = [{"code": 9, "name": "Ñandú", "sla_optimal_seconds": 20, "sla_low_seconds": 60,
             "max_history_conversations": 1, "inactivity_alert_attempts": 1,
             "max_inactivity_seconds": 60}]  # fmt: skip
    json_upload = SimpleUploadedFile("c.json", json.dumps(rows).encode())
    assert count(upload(manager_client, json_upload).content.decode(), "created") == 1
    semicolons = csv_upload(row(10).replace(",", ";"), header=HEADER.replace(",", ";"))
    assert count(upload(manager_client, semicolons).content.decode(), "created") == 1


def test_the_pages_excel_export_edited_in_a_spreadsheet_imports_back(
    manager_client, existing, tmp_path
):
    download = manager_client.get("/administracion/clientes/exportar/", {"formato": "xlsx"})
    path = tmp_path / "clientes.xlsx"
    path.write_bytes(b"".join(download.streaming_content))
    workbook = openpyxl.load_workbook(path)
    workbook.active["B3"] = "Claro Colombia"  # Client 2's name.
    workbook.active["H2"] = "Inactivo"  # Client 1's status.
    workbook.save(path)
    excel = SimpleUploadedFile("clientes.xlsx", path.read_bytes())
    html = upload(manager_client, excel, update=True).content.decode()
    assert (count(html, "updated"), count(html, "unchanged"), count(html, "rejected")) == (2, 0, 0)
    manager_client.post(confirm_url(latest_pending()))
    assert stored() == [(1, "Telefónica", "inactive"), (2, "Claro Colombia", "active")]


def test_a_file_where_nothing_changes_has_nothing_to_confirm(manager_client, existing):
    html = upload(manager_client, csv_upload(row(1, "Telefónica")), update=True).content.decode()
    assert count(html, "unchanged") == 1
    assert "Nada que importar" in html
    assert "Confirmar" not in html
    assert manager_client.post(confirm_url(latest_pending())).status_code == 409
    assert not Batch.objects.exists()


# --- Confirmar -----------------------------------------------------------------------


def test_confirm_applies_everything_and_records_history(manager_client, manager, existing):
    file = csv_upload(row(2, "Claro Colombia", status="inactive"), row(3, "Ñandú"))
    upload(manager_client, file, update=True)
    response = manager_client.post(confirm_url(latest_pending()), follow=True)
    batch = Batch.objects.get()
    assert (batch.kind, batch.created_by, batch.client_count) == ("web_import", manager, 2)
    assert batch.description == "clientes.csv"
    assert response.redirect_chain == [(f"/administracion/lotes/{batch.pk}/", 302)]
    assert "Importación aplicada: 1 clientes creados, 1 actualizados." in response.content.decode()
    assert stored() == [
        (1, "Telefónica", "active"),
        (2, "Claro Colombia", "inactive"),
        (3, "Ñandú", "active"),
    ]
    newest = history_entries(Client.objects.get(code=2))[0]
    assert newest.record.history_user == manager
    assert latest_pending().applied_at is not None
    assert bytes(latest_pending().content) == b""


def test_a_change_after_the_preview_stops_everything_and_names_the_client(manager_client, existing):
    upload(manager_client, csv_upload(row(1, "Uno nuevo"), row(2, "Dos nuevo"), row(3, "Tres")),
           update=True)  # fmt: skip
    someone_else = Client.objects.get(code=2)
    someone_else.name = "Cambiado por otro"
    someone_else.save()
    response = manager_client.post(confirm_url(latest_pending()))
    html = response.content.decode()
    assert response.status_code == 409
    assert "estos clientes se modificaron después de la vista previa" in html
    assert "<li>2 · Cambiado por otro</li>" in html
    assert stored() == [(1, "Telefónica", "active"), (2, "Cambiado por otro", "active")]
    assert latest_pending().applied_at is None
    assert not Batch.objects.exists()


def test_an_import_the_database_refuses_says_so_in_spanish_and_writes_nothing(
    manager_client, existing, refusing_database, caplog
):
    upload(manager_client, csv_upload(row(2, "Dos nuevo"), row(3, "Tres")), update=True)
    words = refusing_database()
    response = manager_client.post(confirm_url(latest_pending()))
    html = response.content.decode()
    assert response.status_code == 409
    assert "La base de datos rechazó la importación" in html
    assert "No se escribió nada" in html
    assert words not in html
    assert words in caplog.text  # for whoever looks into it
    assert stored() == [(1, "Telefónica", "active"), (2, "Claro", "active")]
    assert latest_pending().applied_at is None
    assert not Batch.objects.exists()


def test_a_client_created_after_the_preview_with_a_new_code_stops_everything(manager_client):
    upload(manager_client, csv_upload(row(3, "Tres"), row(4, "Cuatro")))
    ClientFactory(code=4, name="Creado por otro")
    response = manager_client.post(confirm_url(latest_pending()))
    assert response.status_code == 409
    assert "<li>4 · Creado por otro</li>" in response.content.decode()
    assert stored() == [(4, "Creado por otro", "active")]


def test_changes_to_clients_outside_the_file_do_not_matter(manager_client, existing):
    upload(manager_client, csv_upload(row(3, "Tres")))
    other = Client.objects.get(code=1)
    other.name = "Otro cambio"
    other.save()
    assert manager_client.post(confirm_url(latest_pending())).status_code == 302
    assert Client.objects.filter(code=3).exists()


def test_a_second_confirm_applies_once(manager_client):
    upload(manager_client, csv_upload(row(3, "Tres")))
    pending = latest_pending()
    assert manager_client.post(confirm_url(pending)).status_code == 302
    history_rows = Client.history.count()
    response = manager_client.post(confirm_url(pending), follow=True)
    assert "Esta importación ya se aplicó." in response.content.decode()
    assert response.redirect_chain == [(Batch.objects.get().get_absolute_url(), 302)]
    assert "Ver su lote" in manager_client.get(f"{IMPORT_URL}{pending.pk}/").content.decode()
    assert Client.history.count() == history_rows
    assert Client.objects.count() == 1


def test_a_get_of_confirm_imports_nothing_and_leads_to_the_preview(manager_client):
    """The language menu on a refused Confirmar's page returns there with a GET."""
    upload(manager_client, csv_upload(row(3, "Tres")))
    pending = latest_pending()
    response = manager_client.get(confirm_url(pending), follow=True)
    assert response.redirect_chain == [(f"{IMPORT_URL}{pending.pk}/", 302)]
    assert "Confirmar" in response.content.decode()
    assert not Client.objects.exists()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_confirms_at_once_apply_once(attempt, manager):
    browsers = [Browser(), Browser()]
    for browser in browsers:
        browser.force_login(manager)
    upload(browsers[0], csv_upload(*(row(code) for code in range(1, 51))))
    url = confirm_url(latest_pending())
    responses = run_together(*(lambda browser=browser: browser.post(url) for browser in browsers))
    batch = Batch.objects.get()
    assert [response.status_code for response in responses] == [302, 302]
    assert {response["Location"] for response in responses} == {batch.get_absolute_url()}
    assert Client.objects.count() == 50
    assert Client.history.count() == 50


def test_an_expired_preview_cannot_be_confirmed(manager_client):
    upload(manager_client, csv_upload(row(3, "Tres")))
    pending = latest_pending()
    PendingImport.objects.filter(pk=pending.pk).update(expires_at=timezone.now())
    response = manager_client.post(confirm_url(pending))
    assert response.status_code == 409
    assert "Esta vista previa caducó" in response.content.decode()
    assert (
        "Esta vista previa caducó"
        in manager_client.get(f"{IMPORT_URL}{pending.pk}/").content.decode()
    )
    assert not Client.objects.exists()


def test_long_expired_previews_are_deleted_on_the_next_upload(manager_client):
    upload(manager_client, csv_upload(row(3, "Tres")))
    old = latest_pending()
    PendingImport.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=2))
    upload(manager_client, csv_upload(row(4, "Cuatro")))
    assert list(PendingImport.objects.values_list("pk", flat=True)) == [latest_pending().pk]


def test_a_user_keeps_only_the_3_newest_unconfirmed_uploads(manager_client, manager, make_user):
    upload(manager_client, csv_upload(row(1, "Uno")))
    applied = latest_pending()
    manager_client.post(confirm_url(applied))
    other = Browser()
    other.force_login(make_user("view_client", "add_client"))
    upload(other, csv_upload(row(9, "Nueve")))
    others = latest_pending()
    for code in range(2, 7):
        upload(manager_client, csv_upload(row(code, f"Cliente {code}"), name=f"{code}.csv"))
    waiting = PendingImport.objects.filter(owner=manager, applied_at__isnull=True)
    assert sorted(waiting.values_list("file_name", flat=True)) == ["4.csv", "5.csv", "6.csv"]
    # The applied one stays (its page links to its batch), and so does another user's.
    assert PendingImport.objects.filter(pk__in=[applied.pk, others.pk]).count() == 2


def test_a_replaced_upload_says_it_is_no_longer_available(manager_client):
    upload(manager_client, csv_upload(row(3, "Tres")))
    replaced = latest_pending()
    for code in range(4, 7):
        upload(manager_client, csv_upload(row(code, f"Cliente {code}")))
    assert not PendingImport.objects.filter(pk=replaced.pk).exists()
    for response in (
        manager_client.get(f"{IMPORT_URL}{replaced.pk}/"),
        manager_client.post(confirm_url(replaced)),
    ):
        html = response.content.decode()
        assert response.status_code == 404
        assert shows(html, "Esta vista previa ya no está disponible")
        assert "Solo se guardan sus 3 subidas más recientes" in html
        assert f'href="{IMPORT_URL}"' in html
    assert not Client.objects.filter(code=3).exists()


def test_another_users_pending_import_is_not_found(client, manager_client, make_user):
    upload(manager_client, csv_upload(row(3, "Tres")))
    pending = latest_pending()
    client.force_login(make_user("view_client", "add_client", "change_client"))
    assert client.get(f"{IMPORT_URL}{pending.pk}/").status_code == 404
    assert client.post(confirm_url(pending)).status_code == 404
    assert not Client.objects.exists()


def test_the_file_is_read_from_the_server_not_from_the_browser(manager_client):
    upload(manager_client, csv_upload(row(3, "Tres")))
    # Whatever the browser posts with Confirmar is ignored.
    sneaky = csv_upload(row(3, "Otro"), row(4, "Cuatro"))
    manager_client.post(confirm_url(latest_pending()), {"file": sneaky, "update": "on"})
    assert stored() == [(3, "Tres", "active")]


def test_the_number_of_queries_does_not_grow_with_the_rows(manager_client, existing):
    def queries(first_code, rows):
        codes = range(first_code, first_code + rows)
        file = csv_upload(*(row(code, f"Cliente {code}") for code in codes))
        with CaptureQueriesContext(connection) as preview:
            upload(manager_client, file, follow=False)
        with CaptureQueriesContext(connection) as applied:
            assert manager_client.post(confirm_url(latest_pending())).status_code == 302
        return len(preview), len(applied)

    assert queries(100, 3) == queries(1_000, 300)
    assert Client.objects.count() == 2 + 3 + 300


# --- Permissions ---------------------------------------------------------------------


def test_import_needs_add_permission(client, make_user):
    assert client.get(IMPORT_URL).status_code == 302  # to the login
    client.force_login(make_user("view_client", "change_client"))
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, csv_upload(row(3))).status_code == 403
    assert "importar/" not in client.get("/administracion/clientes/").content.decode()


def test_the_list_links_to_the_import_with_add_permission(manager_client):
    html = manager_client.get("/administracion/clientes/").content.decode()
    assert f'href="{IMPORT_URL}"' in html


def test_updating_existing_clients_needs_change_permission(client, make_user, existing):
    user = make_user("view_client", "add_client")
    client.force_login(user)
    html = client.get(IMPORT_URL).content.decode()
    assert "Requiere el permiso para editar clientes." in html
    response = upload(client, csv_upload(row(1, "Nuevo nombre")), update=True)
    assert "Actualizar clientes existentes requiere el permiso para editar clientes." in (
        response.content.decode()
    )
    assert not PendingImport.objects.exists()
    # A preview made with the permission cannot be confirmed after losing it.
    pending = web_import.preview(user, "c.csv", csv_upload(row(1, "Otro")).read(), update=True)
    assert client.post(confirm_url(pending)).status_code == 403
    assert Client.objects.get(code=1).name == "Telefónica"


# --- Progress -----------------------------------------------------------------------

TOKEN = "feedc0de" * 4
PROGRESS_URL = f"{IMPORT_URL}progreso/"


@pytest.fixture
def progress_seen(monkeypatch, settings, tmp_path):
    """Every progress the requests record, in order: what the page's polls may see.
    Chunks of two rows, so that a small file is read in several."""
    settings.CACHES = {
        **settings.CACHES,
        "progress": {**settings.CACHES["progress"], "LOCATION": str(tmp_path / "progress")},
    }
    monkeypatch.setattr("clients.importing.CHUNK_SIZE", 2)
    seen, record = [], progress.Tracker.__call__

    def recording(tracker, phase, done=1, total=1):
        record(tracker, phase, done, total)
        if tracker.key and (not seen or seen[-1] != tracker.last):
            seen.append(dict(tracker.last))
            for hook in seen_hooks:
                hook(tracker.last)

    seen_hooks = []  # called with each new progress, to act in the middle of the work
    monkeypatch.setattr(progress.Tracker, "__call__", recording)
    return seen, seen_hooks


def percents(seen, phase):
    return [state["percent"] for state in seen if state["phase"] == phase]


def ten_rows():
    return csv_upload(*(row(code, f"Cliente número {code}") for code in range(10, 20)))


def test_both_forms_carry_the_progress_field_and_the_polls_url(manager_client):
    """Filled by the page's script; left empty without JavaScript."""
    form = manager_client.get(IMPORT_URL).content.decode()
    upload(manager_client, csv_upload(row(3, "Tres")))
    preview_page = manager_client.get(f"{IMPORT_URL}{latest_pending().pk}/").content.decode()
    for html in (form, preview_page):
        assert '<input type="hidden" name="progress" value="" data-progress-token>' in html
        assert f'data-progress-url="{PROGRESS_URL}"' in html
        assert 'aria-label="Progreso de la importación"' in html


def test_the_check_reports_its_progress_chunk_by_chunk(manager_client, progress_seen):
    seen, _hooks = progress_seen
    response = manager_client.post(IMPORT_URL, {"file": ten_rows(), "progress": TOKEN})
    assert response.status_code == 302  # to the preview, as before
    checked = percents(seen, "check")
    assert len(checked) == 5  # a line per chunk of two rows
    assert checked == sorted(checked) and 0 < checked[0] < 50 and checked[-1] == 100
    assert manager_client.get(PROGRESS_URL, {"token": TOKEN}).json() == {
        "phase": "check",
        "percent": 100,
    }


def test_confirm_reports_reading_then_saving_and_lands_on_the_batch(manager_client, progress_seen):
    seen, _hooks = progress_seen
    upload(manager_client, ten_rows())
    response = manager_client.post(confirm_url(latest_pending()), {"progress": TOKEN}, follow=True)
    imported = percents(seen, "import")
    assert len(imported) == 5 and imported == sorted(imported) and imported[-1] == 100
    assert seen[-1] == {"phase": "save", "percent": 100}
    assert response.redirect_chain == [(Batch.objects.get().get_absolute_url(), 302)]
    assert "Importación aplicada: 10 clientes creados, 0 actualizados." in response.content.decode()
    assert Client.objects.count() == 10


def test_without_javascript_no_progress_is_recorded(manager_client, progress_seen):
    seen, _hooks = progress_seen
    upload(manager_client, ten_rows())
    assert manager_client.post(confirm_url(latest_pending())).status_code == 302
    assert seen == []
    assert Client.objects.count() == 10


def test_a_change_found_midway_stops_the_write_and_says_so(manager_client, progress_seen):
    """Another user changes a client of the file while Confirmar is reading it:
    nothing is written, the page names the client, and saving never starts."""
    seen, hooks = progress_seen
    ClientFactory(code=19, name="Antes")
    upload(manager_client, ten_rows(), update=True)

    def change_client_19(state):
        if state["phase"] == "import" and len(percents(seen, "import")) == 1:
            other = Client.objects.get(code=19)
            other.name = "Cambiado por otro"
            other.save()

    hooks.append(change_client_19)
    response = manager_client.post(confirm_url(latest_pending()), {"progress": TOKEN})
    assert response.status_code == 409
    html = response.content.decode()
    assert "estos clientes se modificaron después de la vista previa" in html
    assert "<li>19 · Cambiado por otro</li>" in html
    assert len(percents(seen, "import")) == 5 and "save" not in [s["phase"] for s in seen]
    # None of the file's rows was written. (The stand-in for the other user's
    # change ran in the import's own transaction here, so it went with it.)
    assert stored() == [(19, "Antes", "active")]
    assert not Batch.objects.exists()
    assert latest_pending().applied_at is None


# --- Bad uploads --------------------------------------------------------------------


def form_error(response):
    assert response.status_code == 200
    assert not PendingImport.objects.exists()
    return response.content.decode()


def test_no_file_says_so(manager_client):
    html = form_error(manager_client.post(IMPORT_URL, {}))
    assert "Elija un archivo para importar." in html


def test_an_empty_file_says_so(manager_client):
    html = form_error(upload(manager_client, SimpleUploadedFile("c.csv", b"")))
    assert "El archivo está vacío." in html


def test_a_header_without_rows_says_so(manager_client):
    html = form_error(upload(manager_client, csv_upload()))
    assert "El archivo no tiene clientes" in html


def test_a_file_that_is_not_utf8_names_the_file_and_line(manager_client):
    latin1 = (HEADER + "\n" + row(3, "Ñandú") + "\n").encode("latin-1")
    html = form_error(upload(manager_client, SimpleUploadedFile("ventas.csv", latin1)))
    assert "ventas.csv no es texto UTF-8 (línea 2); guárdelo como UTF-8." in html
    assert "/tmp" not in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("c.json", b'[{"code": 1,', "JSON mal formado"),
        ("c.json", b'{"code": 1}', "El archivo JSON debe contener una lista de clientes"),
        ("c.json", b"\x00\xff garbage", "JSON mal formado"),
        ("c.csv", b"color,apellido\nuno,dos\n", "Columnas desconocidas: color, apellido."),
        ("c.csv", b"\xff\xfe\x00binary", "no es texto UTF-8"),
        ("c.xlsx", b"code,name\n1,Uno\n", "no es un libro de Excel (.xlsx) legible"),
    ],
)
def test_garbage_gets_a_clear_message(manager_client, name, content, message):
    html = form_error(upload(manager_client, SimpleUploadedFile(name, content)))
    assert message in html


def test_a_file_over_the_limit_is_refused_while_it_arrives(manager_client, settings):
    settings.UPLOAD_MAX_BYTES = 1_000
    file = csv_upload(*(row(code) for code in range(1, 200)))
    html = form_error(upload(manager_client, file))
    assert "El archivo pesa más de 1000\xa0bytes, el máximo que admite esta página." in html


class Upload200MB(io.RawIOBase):
    """A multipart body of a 200 MB file, made up as it is read."""

    SIZE = 200 * 1024 * 1024

    def __init__(self, boundary):
        self.head = (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="huge.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
            f"{HEADER}\n"
        ).encode()
        self.tail = f"\r\n--{boundary}--\r\n".encode()
        self.length = len(self.head) + self.SIZE + len(self.tail)
        self.position = 0

    def read(self, size=-1):
        size = self.length - self.position if size is None or size < 0 else size
        chunk = bytearray()
        while len(chunk) < size and self.position < self.length:
            if self.position < len(self.head):
                part = self.head[self.position : self.position + size - len(chunk)]
            elif self.position < len(self.head) + self.SIZE:
                left = len(self.head) + self.SIZE - self.position
                part = (row(3) + "\n").encode() * (min(size - len(chunk), left) // 30 + 1)
                part = part[: min(size - len(chunk), left)]
            else:
                offset = self.position - len(self.head) - self.SIZE
                part = self.tail[offset : offset + size - len(chunk)]
            chunk += part
            self.position += len(part)
        return bytes(chunk)


def test_a_200_mb_upload_is_refused_without_keeping_it(manager_client):
    """Dropped as it arrives: the rest is read and thrown away, never kept in
    memory or on disk, and the page still answers with a message."""
    body = Upload200MB("BoUnDaRy")
    tracemalloc.start()
    response = manager_client.request(
        REQUEST_METHOD="POST",
        PATH_INFO=IMPORT_URL,
        CONTENT_TYPE="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(body.length),
        **{"wsgi.input": body},
    )
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    html = form_error(response)
    assert "El archivo pesa más de 50,0\xa0MB" in html
    assert peak < 20 * 1024 * 1024
