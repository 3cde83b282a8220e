"""``manage.py export_clients`` as an operator uses it."""

import json
import tracemalloc

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from clients.bulk import BulkWriter
from clients.models import Client

from .commands import HEADER, run
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


def test_export_memory_does_not_grow_with_the_number_of_clients(tmp_path):
    output = tmp_path / "clients.csv"

    def peak_while_exporting(count):
        stored = Client.objects.count()
        with transaction.atomic(), BulkWriter() as writer:
            for code in range(stored + 1, count + 1):
                writer.add(valid_client(code=code, name=f"Cliente {code}"))
            writer.apply()
        tracemalloc.start()
        call_command("export_clients", "--output", output)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    call_command("export_clients", "--output", output)  # Warm up the caches first.
    few, many = peak_while_exporting(4_000), peak_while_exporting(12_000)
    assert many < few * 1.3
    assert len(output.read_text(encoding="utf-8").splitlines()) == 12_001


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
    assert "Exporta los clientes en orden de código como CSV (por omisión) o JSON" in spanish
    assert "Escribir en este archivo, no en la salida estándar." in spanish
    english = manage("export_clients", "--help", "--lang", "en").stdout
    assert "Write here, not to stdout." in english
    refused = manage("export_clients", "--format", "pdf")
    assert refused.returncode == 2
    assert "error: argumento --format: valor no válido: 'pdf' (elija entre" in refused.stderr
