"""``manage.py import_clients`` as an operator uses it."""

import re
import tracemalloc
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from clients import transfer, writing
from clients.bulk import BulkWriter
from clients.history import history_entries
from clients.management.commands.import_clients import PROGRESS_MIN_BYTES
from clients.models import Client
from clients.transfer import RowsFile

from .commands import EXAMPLE, HEADER, XLSX_HEADER, csv_file, json_file, row, run, stored, xlsx_file
from .factories import ClientFactory, UserFactory, valid_client

pytestmark = pytest.mark.django_db


# --- import_clients: the happy paths -----------------------------------------------


def test_import_creates_every_client_and_reports_in_spanish(tmp_path):
    path = csv_file(tmp_path, row(1, "  Telefónica  "), row(2, "Ñandú S.A.S.", status="inactive"))
    status, out, _ = run("import_clients", path)
    assert status == 0
    assert "Creados: 2, actualizados: 0, sin cambios: 0, rechazados: 0." in out
    assert stored() == [(1, "Telefónica", "active"), (2, "Ñandú S.A.S.", "inactive")]
    client = Client.objects.get(code=1)
    assert (client.sla_optimal_seconds, client.sla_low_seconds) == (20, 60)
    assert list(Client.objects.search_name("telefonica")) == [client]


def test_output_is_in_the_sites_language_whatever_language_is_active(tmp_path):
    with translation.override("en"):
        _, out, _ = run("import_clients", csv_file(tmp_path, row(1)), "--dry-run")
    assert out.startswith("Creados: 1,")


def test_the_example_file_imports(tmp_path):
    status, out, _ = run("import_clients", EXAMPLE)
    assert status == 0, out
    assert Client.objects.count() == len(EXAMPLE.read_text(encoding="utf-8").splitlines()) - 1


def test_status_is_optional_and_new_clients_are_active(tmp_path):
    without_column = csv_file(tmp_path, "1,Uno,20,60,10,3,300", header=HEADER.rsplit(",", 1)[0])
    empty_cell = csv_file(tmp_path, "2,Dos,20,60,10,3,300,", name="empty.csv")
    assert run("import_clients", without_column)[0] == 0
    assert run("import_clients", empty_cell)[0] == 0
    assert stored() == [(1, "Uno", "active"), (2, "Dos", "active")]


def test_semicolon_csv_with_a_bom_as_spreadsheets_save_it(tmp_path):
    path = tmp_path / "excel.csv"
    text = HEADER.replace(",", ";") + "\r\n" + "7;Almacenes Éxito, S.A.;20;60;10;3;300;active\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    status, _, _ = run("import_clients", path)
    assert status == 0
    assert stored() == [(7, "Almacenes Éxito, S.A.", "active")]


def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_number(tmp_path):
    path = csv_file(tmp_path, row(1), "", ",,,,,,,", row(2, optimal=90))
    status, out, _ = run("import_clients", path)
    assert status == 1
    assert "Fila 5, columna sla_low_seconds:" in out


def test_json_list_of_objects_imports(tmp_path):
    path = json_file(
        tmp_path,
        [
            {
                "code": 5,
                "name": "Bancolombia",
                "sla_optimal_seconds": 15,
                "sla_low_seconds": "45",
                "max_history_conversations": 20,
                "inactivity_alert_attempts": 3,
                "max_inactivity_seconds": 180,
            }
        ],
    )
    status, _, _ = run("import_clients", path)
    assert status == 0
    assert stored() == [(5, "Bancolombia", "active")]
    assert Client.objects.get().sla_low_seconds == 45


def test_format_can_be_named_when_the_file_name_does_not_tell(tmp_path):
    ClientFactory(code=5)
    call_command("export_clients", "--format", "json", "--output", tmp_path / "clients.txt")
    assert run("import_clients", tmp_path / "clients.txt", "--format", "json", "--update")[0] == 0
    assert run("import_clients", tmp_path / "clients.txt", "--update")[0] == 2


