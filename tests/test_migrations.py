"""Upgrading a database that already has clients keeps them whole."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone


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
        old_apps.get_model("clients", "Client").objects.create(
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
            updated_by_id=updated_by_id,
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
