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
    assert "Log in at http://127.0.0.1:8000/ as admin / admin" in output
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
    assert "0 created, 8 there" in output
    assert "admin (with the password you gave it)" in output
    assert Client.objects.count() == 8


def test_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        load_demo()
    assert not get_user_model().objects.filter(username="admin").exists()


def test_the_login_line_names_the_host_the_server_listens_on(settings):
    """``make run HOST=127.0.0.1:8001`` passes its host: the line must not send people to 8000."""
    settings.DEBUG = True
    assert "Log in at http://127.0.0.1:8001/ as admin" in load_demo("--host", "127.0.0.1:8001")