# --- import_clients: rejected rows ---------------------------------------------------


def test_each_rejection_names_row_column_and_the_models_message(tmp_path):
    path = csv_file(
        tmp_path,
        row(1),
        row(2, optimal=90, low=30),
        "3,   ,0,60,101,3,300,active",
        row(4, status="paused"),
        "5,Cinco,abc,60,10,3,300,active",
    )
    status, out, err = run("import_clients", path)
    assert status == 1
    lines = out.splitlines()
    assert lines[:-1] == [
        "Fila 3, columna sla_low_seconds: El SLA bajo debe ser mayor que el SLA óptimo.",
        "Fila 4, columna max_history_conversations: Entre 0 y 100 conversaciones.",
        "Fila 4, columna name: Este campo no puede estar vacío.",
        "Fila 4, columna sla_optimal_seconds: Entre 1 y 86.400 segundos (24 horas).",
        "Fila 5, columna status: «paused» no es un estado: use activo o inactivo "
        "(active o inactive).",
        "Fila 6, columna sla_optimal_seconds: Escriba un número entero, sin puntos ni letras.",
    ]
    # Nothing was written, and the summary says so (the one valid row is not "created").
    assert lines[-1] == "Creados: 0, actualizados: 0, rechazados: 4."
    assert err == "4 filas rechazadas: no se importó nada."
    assert stored() == []


def test_json_numbers_with_a_fraction_or_booleans_are_refused_not_rounded(tmp_path):
    client = {
        "code": 1,
        "name": "Uno",
        "sla_optimal_seconds": 20.7,
        "sla_low_seconds": 60,
        "max_history_conversations": True,
        "inactivity_alert_attempts": None,
        "max_inactivity_seconds": 300,
    }
    status, out, _ = run("import_clients", json_file(tmp_path, [client]))
    assert status == 1
    whole_number = "Escriba un número entero, sin puntos ni letras."
    assert f"Fila 1, columna sla_optimal_seconds: {whole_number}" in out
    assert f"Fila 1, columna max_history_conversations: {whole_number}" in out
    assert "Fila 1, columna inactivity_alert_attempts: Este campo no puede ser nulo." in out
    assert stored() == []


