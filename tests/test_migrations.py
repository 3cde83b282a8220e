"""Upgrading a database that already has clients keeps them whole."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone


def create_old_client(model, code, name, **values):
    """A client as an older schema stored it: ``model`` is that schema's."""
    return model.objects.create(
        code=code,
        name=name,
        name_search=name.casefold(),
        sla_optimal_seconds=10,
        sla_low_seconds=20,
        max_history_conversations=1,
        inactivity_alert_attempts=1,
        max_inactivity_seconds=60,
        created_at=timezone.now(),
        updated_at=timezone.now(),
        **values,
    )


@pytest.mark.django_db(transaction=True)
def test_clients_created_before_history_existed_start_their_history(django_user_model):
    executor = MigrationExecutor(connection)
    executor.migrate([("clients", "0002_code_immutable_trigger")])
    author = django_user_model.objects.create(username="autor")
    old_apps = executor.loader.project_state([("clients", "0002_code_immutable_trigger")]).apps
    for code, name, updated_by_id in [
        (5, "Anterior S.A.", author.pk),
        (6, "Dos\r\nlíneas\x1b", None),  # stored before control characters were refused
    ]:
        create_old_client(
            old_apps.get_model("clients", "Client"), code, name, updated_by_id=updated_by_id
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("clients"))

    from clients.models import Client

    client = Client.objects.get(code=5)
    assert client.version == 1
    (first,) = client.history.all()
    assert (first.name, first.history_type, first.history_user) == ("Anterior S.A.", "+", author)
    # Names stored before the rule against control characters lose them.
    assert Client.objects.search_name("dos lineas").get().name == "Dos líneas"


@pytest.mark.django_db(transaction=True)
def test_clients_stored_before_the_sort_key_sort_in_spanish_order_and_keep_their_triggers():
    before = ("clients", "0012_pending_import")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old_model = executor.loader.project_state([before]).apps.get_model("clients", "Client")
    for code, name in enumerate(["Ocaso", "Ñandú", "Nube", "álvaro", "Zeta"], start=1):
        create_old_client(old_model, code, name)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("clients"))

    from clients.models import Client

    names = list(Client.objects.order_by("name_sort", "code").values_list("name", flat=True))
    assert names == ["álvaro", "Nube", "Ñandú", "Ocaso", "Zeta"]
    with connection.cursor() as cursor:  # SQLite rebuilt the table: its triggers are back.
        cursor.execute("SELECT changes FROM clients_changecounter")
        (changes,) = cursor.fetchone()
        cursor.execute("UPDATE clients_client SET name = 'Zeta 2' WHERE code = 5")
        cursor.execute("SELECT changes FROM clients_changecounter")
        assert cursor.fetchone()[0] > changes
        with pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute("UPDATE clients_client SET code = 50 WHERE code = 5")
