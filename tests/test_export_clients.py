"""``manage.py export_clients`` as an operator uses it."""

import io
import json
import tracemalloc

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection, transaction

from clients import transfer
from clients.bulk import BulkWriter
from clients.models import Client

from .commands import HEADER, XLSX_HEADER, run, xlsx_rows
from .factories import ClientFactory, valid_client

pytestmark = pytest.mark.django_db


# --- export_clients -------------------------------------------------------------------------


def test_export_writes_the_contract_columns_in_code_order_to_stdout():
    ClientFactory(code=20, name="Zeta, S.A.", status="inactive")
    ClientFactory(code=3, name='Alfa "Uno"', sla_optimal_seconds=20, sla_low_seconds=60)
    status, out, _ = run("export_clients")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == HEADER
    assert lines[1].startswith('3,"Alfa ""Uno""",20,60,')
    assert lines[2].startswith('20,"Zeta, S.A.",')
    assert lines[2].endswith(",inactive")
    assert len(lines) == 3


def test_export_json_and_status_filter():
    ClientFactory(code=1, status="active")
    ClientFactory(code=2, name="Ñandú", status="inactive")
    status, out, _ = run("export_clients", "--format", "json", "--status", "inactive")
    assert status == 0
    (client,) = json.loads(out)
    assert list(client) == HEADER.split(",")
    assert (client["code"], client["name"], client["status"]) == (2, "Ñandú", "inactive")


def test_export_of_no_clients_is_a_valid_empty_file(tmp_path):
    assert run("export_clients")[1] == HEADER + "\n"
    assert run("export_clients", "--format", "json")[1] == "[]\n"


def test_export_to_a_file_takes_the_format_from_its_name(tmp_path):
    ClientFactory(code=1)
    run("export_clients", "--output", tmp_path / "clients.json")
    assert json.loads((tmp_path / "clients.json").read_text(encoding="utf-8"))[0]["code"] == 1


def test_export_to_an_unwritable_place_is_a_clear_error(tmp_path):
    status, _, err = run("export_clients", "--output", tmp_path / "missing" / "clients.csv")
    assert status == 1
    assert err.startswith("No se puede escribir ")


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_export_then_import_into_an_empty_database_exports_the_same_bytes(tmp_path, file_format):
    for code, name, status in [
        (1, "Telefónica", "active"),
        (2, 'Comillas "dobles", comas; y punto y coma', "inactive"),
        (3, "Barra \\ invertida, «comillas» y ‘simples’", "active"),  # noqa: RUF001 (typographic quotes on purpose)
        (4, "=1+1", "active"),
        (5, "'=1+1 ya con apóstrofo", "active"),
        (6, "-menos, +más y @arroba", "inactive"),
        (7, "'apóstrofo sin fórmula", "active"),
        (2_147_483_647, "x" * 120, "inactive"),
    ]:
        ClientFactory(code=code, name=name, status=status)
    first, second = tmp_path / f"first.{file_format}", tmp_path / f"second.{file_format}"
    call_command("export_clients", "--output", first)
    with connection.cursor() as cursor:  # Another, empty database (clients are never deleted).
        cursor.execute("DELETE FROM clients_client")
    assert run("import_clients", first)[0] == 0
    call_command("export_clients", "--output", second)
    assert second.read_bytes() == first.read_bytes()
    assert Client.objects.get(code=5).name == "'=1+1 ya con apóstrofo"
    assert Client.objects.count() == 8


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_memory_does_not_grow_with_the_number_of_clients(tmp_path, suffix):
    output = tmp_path / f"clients.{suffix}"

    def peak_while_exporting(count):
        stored = Client.objects.count()
        with transaction.atomic(), BulkWriter() as writer:
            for code in range(stored + 1, count + 1):
                writer.add(valid_client(code=code, name=f"Cliente {code}"))
            writer.apply()
        said = io.StringIO()
        tracemalloc.start()
        call_command("export_clients", "--output", output, stdout=said)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert f"Exportados {count:,} clientes".replace(",", ".") in said.getvalue()
        return peak

    call_command("export_clients", "--output", output)  # Warm up the caches first.
    few, many = peak_while_exporting(4_000), peak_while_exporting(12_000)
    assert many < few * 1.3


# --- export_clients --format xlsx ---------------------------------------------------------


def test_excel_export_has_spanish_headers_numbers_as_numbers_and_status_words(tmp_path):
    ClientFactory(code=20, name="Zeta", status="inactive")
    ClientFactory(code=3, name="=1+1", sla_optimal_seconds=20, sla_low_seconds=60)
    status, _, _ = run("export_clients", "--output", tmp_path / "clientes.xlsx")
    assert status == 0
    header, first, second = xlsx_rows(tmp_path / "clientes.xlsx")
    assert header == XLSX_HEADER
    assert first[:4] == [3, "=1+1", 20, 60]  # The name is text, not a formula.
    assert all(type(value) is int for value in first[2:7])
    assert (first[7], second[0], second[7]) == ("Activo", 20, "Inactivo")


def test_excel_export_freezes_and_filters_its_header_and_sizes_its_columns(tmp_path):
    ClientFactory.create_batch(3)
    run("export_clients", "--format", "xlsx", "--output", tmp_path / "clientes")
    with open(tmp_path / "clientes", "rb") as stream:  # No .xlsx in the name: --format says it.
        sheet = openpyxl.load_workbook(stream).active
    assert sheet.title == "Clientes"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H4"
    assert sheet["A1"].font.bold
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGH"}
    assert widths["B"] >= 40  # Room for the names.
    assert all(
        width >= len(label) for width, label in zip(widths.values(), XLSX_HEADER, strict=True)
    )