@pytest.mark.parametrize("content", [b"[" * 5_000 + b"]" * 5_000, b"[" * 5_000])
def test_json_nested_deeper_than_a_client_is_refused_before_it_fills_memory(tmp_path, content):
    """Each level kept a copy of its path ("item.item.item…"): 5 KB of "[" took
    130 MB, 100 KB had the web import's worker killed for lack of memory."""
    path = tmp_path / "deep.json"
    path.write_bytes(content)
    tracemalloc.start()
    status, out, err = run("import_clients", path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert (status, out) == (2, "")
    assert err == "JSON mal formado: anidado en más de 20 niveles."
    assert peak < 10 * 1024 * 1024
    assert stored() == []


def test_json_lists_or_objects_with_fractions_as_values_are_refused_not_a_traceback(tmp_path):
    """json.dumps() could not write the Decimal ijson reads 1.5 as: a traceback, a 500
    on the web import."""
    client = {**valid_client(code=1), "sla_optimal_seconds": {"a": 1.5}, "name": [2.5]}
    status, out, _ = run("import_clients", json_file(tmp_path, [client]))
    assert status == 1
    assert "Fila 1, columna sla_optimal_seconds: Escriba un número entero" in out
    assert stored() == []


@pytest.mark.parametrize("padding", [0, 1024 * 1024 - 2_000])  # across the scan's chunks too
def test_a_json_number_too_long_for_python_is_unreadable_not_a_traceback(tmp_path, padding):
    """ijson's C parser let int()'s error escape: a SystemError later, anywhere."""
    path = tmp_path / "long.json"
    path.write_text("[" + " " * padding + '{"code": 1' + "0" * 5_000 + "}]")
    status, out, err = run("import_clients", path)
    assert (status, out) == (2, "")
    assert err == "JSON mal formado: un número de más de 4.300 cifras."
    assert stored() == []


def test_one_bad_row_in_the_middle_leaves_the_database_untouched(tmp_path):
    ClientFactory(code=1, name="Antes")
    rows = [row(1, "Después"), *(row(code) for code in range(2, 50))]
    rows[25] = row(26, optimal=0)
    status, out, _ = run("import_clients", csv_file(tmp_path, *rows), "--update")
    assert status == 1
    assert "Fila 27, columna sla_optimal_seconds:" in out
    assert stored() == [(1, "Antes", "active")]


def test_duplicate_codes_within_the_file_are_rejected(tmp_path):
    path = csv_file(tmp_path, row(1), row(2), row(1, "Otra"), row(1, "Y otra"))
    status, out, _ = run("import_clients", path)
    assert status == 1
    assert "Fila 4, columna code: Repite el código de la fila 2." in out
    assert "Fila 5, columna code: Repite el código de la fila 2." in out
    assert stored() == []


def test_codes_already_in_use_are_rejected_without_update(tmp_path):
    ClientFactory(code=1, name="Existente", status="inactive")
    status, out, _ = run("import_clients", csv_file(tmp_path, row(2), row(1, "Nuevo")))
    assert status == 1
    assert "Fila 3, columna code: Este código ya está en uso." in out
    assert stored() == [(1, "Existente", "inactive")]


def test_a_code_taken_while_importing_is_refused_by_the_database(tmp_path, monkeypatch):
    apply = BulkWriter.apply

    def someone_else_creates_code_2_first(writer):
        ClientFactory(code=2, name="Otro operador")
        apply(writer)

    monkeypatch.setattr(BulkWriter, "apply", someone_else_creates_code_2_first)
    status, _, err = run("import_clients", csv_file(tmp_path, row(1), row(2)))
    assert status == 1
    assert err.startswith("La base de datos rechazó la importación; no se escribió nada:")
    assert stored() == []


def test_a_client_changed_while_importing_stops_the_whole_import(tmp_path, monkeypatch):
    ClientFactory(code=1, name="Uno")
    apply = BulkWriter.apply

    def someone_else_edits_client_1_first(writer):
        client = Client.objects.get(code=1)
        client.name = "Editado en la web"
        client.save()
        apply(writer)

    monkeypatch.setattr(BulkWriter, "apply", someone_else_edits_client_1_first)
    path = csv_file(tmp_path, row(1, "Importado"), row(2))
    status, _, err = run("import_clients", path, "--update")
    assert status == 1
    assert err == (
        "Otro usuario cambió algunos de estos clientes mientras se importaban; "
        "no se escribió nada. Vuelva a ejecutar la importación."
    )
    # Here the other edit shares the import's transaction, so it is undone too.
    assert stored() == [(1, "Uno", "active")]


# --- import_clients: --dry-run and --update ---------------------------------------


def test_dry_run_reports_what_would_happen_and_writes_nothing(tmp_path):
    status, out, _ = run("import_clients", csv_file(tmp_path, row(1), row(2)), "--dry-run")
    assert status == 0
    assert out.splitlines() == [
        "Creados: 2, actualizados: 0, sin cambios: 0, rechazados: 0.",
        "Simulación: no se escribió nada.",
    ]
    assert stored() == []
    assert not get_user_model().objects.exists()


def test_dry_run_still_fails_on_rejected_rows(tmp_path):
    status, _, _ = run("import_clients", csv_file(tmp_path, row(1, optimal=0)), "--dry-run")
    assert status == 1


def test_update_changes_existing_clients_and_keeps_their_code(tmp_path):
    creator = UserFactory()
    old = ClientFactory(code=7, name="Telefónica", status="inactive", created_by=creator)
    ClientFactory(**valid_client(code=8, name="Sin cambios"))
    ClientFactory(code=8_000, name="No está en el archivo")
    path = csv_file(
        tmp_path,
        "7,Ñandú Comunicaciones,30,90,10,3,300",
        "8,Sin cambios,20,60,10,3,300",
        "9,Nuevo,20,60,10,3,300",
        header=HEADER.rsplit(",", 1)[0],
    )
    status, out, _ = run("import_clients", path, "--update")
    assert status == 0
    assert "Creados: 1, actualizados: 1, sin cambios: 1, rechazados: 0." in out
    updated = Client.objects.get(pk=old.pk)
    assert (updated.code, updated.name, updated.sla_low_seconds) == (7, "Ñandú Comunicaciones", 90)
    assert updated.status == "inactive"  # No status column: the status is kept.
    assert updated.created_by == creator
    assert updated.updated_by.username == "sistema"
    assert updated.updated_at > old.updated_at
    assert list(Client.objects.search_name("nandu")) == [updated]
    assert not Client.objects.search_name("telefonica").exists()
    assert Client.objects.count() == 4


def test_imports_leave_a_history_entry_per_client_with_who_and_old_to_new(tmp_path):
    operator = UserFactory(username="operadora")
    run("import_clients", csv_file(tmp_path, row(7, "Telefónica")), "--user", "operadora")
    client = Client.objects.get(code=7)
    (creation,) = history_entries(client)
    assert creation.created and creation.record.history_user == operator
    assert creation.record.id == client.pk
    path = csv_file(tmp_path, row(7, "Ñandú", status="inactive"), name="changes.csv")
    assert run("import_clients", path, "--update")[0] == 0
    newest, _creation = history_entries(client)
    assert newest.record.history_user.username == "sistema"
    assert [(c.old, c.new) for c in newest.changes] == [
        ("Telefónica", "Ñandú"),
        ("Activo", "Inactivo"),
    ]


def test_an_import_update_makes_an_open_edit_form_stale(tmp_path):
    ClientFactory(code=7, name="Telefónica")
    open_in_a_browser = Client.objects.get(code=7)
    run("import_clients", csv_file(tmp_path, row(7, "Ñandú")), "--update")
    assert Client.objects.get(code=7).version == open_in_a_browser.version + 1
    assert open_in_a_browser.is_stale()


def test_update_of_unchanged_rows_writes_nothing(tmp_path):
    ClientFactory(code=1)
    path = tmp_path / "same.csv"
    call_command("export_clients", "--output", path)
    before = Client.objects.values().get()
    status, out, _ = run("import_clients", path, "--update")
    assert status == 0
    assert "Creados: 0, actualizados: 0, sin cambios: 1, rechazados: 0." in out
    assert Client.objects.values().get() == before


# --- import_clients: unreadable input -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("clients.csv", None, "No se encontró el archivo:"),
        (
            "latin1.csv",
            f"{HEADER}\n{row(1, 'Uno')}\n{row(2, 'Telefónica')}\n".encode("latin-1"),
            "latin1.csv no es texto UTF-8 (línea 3); guárdelo como UTF-8.",
        ),
        ("empty.csv", b"", "Faltan columnas obligatorias: code, name,"),
        ("unknown.csv", (HEADER + ",colour\n").encode(), "Columnas desconocidas: colour."),
        ("repeated.csv", (HEADER + ",name\n").encode(), "Columnas repetidas: name."),
        (
            "short.csv",
            (HEADER + "\n1,Uno,20,60\n").encode(),
            "La fila 2 tiene 4 valores, pero el encabezado tiene 8 columnas.",
        ),
        (
            "mac.csv",  # Lines ended by CR alone (old Mac spreadsheets): was a traceback.
            f"{HEADER}\r{row(1, 'Uno')}\r".encode(),
            "Las líneas del archivo terminan solo en un retorno de carro (CR); "
            "guárdelo como CSV UTF-8 con saltos de línea normales.",
        ),
        (
            "huge_header.csv",  # A header cell past the csv module's limit: was a traceback.
            b"code," + b"x" * 200_000 + b"\n",
            "CSV mal formado: field larger than field limit (131072)",
        ),
        ("bad.json", b'[{"code": 1,}]', "JSON mal formado: parse error: invalid object key"),
        ("object.json", b'{"code": 1}', "El archivo JSON debe contener una lista de clientes"),
        ("scalars.json", b"[1, 2]", "El elemento 1 de la lista no es un objeto."),
        ("keys.json", b'[{"code": 1, "nom": "X"}]', "Elemento 1: Columnas desconocidas: nom."),
    ],
)
def test_unreadable_input_exits_2_with_one_line_and_writes_nothing(
    tmp_path, name, content, message
):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    status, out, err = run("import_clients", path)
    assert status == 2
    assert message in err
    assert "\n" not in err
    assert out == ""
    assert stored() == []


