"""The demo data `make run` loads: a login that works and a few valid clients."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from clients.models import Client

pytestmark = pytest.mark.django_db


def load_demo(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_demo_prints_a_login_that_works_and_loads_valid_clients(settings, client):
    settings.DEBUG = True
    output = load_demo()
    assert "Inicie sesión en http://127.0.0.1:8000/ como admin / admin" in output
    response = client.post("/accounts/login/", {"username": "admin", "password": "admin"})
    assert response.status_code == 302
    assert Client.objects.count() == 8
    for demo_client in Client.objects.all():
        demo_client.full_clean()
    assert Client.objects.filter(status="inactive").exists()


def test_demo_is_idempotent_and_never_resets_a_changed_password(settings):
    settings.DEBUG = True
    load_demo()
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("my-own-secret")
    admin.save()
    output = load_demo()
    assert "Clientes de demostración: 0 creados, 8 ya existían." in output
    assert "admin (con la contraseña que le puso)" in output
    assert Client.objects.count() == 8


def test_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="solo se ejecuta con DEBUG activado"):
        load_demo()
    assert not get_user_model().objects.filter(username="admin").exists()


def test_the_login_line_names_the_host_the_server_listens_on(settings):
    """``make run HOST=127.0.0.1:8001`` passes its host: the line must not send people to 8000."""
    settings.DEBUG = True
    assert "en http://127.0.0.1:8001/ como admin" in load_demo("--host", "127.0.0.1:8001")


def test_demo_speaks_spanish_by_default_and_english_when_asked(settings):
    settings.DEBUG = True
    assert load_demo().splitlines() == [
        "Clientes de demostración: 8 creados, 0 ya existían.",
        "Inicie sesión en http://127.0.0.1:8000/ como admin / admin",
    ]
    assert load_demo("--lang", "en").splitlines() == [
        "Demo clients: 0 created, 8 already there.",
        "Log in at http://127.0.0.1:8000/ as admin / admin",
    ]


def test_demo_help_is_in_spanish_by_default_and_english_with_lang_en(manage):
    spanish = manage("load_demo", "--help")
    assert spanish.returncode == 0
    assert "Crea el usuario administrador y los clientes de demostración" in spanish.stdout
    english = manage("load_demo", "--help", "--lang", "en")
    assert "Create the demo admin login and demo clients" in english.stdout
