"""``manage.py set_client_status`` as an operator uses it."""

import pytest

from clients.history import history_entries
from clients.models import Client

from .commands import run
from .factories import ClientFactory

pytestmark = pytest.mark.django_db


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


def test_set_status_is_recorded_in_the_history():
    ClientFactory(code=7)
    run("set_client_status", "7", "inactive")
    newest = history_entries(Client.objects.get())[0]
    assert newest.record.history_user.username == "sistema"
    assert [(c.old, c.new) for c in newest.changes] == [("Activo", "Inactivo")]


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
        (
            "abc",
            "inactive",
            "Código no válido abc: Escriba un número entero, sin puntos ni letras.",
        ),
        ("9" * 30, "inactive", "Escriba un número entero entre 1 y 2.147.483.647."),
        (
            "-1",
            "inactive",
            "Código no válido -1: Escriba un número entero entre 1 y 2.147.483.647.",
        ),
        ("7", "paused", "«paused» no es un estado: use activo o inactivo (active o inactive)."),
    ],
)
def test_set_status_refuses_unknown_codes_and_statuses(code, new_status, message):
    ClientFactory(code=7)
    status, _, err = run("set_client_status", code, new_status)
    assert status == 1
    assert message in err
    assert Client.objects.get().status == "active"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("inactivo", "inactive"),
        ("INACTIVO", "inactive"),
        ("Inactive", "inactive"),
        ("activo", "active"),
    ],
)
def test_set_status_takes_the_spanish_words_in_any_case(typed, stored):
    ClientFactory(code=7, status="active" if stored == "inactive" else "inactive")
    status, out, _ = run("set_client_status", "7", typed)
    assert status == 0
    assert Client.objects.get().status == stored
    assert "estado cambiado a" in out


def test_set_status_exit_status_as_a_process(manage):
    assert manage("set_client_status", "99999999999999999999", "inactive").returncode == 1
    assert "Traceback" not in manage("set_client_status", "abc", "inactive").stderr


def test_set_status_says_what_is_missing_in_spanish_or_in_english(manage):
    result = manage("set_client_status", "1001")
    assert result.returncode == 2
    assert result.stderr.endswith(
        "error: faltan estos argumentos obligatorios: {activo,inactivo}\n"
    )
    result = manage("set_client_status", "--lang", "en")
    assert result.stderr.endswith(
        "error: the following arguments are required: CODE, {activo,inactivo}\n"
    )


def test_set_status_help_in_spanish_or_in_english(manage):
    spanish = manage("set_client_status", "--help").stdout
    assert "Cambia el estado del cliente con código CODE a activo o inactivo" in spanish
    assert "argumentos posicionales:" in spanish
    assert "CODE                  El código del cliente." in spanish
    english = manage("set_client_status", "--help", "--lang", "en").stdout
    assert "Set the status of the client with code CODE to active or inactive" in english


def test_set_status_messages_follow_lang():
    ClientFactory(code=1001, name="Telefónica", status="active")
    assert run("set_client_status", "1001", "inactive", "--lang", "en")[1] == (
        "Client 1001 · Telefónica: status set to Inactive.\n"
    )
    assert run("set_client_status", "1001", "inactive")[1] == (
        "Cliente 1001 · Telefónica: el estado ya era Inactivo.\n"
    )