def test_missing_columns_message_tells_required_from_optional(tmp_path):
    path = csv_file(tmp_path, header="code,name,status")
    _, _, err = run("import_clients", path)
    assert err == (
        "Faltan columnas obligatorias: sla_optimal_seconds, sla_low_seconds, "
        "max_history_conversations, inactivity_alert_attempts, max_inactivity_seconds. "
        "Obligatorias: code, name, sla_optimal_seconds, sla_low_seconds, "
        "max_history_conversations, inactivity_alert_attempts, max_inactivity_seconds. "
        "Opcionales: status. "
        "La cabecera también puede llevar la etiqueta de cada columna: Código, Nombre, "
        "SLA óptimo (segundos), SLA bajo (segundos), Máximo de conversaciones históricas, "
        "Número de intentos, Tiempo máximo de inactividad (segundos), Estado."
    )


def test_headers_typed_without_accents_or_in_another_case_are_the_labels(tmp_path):
    """People type "codigo" for "Código"; the message above offers the labels."""
    header = (
        "CODIGO;nombre;sla optimo (segundos);SLA BAJO (SEGUNDOS);"
        "maximo de conversaciones historicas;numero de intentos;"
        "tiempo maximo de inactividad (segundos);estado"
    )
    path = tmp_path / "clientes.csv"
    path.write_text(f"{header}\n7;Siete;20;60;10;3;300;inactivo\n", encoding="utf-8")
    assert run("import_clients", path)[0] == 0
    assert Client.objects.filter(code=7, name="Siete", status="inactive").exists()


