"""Every road to the clients table stores the same row: the form, the import, the seed's writer."""

import pytest
from django.db import transaction

from clients import writing
from clients.bulk import BulkWriter
from clients.models import Client

from .commands import HEADER, csv_file, run
from .factories import form_data, valid_client

pytestmark = pytest.mark.django_db

#: Names whose folding for search is not trivial: ß and ligatures grow, fractions
#: and full-width letters change, Ñ and combining accents lose their marks.
ODD_NAMES = [
    "Straße Logística",
    "Oﬃce ﬁnanzas",
    "½ Media Luna ¾",
    "Ｔｅｌｅｆóｎｉｃａ",
    "Ñandú S.A.S.",
    "Jose\u0301 Mari\u0301a",
    "  Espacios  fuera  ",
    # Names whose folded key is many times longer than the name (up to 18 times).
    "ß" * 61,
    "ß" * 120,
    "ﬃ" * 120,
    "ﷺ" * 120,
    "½" * 120,
    "㍿" * 120,
]
#: What may differ between two roads: identities and moments, and the batch
#: (an import by command is one, the form's save is not).
UNCOMPARED = {"id", "code", "created_at", "updated_at", "history_id", "history_date", "batch_id"}


def stored_row(code):
    client = Client.objects.get(code=code)
    first_history = client.history.earliest("history_date")
    assert first_history.history_date == client.updated_at == client.created_at
    return comparable(Client.objects.filter(code=code).values().get()), comparable(
        type(first_history).objects.filter(pk=first_history.pk).values().get()
    )


def comparable(values):
    return {name: value for name, value in values.items() if name not in UNCOMPARED}


@pytest.mark.parametrize("name", ODD_NAMES, ids=range(len(ODD_NAMES)))
def test_form_import_and_bulk_writer_store_the_same_client(manager_client, manager, tmp_path, name):
    by_form, by_import, by_writer = 1, 2, 3
    response = manager_client.post(
        "/administracion/clientes/crear/", form_data(code=by_form, name=name)
    )
    assert response.status_code == 302, response.context["form"].errors

    values = valid_client(code=by_import, name=name)
    path = csv_file(tmp_path, ",".join(f'"{values[column]}"' for column in HEADER.split(",")))
    status, out, err = run("import_clients", path, "--user", manager.username)
    assert status == 0, (out, err)

    with transaction.atomic(), BulkWriter(manager) as writer:
        writer.add(valid_client(code=by_writer, name=name.strip()))
        writer.apply()

    form_row = stored_row(by_form)
    assert form_row == stored_row(by_import) == stored_row(by_writer)
    client, history = form_row
    assert client["name"] == history["name"] == name.strip()
    assert client["updated_by_id"] == client["created_by_id"] == history["history_user_id"]
    assert (client["version"], history["history_type"]) == (1, "+")
    assert list(Client.objects.search_name(name.strip()[:40].upper())) == list(
        Client.objects.filter(code__in=[by_form, by_import, by_writer])
    )


def test_a_change_by_save_and_by_the_writer_stores_the_same_columns(manager):
    """Updating: the version goes up by one and the author and history follow, by either road."""
    for code in (1, 2):
        with transaction.atomic(), BulkWriter(manager) as writer:
            writer.add(valid_client(code=code))
            writer.apply()
    by_save = Client.objects.get(code=1)
    by_save.name = "Straße ß"
    by_save.record_change_by(manager)
    by_save.save()
    current = Client.objects.filter(code=2).values("id", "version").get()
    with transaction.atomic(), BulkWriter(manager) as writer:
        writer.add(valid_client(code=2, name="Straße ß"), current)
        writer.apply()

    def latest(code):
        client = Client.objects.get(code=code)
        history = client.history.latest("history_date")
        assert history.history_date == client.updated_at > client.created_at
        return comparable(Client.objects.filter(code=code).values().get()), comparable(
            type(history).objects.filter(pk=history.pk).values().get()
        )

    assert latest(1) == latest(2)
    assert latest(1)[0]["version"] == 2
    assert latest(1)[1]["history_type"] == "~"


def keys_as_derived():
    """Each stored client's search and sort keys against what ``writing`` derives."""
    return {
        code: (name_search, name_sort) == tuple(writing.derived_values({"name": name}).values())
        for code, name, name_search, name_sort in Client.objects.values_list(
            "code", "name", "name_search", "name_sort"
        )
    }


def test_the_administrator_tools_store_the_keys_the_name_derives(manager_client, manager):
    """Web import, Deshacer and Restaurar write names too: each row's search and sort
    keys are the ones its name derives, after each of them."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from clients.models import Batch, PendingImport

    with transaction.atomic(), BulkWriter(manager) as writer:
        writer.add(valid_client(code=1, name="Álvaro"))
        writer.apply()
    rows = [
        ",".join(f'"{value}"' for value in valid_client(code=code, name=name).values())
        for code, name in [(1, "Straße İstanbul 😀"), (2, "Ñandú Jose\u0301")]
    ]
    upload = SimpleUploadedFile("c.csv", "\n".join([HEADER, *rows]).encode())
    manager_client.post("/administracion/clientes/importar/", {"file": upload, "update": "on"})
    pending = PendingImport.objects.get()
    manager_client.post(f"/administracion/clientes/importar/{pending.pk}/confirmar/")
    assert Client.objects.get(code=1).name == "Straße İstanbul 😀"
    assert keys_as_derived() == {1: True, 2: True}

    manager_client.post(f"/administracion/lotes/{Batch.objects.get().pk}/deshacer/")
    assert Client.objects.get(code=1).name == "Álvaro"
    assert keys_as_derived() == {1: True, 2: True}

    client = Client.objects.get(code=1)
    imported = client.history.get(name="Straße İstanbul 😀")
    form = manager_client.get(f"/administracion/clientes/1/editar/?restaurar={imported.pk}")
    data = {**form.context["form"].initial, "version": client.version}
    data = {name: value for name, value in data.items() if name in form.context["form"].fields}
    assert manager_client.post("/administracion/clientes/1/editar/", data).status_code == 302
    assert Client.objects.get(code=1).name == "Straße İstanbul 😀"
    assert keys_as_derived() == {1: True, 2: True}
