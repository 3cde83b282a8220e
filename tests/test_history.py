"""Every create and change leaves a trail: who, when, each field's old → new."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from clients.bulk import BulkWriter
from clients.history import history_entries
from clients.models import Batch, Client

from .factories import ClientFactory, form_data, valid_client
from .html import form_values, shows

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


# --- Restaurar: a past entry fills the edit form ------------------------------


def restore_url(history_id):
    return f"/administracion/clientes/700/editar/?restaurar={history_id}"


@pytest.fixture
def renamed(manager_client, created_on_the_web):
    """Client 700, created as Telefónica, then renamed and deactivated."""
    edit(manager_client, name="Ñandú Internacional", status="inactive", sla_low_seconds="90")
    return created_on_the_web


def test_past_entries_have_restore_and_the_current_one_not(manager_client, renamed):
    newest, creation = history_entries(renamed)
    html = manager_client.get(HISTORY_URL).content.decode()
    assert f'href="{restore_url(creation.record.history_id)}"' in html
    assert f"restaurar={newest.record.history_id}" not in html
    assert html.count("restaurar=") == 1
    assert "Restaurar" in html


def test_restore_opens_the_edit_form_with_the_past_values(manager_client, renamed):
    creation = history_entries(renamed)[-1]
    response = manager_client.get(restore_url(creation.record.history_id))
    values = form_values(response.content.decode())
    assert values["name"] == "Telefónica"
    assert values["sla_low_seconds"] == "60"
    assert values["status"] == "active"
    # The version check is against the client as it is now.
    assert values["version"] == str(Client.objects.get(code=700).version)
    assert "Revise los valores y pulse Guardar para restaurarlos." in response.content.decode()
    # Nothing is written until Guardar.
    assert Client.objects.get(code=700).name == "Ñandú Internacional"


def test_saving_the_restored_form_restores_and_records_it(manager_client, manager, renamed):
    creation = history_entries(renamed)[-1]
    url = restore_url(creation.record.history_id)
    values = form_values(manager_client.get(url).content.decode())
    response = manager_client.post(url, values)
    assert response.status_code == 302
    client = Client.objects.get(code=700)
    assert (client.name, client.sla_low_seconds, client.status) == ("Telefónica", 60, "active")
    newest = history_entries(client)[0]
    assert newest.record.history_user == manager
    assert ("Nombre", "Ñandú Internacional", "Telefónica") in [
        (c.label, c.old, c.new) for c in newest.changes
    ]


def test_restoring_over_a_change_made_meanwhile_is_refused(manager_client, renamed):
    creation = history_entries(renamed)[-1]
    url = restore_url(creation.record.history_id)
    values = form_values(manager_client.get(url).content.decode())
    someone_else = Client.objects.get(code=700)
    someone_else.name = "Otro cambio"
    someone_else.save()
    response = manager_client.post(url, values)
    assert response.status_code == 200
    assert "Otro usuario modificó este cliente; revise los cambios." in response.content.decode()
    assert Client.objects.get(code=700).name == "Otro cambio"


@pytest.mark.parametrize("history_id", ["abc", "", "-1", "99999999999999999999", "1.5"])
def test_restoring_a_version_that_is_not_a_number_says_so(manager_client, renamed, history_id):
    response = manager_client.get(restore_url(history_id))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No se encontró esa versión anterior de este cliente" in html
    assert form_values(html)["name"] == "Ñandú Internacional"


def test_restoring_an_entry_of_another_client_says_so(manager_client, renamed):
    other = ClientFactory(code=701, name="Otro cliente")
    other_entry = history_entries(other)[0].record.history_id
    response = manager_client.get(restore_url(other_entry))
    html = response.content.decode()
    assert "No se encontró esa versión anterior de este cliente" in html
    assert form_values(html)["name"] == "Ñandú Internacional"
    assert manager_client.get(restore_url(10**6)).status_code == 200


def test_restore_needs_change_permission(client, make_user, renamed):
    creation = history_entries(renamed)[-1]
    client.force_login(make_user("view_client"))
    assert "restaurar=" not in client.get(HISTORY_URL).content.decode()
    assert client.get(restore_url(creation.record.history_id)).status_code == 403


def change_in_batches(user, client, times):
    """``times`` bulk edits of ``client``, each its own batch (a new optimal SLA each)."""
    batches = []
    for seconds in range(11, 11 + times):
        client.refresh_from_db()
        values = {**{n: getattr(client, n) for n in valid_client()}, "sla_optimal_seconds": seconds}
        with transaction.atomic(), BulkWriter(user, kind=Batch.Kind.BULK_EDIT) as writer:
            writer.add(values, {"id": client.pk, "version": client.version})
            writer.apply()
        batches.append(writer.batch)
    return batches


def test_an_entry_made_by_a_batch_links_to_it(manager_client, manager):
    client = ClientFactory(code=700, sla_optimal_seconds=10, sla_low_seconds=60)
    (batch,) = change_in_batches(manager, client, 1)
    html = manager_client.get(HISTORY_URL).content.decode()
    assert (
        f'<a href="/administracion/lotes/{batch.pk}/">Lote {batch.pk} · Edición masiva</a>' in html
    )
    assert html.count('<a href="/administracion/lotes/') == 1  # the creation was no batch's


def test_the_history_page_takes_the_same_queries_for_1_or_5_batch_entries(manager_client, manager):
    def queries(code, batches):
        client = ClientFactory(code=code, sla_optimal_seconds=10, sla_low_seconds=60)
        change_in_batches(manager, client, batches)
        with CaptureQueriesContext(connection) as captured:
            assert (
                manager_client.get(f"/administracion/clientes/{code}/historial/").status_code == 200
            )
        return len(captured)

    assert queries(701, 1) == queries(702, 5)