# --- import_clients: attribution and progress -----------------------------------------


def test_changes_are_attributed_to_an_inactive_sistema_user_created_on_demand(tmp_path):
    run("import_clients", csv_file(tmp_path, row(1)))
    client = Client.objects.get()
    assert client.created_by == client.updated_by
    assert client.created_by.username == "sistema"
    assert not client.created_by.is_active
    assert not client.created_by.has_usable_password()
    run("import_clients", csv_file(tmp_path, row(2), name="more.csv"))
    assert get_user_model().objects.filter(username="sistema").count() == 1


def test_changes_are_attributed_to_the_named_user(tmp_path):
    operator = UserFactory(username="operadora")
    assert run("import_clients", csv_file(tmp_path, row(1)), "--user", "operadora")[0] == 0
    assert Client.objects.get().created_by == operator


def test_an_unknown_user_is_an_error_and_nothing_is_written(tmp_path):
    status, _, err = run("import_clients", csv_file(tmp_path, row(1)), "--user", "nadie")
    assert (status, err) == (1, "No existe ningún usuario llamado nadie.")
    assert stored() == []


def test_large_files_show_a_progress_bar_on_stderr(tmp_path, capsys):
    small = csv_file(tmp_path, *(row(code) for code in range(1, 11)), name="small.csv")
    rows = PROGRESS_MIN_BYTES // len(row(1)) + 1
    large = csv_file(tmp_path, *(row(code) for code in range(1, rows + 1)))
    run("import_clients", small, "--dry-run")
    assert capsys.readouterr().err == ""
    run("import_clients", large, "--dry-run")
    bar = capsys.readouterr().err
    size = f"{large.stat().st_size / 1000:.0f}k"
    assert "100%" in bar
    assert f" {size}/{size} " in bar  # bytes read of the file's bytes
    assert "Escribiendo" not in bar
    run("import_clients", large)
    assert capsys.readouterr().err.endswith("Escribiendo en la base de datos…\n")


