"""Batches (lotes): the writer records them, their pages show them, Deshacer undoes them."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.batches import UndoRefused, batch_changes, undo
from clients.bulk import BulkWriter
from clients.models import Batch, Client

from .commands import csv_file, row, run, stored
from .factories import ClientFactory, valid_client

pytestmark = pytest.mark.django_db


def write(user, clients, kind=Batch.Kind.BULK_EDIT, **changes):
    """Change ``clients`` by ``changes`` through the bulk writer, as a batch of ``kind``."""
    with transaction.atomic(), BulkWriter(user, kind=kind) as writer:
        for client in clients:
            client.refresh_from_db()
            values = {**valid_client(**{n: getattr(client, n) for n in valid_client()}), **changes}
            writer.add(values, {"id": client.pk, "version": client.version})
        writer.apply()
    return writer.batch


def history_of(batch):
    return Client.history.model.objects.filter(batch=batch)


@pytest.fixture
def three(db):
    return [
        ClientFactory(code=code, sla_optimal_seconds=10, sla_low_seconds=60) for code in (1, 2, 3)
    ]


def test_the_writer_records_a_batch_and_its_history_rows_name_it(manager, three):
    batch = write(manager, three, sla_low_seconds=90)
    assert (batch.kind, batch.created_by, batch.client_count) == ("bulk_edit", manager, 3)
    assert batch.get_absolute_url() == f"/administracion/lotes/{batch.pk}/"
    assert history_of(batch).count() == 3
    assert batch.created_at == Client.objects.get(code=1).updated_at


def test_without_a_kind_the_writer_records_no_batch(manager):
    with transaction.atomic(), BulkWriter(manager) as writer:
        writer.add(valid_client(code=9))
        writer.apply()
    assert writer.batch is None
    assert not Batch.objects.exists()
    assert Client.history.get().batch is None


def test_a_save_can_belong_to_a_batch(manager):
    batch = Batch.objects.create(kind=Batch.Kind.COMMAND, client_count=1)
    client = Client(**valid_client())
    client.record_change_by(manager, batch=batch)
    client.save()
    assert client.history.get().batch == batch
    client.name = "Otra"
    client.record_change_by(manager)
    client.save()
    assert client.history.latest("history_id").batch is None


def test_a_batch_shows_old_and_new_values_of_the_fields_it_changed(manager, three):
    batch = write(manager, three, sla_low_seconds=90)
    changes = batch_changes(batch)
    assert [change.code for change in changes] == [1, 2, 3]
    assert [(c.label, c.old, c.new) for c in changes[0].changes] == [
        ("SLA bajo (segundos)", "60", "90")
    ]


def test_undo_restores_every_client_as_a_batch_of_its_own(manager, three):
    batch = write(manager, three, sla_low_seconds=90, status=Client.Status.INACTIVE)
    undo_batch = undo(batch, manager)
    assert (undo_batch.kind, undo_batch.undoes, undo_batch.client_count) == ("undo", batch, 3)
    assert set(Client.objects.values_list("sla_low_seconds", "status")) == {(60, "active")}
    assert history_of(undo_batch).count() == 3


def test_an_undo_of_an_undos_undo_works_and_each_batch_is_undone_once(manager, three):
    first = write(manager, three, sla_low_seconds=90)
    second = undo(first, manager)
    third = undo(second, manager)
    assert set(Client.objects.values_list("sla_low_seconds", flat=True)) == {90}
    fourth = undo(third, manager)
    assert set(Client.objects.values_list("sla_low_seconds", flat=True)) == {60}
    assert fourth.undoes == third
    for done in (first, second, third):
        with pytest.raises(UndoRefused, match="ya se deshizo"):
            undo(done, manager)
    assert set(Client.objects.values_list("sla_low_seconds", flat=True)) == {60}


def test_a_client_changed_after_the_batch_stops_the_whole_undo(manager, three):
    batch = write(manager, three, sla_low_seconds=90)
    client = Client.objects.get(code=2)
    client.name = "Cambiado después"
    client.save()
    with pytest.raises(UndoRefused, match="cliente 2 cambió"):
        undo(batch, manager)
    assert set(Client.objects.values_list("sla_low_seconds", flat=True)) == {90}
    assert not Batch.objects.filter(kind="undo").exists()


def test_undoing_a_batch_that_created_clients_deactivates_them(manager):
    with transaction.atomic(), BulkWriter(manager, kind=Batch.Kind.COMMAND) as writer:
        writer.add(valid_client(code=7))
        writer.apply()
    undo(writer.batch, manager)
    assert Client.objects.get(code=7).status == Client.Status.INACTIVE
    (change,) = batch_changes(writer.batch)
    assert change.created


def test_undo_takes_the_same_number_of_queries_for_3_or_30_clients(manager, make_user):
    def queries(count, start):
        clients = [ClientFactory(code=start + n) for n in range(count)]
        batch = write(manager, clients, max_history_conversations=5)
        with CaptureQueriesContext(connection) as captured:
            undo(batch, manager)
        return len(captured)

    assert queries(3, 100) == queries(30, 200)


# --- Pages -----------------------------------------------------------------------------


def test_the_list_shows_batches_newest_first(manager_client, manager, three):
    first = write(manager, three, sla_low_seconds=90)
    second = write(manager, three[:2], sla_low_seconds=95)
    page = manager_client.get(reverse("batches:list")).content.decode()
    assert page.index(f"Lote {second.pk}") < page.index(f"Lote {first.pk}")
    assert "Edición masiva" in page


def test_the_batch_page_lists_each_clients_changes(manager_client, manager, three):
    batch = write(manager, three, sla_low_seconds=90)
    page = manager_client.get(batch.get_absolute_url()).content.decode()
    assert "<del>60</del> → <ins>90</ins>" in page
    assert "Deshacer" in page


def test_the_undo_button_undoes_and_shows_the_new_batch(manager_client, manager, three):
    batch = write(manager, three, sla_low_seconds=90)
    response = manager_client.post(reverse("batches:undo", args=[batch.pk]), follow=True)
    undo_batch = Batch.objects.get(kind="undo")
    assert response.redirect_chain[-1][0] == undo_batch.get_absolute_url()
    assert f"Lote {batch.pk} deshecho" in response.content.decode()
    assert set(Client.objects.values_list("sla_low_seconds", flat=True)) == {60}


def test_a_refused_undo_says_why_on_the_batch_page(manager_client, manager, three):
    batch = write(manager, three, sla_low_seconds=90)
    Client.objects.get(code=3).save()
    response = manager_client.post(reverse("batches:undo", args=[batch.pk]), follow=True)
    assert response.redirect_chain[-1][0] == batch.get_absolute_url()
    assert "Nada se deshizo: el cliente 3 cambió" in response.content.decode()


def test_an_undo_the_database_refuses_says_so_in_spanish_and_changes_nothing(
    manager_client, manager, three, refusing_database
):
    batch = write(manager, three, sla_low_seconds=90)
    words = refusing_database()
    response = manager_client.post(reverse("batches:undo", args=[batch.pk]), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == batch.get_absolute_url()
    assert "La base de datos rechazó deshacer" in page and "No se cambió nada." in page
    assert words not in page
    assert set(Client.objects.values_list("sla_low_seconds", flat=True)) == {90}
    assert not Batch.objects.filter(kind="undo").exists()


def test_a_get_of_undo_undoes_nothing_and_leads_to_the_batch(manager_client, manager, three):
    """The language menu returns to the page it was on, with a GET."""
    batch = write(manager, three, sla_low_seconds=90)
    response = manager_client.get(reverse("batches:undo", args=[batch.pk]))
    assert response.status_code == 302
    assert response.url == batch.get_absolute_url()
    assert not Batch.objects.filter(kind="undo").exists()


def test_an_unknown_batch_is_a_404(manager_client):
    assert manager_client.get("/administracion/lotes/999/").status_code == 404
    assert manager_client.post("/administracion/lotes/999/deshacer/").status_code == 404


def test_a_viewer_sees_batches_but_cannot_undo(client, make_user, manager, three):
    batch = write(manager, three, sla_low_seconds=90)
    client.force_login(make_user("view_client"))
    page = client.get(batch.get_absolute_url())
    assert page.status_code == 200
    assert "Deshacer" not in page.content.decode()
    assert client.post(reverse("batches:undo", args=[batch.pk])).status_code == 403
    assert set(Client.objects.values_list("sla_low_seconds", flat=True)) == {90}


def test_batch_pages_take_the_same_number_of_queries_for_3_or_30_clients(manager_client, manager):
    def queries(count, start):
        clients = [ClientFactory(code=start + n) for n in range(count)]
        batch = write(manager, clients, max_history_conversations=5)
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(batch.get_absolute_url()).status_code == 200
        return len(captured)

    assert queries(3, 100) == queries(30, 200)


# --- Commands ----------------------------------------------------------------------------


def test_an_import_by_command_is_a_batch_the_browser_can_undo(manager_client, tmp_path):
    ClientFactory(code=1, name="Antes", sla_optimal_seconds=20, sla_low_seconds=60)
    path = csv_file(tmp_path, row(1, name="Después"), row(2))
    assert run("import_clients", str(path), "--update")[0] == 0
    batch = Batch.objects.get()
    assert (batch.kind, batch.client_count, batch.created_by.username) == ("command", 2, "sistema")
    assert batch.description == "import_clients clients.csv"
    manager_client.post(reverse("batches:undo", args=[batch.pk]))
    assert stored() == [(1, "Antes", "active"), (2, "Telefónica", "inactive")]


def test_undoing_a_command_that_created_clients_says_they_were_deactivated(
    manager_client, tmp_path
):
    """The undo said "2 clientes restaurados" of two clients it had only deactivated."""
    ClientFactory(code=1, name="Antes", sla_optimal_seconds=20, sla_low_seconds=60)
    path = csv_file(tmp_path, row(1, name="Después"), row(2), row(3))
    assert run("import_clients", str(path), "--update")[0] == 0
    batch = Batch.objects.get()
    before = manager_client.get(batch.get_absolute_url()).content.decode()
    assert "Deshacer desactiva los 2 clientes que creó este lote" in before
    page = manager_client.post(reverse("batches:undo", args=[batch.pk]), follow=True)
    shown = [str(message) for message in page.context["messages"]]
    assert shown == [
        f"Lote {batch.pk} deshecho: 1 cliente restaurado.",
        "2 clientes que había creado el lote quedaron inactivos: los clientes nunca se borran.",
    ]
    only_created = csv_file(tmp_path, row(4), name="new.csv")
    assert run("import_clients", str(only_created))[0] == 0
    batch = Batch.objects.filter(kind="command").latest("pk")
    page = manager_client.post(reverse("batches:undo", args=[batch.pk]), follow=True)
    assert [str(message) for message in page.context["messages"]] == [
        f"Lote {batch.pk} deshecho.",
        "1 cliente que había creado el lote quedó inactivo: los clientes nunca se borran.",
    ]


def test_a_dry_run_records_no_batch(tmp_path):
    assert run("import_clients", str(csv_file(tmp_path, row(1))), "--dry-run")[0] == 0
    assert not Batch.objects.exists()


def test_set_client_status_is_a_batch_of_one(manager, client_record):
    assert run("set_client_status", "700", "inactivo")[0] == 0
    batch = Batch.objects.get()
    assert (batch.kind, batch.client_count) == ("command", 1)
    undo(batch, manager)
    client_record.refresh_from_db()
    assert client_record.status == Client.Status.ACTIVE


def test_the_list_pages_by_25(manager_client, manager):
    batches = [Batch.objects.create(kind=Batch.Kind.COMMAND, created_by=manager) for _ in range(27)]
    first = manager_client.get(reverse("batches:list")).content.decode()
    second = manager_client.get(reverse("batches:list") + "?page=2").content.decode()
    assert first.count("Lote ") - second.count("Lote ") == 25 - 2
    # Newest first: the oldest two are on the second page (ids need not start at 1).
    assert f"Lote {batches[0].pk}<" in second and f"Lote {batches[-1].pk}<" in first
    assert f"Lote {batches[1].pk}<" in second and f"Lote {batches[2].pk}<" in first


def test_a_batch_that_changed_no_client_has_nothing_to_undo(manager_client, manager):
    batch = Batch.objects.create(kind=Batch.Kind.COMMAND, created_by=manager)
    page = manager_client.get(batch.get_absolute_url()).content.decode()
    assert "Este lote no cambió ningún cliente." in page
    assert "Deshacer" not in page
    response = manager_client.post(reverse("batches:undo", args=[batch.pk]), follow=True)
    assert "no hay nada que deshacer" in response.content.decode()
    assert not Batch.objects.filter(kind="undo").exists()
