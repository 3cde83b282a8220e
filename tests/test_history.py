"""Every create and change leaves a trail: who, when, each field's old → new."""

import pytest
from django.core.management import call_command

from clients.history import history_entries
from clients.models import Client

from .factories import ClientFactory, form_data
from .html import shows

pytestmark = pytest.mark.django_db

HISTORY_URL = "/administracion/clientes/700/historial/"


def edit(browser, **changes):
    data = {  # the client as created_on_the_web made it
        **form_data(status="active"),
        "version": str(Client.objects.get(code=700).version),
        **changes,
    }
    response = browser.post("/administracion/clientes/700/editar/", data)
    assert response.status_code == 302, response.context["form"].errors


@pytest.fixture
def created_on_the_web(manager_client, valid_data):
    manager_client.post("/administracion/clientes/crear/", {**valid_data, "code": "700"})
    return Client.objects.get(code=700)


def test_web_create_and_edit_record_who_when_and_old_to_new(
    manager_client, manager, created_on_the_web
):
    edit(manager_client, name="Ñandú Internacional", status="inactive")
    newest, creation = history_entries(created_on_the_web)
    assert creation.created and creation.record.history_user == manager
    assert newest.record.history_user == manager
    assert newest.record.history_date >= creation.record.history_date
    assert [(c.label, c.old, c.new) for c in newest.changes] == [
        ("Nombre", "Telefónica", "Ñandú Internacional"),
        ("Estado", "Activo", "Inactivo"),
    ]


def test_history_page_lists_changes_newest_first_in_plain_spanish(
    manager_client, created_on_the_web
):
    edit(manager_client, sla_low_seconds="90")
    edit(manager_client, status="inactive")
    html = manager_client.get(HISTORY_URL).content.decode()
    assert shows(html, "Historial de cambios")
    status_change = html.index("<del>Activo</del> → <ins>Inactivo</ins>")
    sla_change = html.index("<del>60</del> → <ins>90</ins>")
    creation = html.index(">Creado<")
    assert status_change < sla_change < creation
    assert "SLA bajo (segundos):" in html


def test_saving_without_changes_adds_no_noise(manager_client, created_on_the_web):
    edit(manager_client)
    assert len(history_entries(created_on_the_web)) == 1


def test_admin_changes_are_recorded_and_shown_in_the_admin(admin_client, admin_user):
    client = ClientFactory(code=700, name="Antes")
    data = {
        "name": "Después",
        "sla_optimal_seconds": client.sla_optimal_seconds,
        "sla_low_seconds": client.sla_low_seconds,
        "max_history_conversations": client.max_history_conversations,
        "inactivity_alert_attempts": client.inactivity_alert_attempts,
        "max_inactivity_seconds": client.max_inactivity_seconds,
        "status": "active",
        "version": client.version,
    }
    response = admin_client.post(f"/admin/clients/client/{client.pk}/change/", data)
    assert response.status_code == 302
    newest = history_entries(client)[0]
    assert newest.record.history_user == admin_user
    assert [(c.old, c.new) for c in newest.changes] == [("Antes", "Después")]
    admin_history = admin_client.get(f"/admin/clients/client/{client.pk}/history/")
    assert admin_history.status_code == 200
    assert "Después" in admin_history.content.decode()


def test_changes_from_commands_are_recorded_with_their_user(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client = Client.objects.get(code=1001)
    (creation,) = history_entries(client)
    assert creation.record.history_user.username == "admin"


def test_view_only_users_can_read_the_history_but_not_edit(client, make_user):
    ClientFactory(code=700)
    client.force_login(make_user("view_client"))
    html = client.get(HISTORY_URL).content.decode()
    assert shows(html, "Creado")
    assert "/editar/" not in html


def test_history_requires_view_permission(client, make_user):
    ClientFactory(code=700)
    assert client.get(HISTORY_URL).status_code == 302
    client.force_login(make_user("change_client"))
    assert client.get(HISTORY_URL).status_code == 403


def test_the_edit_page_links_to_the_history(manager_client):
    ClientFactory(code=700)
    html = manager_client.get("/administracion/clientes/700/editar/").content.decode()
    assert f'href="{HISTORY_URL}"' in html


def test_history_of_an_unknown_client_is_not_found(manager_client):
    assert manager_client.get("/administracion/clientes/9999/historial/").status_code == 404


def test_a_client_without_recorded_history_says_so(manager_client):
    ClientFactory(code=700).history.all().delete()
    html = manager_client.get(HISTORY_URL).content.decode()
    assert "No hay cambios registrados." in html