# --- As a process: exit status and no traceback -----------------------------------------------


def test_import_exit_status_as_a_process(manage, tmp_path):
    good = manage("import_clients", EXAMPLE)
    rejected = manage("import_clients", EXAMPLE)
    unreadable = manage("import_clients", tmp_path / "missing.csv")
    assert (good.returncode, rejected.returncode, unreadable.returncode) == (0, 1, 2)
    assert rejected.stderr == "CommandError: 8 filas rechazadas: no se importó nada.\n"
    assert unreadable.stderr.startswith("CommandError: No se encontró el archivo: ")
    assert unreadable.stderr.count("\n") == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite does not enforce lengths")
def test_a_value_the_database_refuses_is_one_line_and_nothing_is_written(tmp_path, monkeypatch):
    """Before the search key had room for any name, "ß" * 61 crashed with a traceback here."""
    monkeypatch.setattr(writing, "derived_values", lambda values: {"name_search": "x" * 3_000})
    status, _, err = run("import_clients", csv_file(tmp_path, row(1), row(2)))
    assert status == 1
    assert err.startswith("La base de datos rechazó la importación; no se escribió nada:")
    assert "\n" not in err
    assert stored() == []


def test_status_may_be_written_as_the_spanish_word_in_any_case(tmp_path):
    path = csv_file(
        tmp_path, row(1, status="Activo"), row(2, status="INACTIVO"), row(3, status="inactive")
    )
    status, _, _ = run("import_clients", path)
    assert status == 0
    assert [status for _, _, status in stored()] == ["active", "inactive", "inactive"]


# --- import_clients: Excel workbooks ---------------------------------------------------


def test_an_excel_workbook_with_the_spanish_headers_imports(tmp_path):
    path = xlsx_file(
        tmp_path,
        [1, "Telefónica", 20, 60, 10, 3, 300.0, "Activo"],  # Excel keeps numbers as floats.
        [2, "  Ñandú S.A.S. ", 20.0, 60, 10, 3, 300, "inactivo"],
        [None] * 8,  # An empty row in between is skipped; rows keep their number.
        [3, "Tres", 20, 60, 10, 3, 300, None],  # Status left empty.
        [None, None, None],
        [],
    )
    status, out, _ = run("import_clients", path)
    assert status == 0, out
    assert "Creados: 3, actualizados: 0, sin cambios: 0, rechazados: 0." in out
    assert stored() == [
        (1, "Telefónica", "active"),
        (2, "Ñandú S.A.S.", "inactive"),
        (3, "Tres", "active"),
    ]
    assert Client.objects.get(code=1).max_inactivity_seconds == 300


def test_an_empty_column_without_a_header_is_ignored(tmp_path):
    header = [*XLSX_HEADER[:2], None, *XLSX_HEADER[2:]]
    path = xlsx_file(tmp_path, [7, "Éxito", None, 20, 60, 10, 3, 300, "Activo"], header=header)
    assert run("import_clients", path)[0] == 0
    assert stored() == [(7, "Éxito", "active")]


def test_an_excel_workbook_may_name_its_columns_by_field_name(tmp_path):
    path = xlsx_file(tmp_path, [7, "Éxito", 20, 60, 10, 3, 300, "active"], header=HEADER.split(","))
    assert run("import_clients", path)[0] == 0
    assert stored() == [(7, "Éxito", "active")]


def test_a_csv_saved_from_the_excel_export_reads_its_spanish_headers_and_words(tmp_path):
    path = csv_file(tmp_path, "8;Almacenes;20;60;10;3;300;Inactivo", header=";".join(XLSX_HEADER))
    assert run("import_clients", path)[0] == 0
    assert stored() == [(8, "Almacenes", "inactive")]


