"""The operator commands as an operator uses them."""

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from clients.models import Client

from .factories import ClientFactory

pytestmark = pytest.mark.django_db


def run(command, *args):
    """``(exit status, stdout, stderr)`` of a command, as ``manage.py`` would end."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), str(error)
    return 0, out.getvalue(), err.getvalue()


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
