"""The operator commands as an operator uses them: export, and set a status."""

import io
import json
import os
import subprocess
import sys
import tracemalloc

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from clients.models import Client

from .factories import ClientFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "code,name,sla_optimal_seconds,sla_low_seconds,max_history_conversations,"
    "inactivity_alert_attempts,max_inactivity_seconds,status"
)


def run(command, *args):
    """``(exit status, stdout, stderr)`` of a command, as ``manage.py`` would end."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), str(error)
    return 0, out.getvalue(), err.getvalue()


#: Valid settings for clients built in bulk.
SETTINGS = {
    "sla_optimal_seconds": 20,
    "sla_low_seconds": 60,
    "max_history_conversations": 10,
    "inactivity_alert_attempts": 3,
    "max_inactivity_seconds": 300,
}


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


def test_export_memory_does_not_grow_with_the_number_of_clients(tmp_path):
    output = tmp_path / "clients.csv"

    def peak_while_exporting(count):
        stored = Client.objects.count()
        Client.objects.bulk_create(
            Client(code=code, name=f"Cliente {code}", **SETTINGS)
            for code in range(stored + 1, count + 1)
        )
        tracemalloc.start()
        call_command("export_clients", "--output", output)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    call_command("export_clients", "--output", output)  # Warm up the caches first.
    few, many = peak_while_exporting(4_000), peak_while_exporting(12_000)
    assert many < few * 1.3
    assert len(output.read_text(encoding="utf-8").splitlines()) == 12_001


# --- set_client_status ----------------------------------------------------------------------


def test_set_status_deactivates_and_reactivates_a_client():
    ClientFactory(code=7, name="Telefónica")
    status, out, _ = run("set_client_status", "7", "inactive")
    assert (status, out) == (0, "Cliente 7 · Telefónica: estado cambiado a Inactivo.\n")
    client = Client.objects.get()
    assert client.status == "inactive"
    assert client.updated_by.username == "sistema"
    assert run("set_client_status", "7", "active")[0] == 0
    assert Client.objects.get().status == "active"


def test_set_status_to_the_current_one_changes_nothing():
    before = ClientFactory(code=7, name="Telefónica").updated_at
    status, out, _ = run("set_client_status", "7", "active")
    assert (status, out) == (0, "Cliente 7 · Telefónica: el estado ya era Activo.\n")
    assert Client.objects.get().updated_at == before


def test_set_status_names_the_user(make_user):
    ClientFactory(code=7)
    operator = make_user(username="operadora")
    run("set_client_status", "7", "inactive", "--user", "operadora")
    assert Client.objects.get().updated_by == operator
    assert run("set_client_status", "7", "active", "--user", "nadie")[0] == 1
    assert Client.objects.get().status == "inactive"


@pytest.mark.parametrize(
    ("code", "new_status", "message"),
    [
        ("8", "inactive", "Ningún cliente tiene el código 8."),
        ("abc", "inactive", "Código no válido abc: “abc”: el valor debería ser un numero entero"),
        ("9" * 30, "inactive", "es menor o igual a 2147483647."),
        ("-1", "inactive", "es mayor o igual a 1."),
        ("7", "paused", "Valor 'paused' no es una opción válida."),
    ],
)
def test_set_status_refuses_unknown_codes_and_statuses(code, new_status, message):
    ClientFactory(code=7)
    status, _, err = run("set_client_status", code, new_status)
    assert status == 1
    assert message in err
    assert Client.objects.get().status == "active"


# --- As a process: exit status and no traceback -----------------------------------------------


@pytest.fixture(scope="module")
def manage(tmp_path_factory):
    """Run ``manage.py`` in a process of its own, on a migrated SQLite file."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'db.sqlite3'}",
    }

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *map(str, args)],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    assert manage("migrate", "--noinput").returncode == 0
    return manage


def test_set_status_exit_status_as_a_process(manage):
    assert manage("set_client_status", "99999999999999999999", "inactive").returncode == 1
    assert "Traceback" not in manage("set_client_status", "abc", "inactive").stderr