def test_excel_numbers_with_decimals_are_refused_not_rounded(tmp_path):
    path = xlsx_file(
        tmp_path,
        [1, "Uno", 20, 60, 10, 3, 300.5, "Activo"],
        [2, 3.5, 20, 60, 10.25, 3, 300, "Activo"],  # A number as a name is its text.
    )
    status, out, _ = run("import_clients", path)
    assert status == 1
    assert (
        "Fila 2, columna max_inactivity_seconds: 300,5 tiene decimales; escriba un número entero."
        in out
    )
    assert "Fila 3, columna max_history_conversations: 10,25 tiene decimales;" in out
    assert "columna name" not in out
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"code,name\n1,Uno\n", "File is not a zip file"),
        (b"", "File is not a zip file"),
    ],
)
def test_a_file_that_is_not_an_excel_workbook_is_unreadable(tmp_path, content, reason):
    path = tmp_path / "clientes.xlsx"
    path.write_bytes(content)
    status, _, err = run("import_clients", path)
    assert status == 2
    assert err == f"{path} no es un libro de Excel (.xlsx) legible: {reason}"
    assert not Client.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_unreadable(tmp_path):
    path = tmp_path / "clientes.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hola.txt", "no es un libro")
    status, _, err = run("import_clients", path)
    assert status == 2
    assert err.startswith(f"{path} no es un libro de Excel (.xlsx) legible: ")


def test_excel_values_beyond_the_header_or_unknown_headers_are_unreadable(tmp_path):
    beyond = xlsx_file(tmp_path, [1, "Uno", 20, 60, 10, 3, 300, "Activo", "nota"])
    status, _, err = run("import_clients", beyond)
    assert (status, err) == (
        2,
        "La fila 2 tiene un valor en la columna I, que no tiene encabezado.",
    )
    header = [XLSX_HEADER[0], None, *XLSX_HEADER[1:]]
    gap = xlsx_file(tmp_path, [1, "nota", "Uno", 20, 60, 10, 3, 300], header=header, name="g.xlsx")
    status, _, err = run("import_clients", gap)
    assert (status, err) == (
        2,
        "La fila 2 tiene un valor en la columna B, que no tiene encabezado.",
    )
    unknown = xlsx_file(tmp_path, [1], header=[*XLSX_HEADER, "Color"], name="unknown.xlsx")
    status, _, err = run("import_clients", unknown)
    assert status == 2
    assert err.startswith("Columnas desconocidas: Color.")