def test_excel_export_needs_an_output_file():
    status, out, err = run("export_clients", "--format", "xlsx")
    assert (status, out) == (1, "")
    assert (
        err == "Un archivo de Excel no se puede mostrar en pantalla: nómbrelo con --output ARCHIVO."
    )


def test_more_clients_than_an_excel_sheet_holds_is_a_clear_error_and_writes_nothing(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(transfer, "XLSX_MAX_ROWS", 3)  # The header and two clients.
    ClientFactory.create_batch(2)
    assert run("export_clients", "--output", tmp_path / "two.xlsx")[0] == 0
    ClientFactory()
    status, _, err = run("export_clients", "--output", tmp_path / "three.xlsx")
    assert status == 1
    assert err.startswith(
        "Más de 2 clientes, lo más que cabe en una hoja de Excel; no se escribió nada."
    )
    assert not (tmp_path / "three.xlsx").exists()


def test_clients_added_beyond_a_sheet_while_exporting_stop_the_export(tmp_path, monkeypatch):
    monkeypatch.setattr(transfer, "XLSX_MAX_ROWS", 3)
    ClientFactory.create_batch(2)
    counted = transfer.client_values
    # A third client arrives between the count and the reading.
    monkeypatch.setattr(transfer, "client_values", lambda qs: [*counted(qs), *counted(qs)][:3])
    status, _, err = run("export_clients", "--output", tmp_path / "three.xlsx")
    assert status == 1
    assert err.startswith("Más de 2 clientes, lo más que cabe en una hoja de Excel;")
    assert not (tmp_path / "three.xlsx").exists()
    assert not openpyxl.worksheet._writer.ALL_TEMP_FILES  # Its temporary file is gone too.


def test_excel_round_trip_changes_exactly_what_was_edited(tmp_path):
    for code in range(1, 6):
        ClientFactory(code=code, name=f"Cliente {code}", status="active")
    ClientFactory(code=6, name="=1+1", status="inactive")
    path = tmp_path / "clientes.xlsx"
    run("export_clients", "--output", path)
    before = list(Client.objects.values())

    # Untouched, the file changes nothing.
    status, out, _ = run("import_clients", path, "--update")
    assert status == 0, out
    assert "Creados: 0, actualizados: 0, sin cambios: 6, rechazados: 0." in out
    assert list(Client.objects.values()) == before

    # Edited as in a spreadsheet program: a name, an SLA and a status.
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    sheet["B3"] = "Cliente dos, renombrado"
    sheet["G4"] = 900.0
    sheet["H5"] = "Inactivo"
    workbook.save(path)
    status, out, _ = run("import_clients", path, "--update")
    assert status == 0, out
    assert "Creados: 0, actualizados: 3, sin cambios: 3, rechazados: 0." in out
    after = {client["code"]: client for client in Client.objects.values()}
    changed = {
        code: {key for key, value in after[code].items() if value != old[key]}
        for code, old in ((client["code"], client) for client in before)
    }
    stamps = {"updated_at", "version", "updated_by_id"}
    assert changed == {
        1: set(),
        2: {"name", "name_search", "name_sort", *stamps},
        3: {"max_inactivity_seconds", *stamps},
        4: {"status", *stamps},
        5: set(),
        6: set(),
    }
    assert (after[2]["name"], after[3]["max_inactivity_seconds"]) == (
        "Cliente dos, renombrado",
        900,
    )


def test_export_to_a_file_says_how_many_clients_it_wrote(tmp_path):
    """The operator saw nothing after ``--output``: was it written, and how much?"""
    with transaction.atomic(), BulkWriter() as writer:
        for code in range(1, 1235):
            writer.add(valid_client(code=code, name=f"Cliente {code}", status="inactive"))
        writer.apply()
    ClientFactory(code=5000, status="active")
    path = tmp_path / "clients.csv"
    status, out, err = run("export_clients", "--output", path, "--status", "inactive")
    assert (status, out, err) == (0, f"Exportados 1.234 clientes a {path}.\n", "")
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1 + 1234
    out = run("export_clients", "-o", tmp_path / "one.json", "--status", "active", "--lang", "en")[
        1
    ]
    assert out == f"Exported 1 client to {tmp_path / 'one.json'}.\n"
    assert len(json.loads((tmp_path / "one.json").read_text(encoding="utf-8"))) == 1


def test_export_to_stdout_is_only_the_file(tmp_path):
    """The summary never lands in a CSV sent to stdout."""
    ClientFactory(code=1)
    status, out, err = run("export_clients")
    assert status == 0
    assert out.splitlines()[0] == HEADER
    assert len(out.splitlines()) == 2
    assert "Export" not in out + err


def test_export_help_and_errors_in_spanish_or_in_english(manage):
    spanish = manage("export_clients", "--help").stdout
    assert "Exporta los clientes en orden de código como CSV (por omisión), JSON o Excel" in spanish
    assert "Escribir en este archivo, no en la salida estándar." in spanish
    english = manage("export_clients", "--help", "--lang", "en").stdout
    assert "Write here, not to stdout." in english
    refused = manage("export_clients", "--format", "pdf")
    assert refused.returncode == 2
    assert "error: argumento --format: valor no válido: 'pdf' (elija entre" in refused.stderr