def rewritten_sheet(path, change):
    """``path`` with its sheet's XML passed through ``change``, as a hand-made file may be."""
    with zipfile.ZipFile(path) as original:
        parts = {item: original.read(item) for item in original.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for item, data in parts.items():
            if item.startswith("xl/worksheets/sheet"):
                data = change(data.decode()).encode()
            archive.writestr(item, data)
    return path


def test_an_excel_sheet_that_claims_to_be_huge_is_read_as_the_cells_it_holds(tmp_path, monkeypatch):
    """A 5 KB workbook whose sheet declares A1:XFD1048576 and holds a cell in row
    200,000 took four minutes to read: openpyxl filled every missing row with
    16,384 empty cells, and each was looked at."""
    path = rewritten_sheet(
        xlsx_file(tmp_path, [1, "Uno", 20, 60, 10, 3, 300, "Activo"]),
        lambda xml: re.sub(
            r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1:XFD1048576"/>', xml
        ).replace("</sheetData>", '<row r="300"><c r="A300" t="n"><v>2</v></c></row></sheetData>'),
    )
    looked_at = []
    real_cell_value = transfer.cell_value
    monkeypatch.setattr(
        transfer, "cell_value", lambda value: looked_at.append(value) or real_cell_value(value)
    )
    with RowsFile(path, "xlsx") as rows:
        found = [(number, values.get("code")) for number, values in rows]
    assert found == [(2, 1), (300, 2)]
    assert len(looked_at) < 100


def test_excel_rows_that_reach_the_last_column_are_not_read_cell_by_cell(tmp_path, monkeypatch):
    """A blank cell in column XFD made each row 16,384 cells, each looked at (1 ms a row)."""
    blank_far_right = "".join(
        f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t> </t></is></c></row>'
        for n in range(3, 50)
    )
    path = rewritten_sheet(
        xlsx_file(tmp_path, [1, "Uno", 20, 60, 10, 3, 300, "Activo"]),
        lambda xml: xml.replace("</sheetData>", blank_far_right + "</sheetData>"),
    )
    looked_at = []
    real_cell_value = transfer.cell_value
    monkeypatch.setattr(
        transfer, "cell_value", lambda value: looked_at.append(value) or real_cell_value(value)
    )
    with RowsFile(path, "xlsx") as rows:
        assert [number for number, _values in rows] == [2]
    assert len(looked_at) < 1_000
    noted = rewritten_sheet(
        path,
        lambda xml: xml.replace(
            '<c r="XFD9" t="inlineStr"><is><t> </t>', '<c r="XFD9" t="inlineStr"><is><t>nota</t>'
        ),
    )
    status, _, err = run("import_clients", noted)
    assert (status, err) == (
        2,
        "La fila 9 tiene un valor en la columna XFD, que no tiene encabezado.",
    )


def test_an_excel_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    """Shared strings that pack 17 MB into 40 KB: openpyxl reads them whole (a 130 KB
    file took 340 MB and 20 s; 1 MB would take the server's memory)."""
    monkeypatch.setattr(transfer, "XLSX_RATIO_FROM_BYTES", 1024 * 1024)
    path = xlsx_file(tmp_path, [1, "Uno", 20, 60, 10, 3, 300, "Activo"])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/sharedStrings.xml", b"<sst>" + b"<si><t>a</t></si>" * 100_000 + b"</sst>"
        )
    status, _, err = run("import_clients", path)
    assert status == 2
    assert err.startswith(f"{path} se descomprime en mucho más de lo que cabe en una hoja")
    assert "(xl/sharedStrings.xml: 1,6\xa0MB de " in err
    assert not Client.objects.exists()


def test_reading_an_excel_file_moves_through_its_bytes_for_the_progress_bar(tmp_path):
    path = xlsx_file(
        tmp_path,
        *([code, f"Cliente {code}", 20, 60, 10, 3, 300, "Activo"] for code in range(1, 3001)),
    )
    with RowsFile(path, "xlsx") as rows:
        positions = [rows.position for _row in rows]
    assert len(positions) == 3_000
    assert positions == sorted(positions)
    assert positions[0] < positions[-1] <= rows.size


def test_import_says_what_is_missing_in_spanish_or_in_english(manage):
    result = manage("import_clients")
    assert result.returncode == 2
    assert result.stderr.startswith("uso: manage.py import_clients ")
    assert result.stderr.endswith("error: faltan estos argumentos obligatorios: FILE\n")
    result = manage("import_clients", "--lang", "en")
    assert result.stderr.endswith("error: the following arguments are required: FILE\n")


def test_import_help_in_spanish_or_in_english(manage):
    spanish = manage("import_clients", "--help").stdout
    assert "Importa clientes de un archivo CSV, JSON o Excel (xlsx)." in spanish
    assert "Comprobar e informar, sin escribir nada." in spanish
    english = manage("import_clients", "--help", "--lang", "en").stdout
    assert "Check and report, but write nothing." in english


def test_import_report_follows_lang(tmp_path):
    path = csv_file(tmp_path, row(1001))
    assert run("import_clients", path, "--dry-run", "--lang", "en")[1].splitlines() == [
        "Created: 1, updated: 0, unchanged: 0, rejected: 0.",
        "Dry run: nothing was written.",
    ]
