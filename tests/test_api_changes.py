"""The change feed (/api/changes/) and the change counter behind the list's ETag (issue #13)."""

import io
import threading
import time
from datetime import datetime

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from clients import changes
from clients.models import Client

from .commands import csv_file, row, run
from .factories import ClientFactory, UserFactory
from .test_api import api_client_for, detail_url, revalidate
from .test_concurrency import needs_postgresql, run_together

FEED_URL = "/api/changes/"
BAD_CURSOR = "Cursor desconocido o dañado: use un next_cursor que dio esta API, o ninguno."
LIST_URL = "/api/clients/"


@pytest.fixture
def service(make_user):
    return api_client_for(make_user("view_client"))


def read(api, cursor=None, **query):
    if cursor is not None:
        query["after"] = cursor
    response = api.get(FEED_URL, query)
    assert response.status_code == 200, response.content
    return response.json()


def seen(body):
    return [(item["action"], item["client"]["code"]) for item in body["results"]]


# --- The feed -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_feed_starts_from_the_first_change_ever_and_shows_each_as_the_detail_does(service):
    author = UserFactory(username="ana")
    client = ClientFactory(code=7, name="Telefónica")
    client.record_change_by(author)
    client.name = "Telefónica Colombia"
    client.save()
    body = read(service)
    assert list(body) == ["results", "next_cursor"]
    first, second = body["results"]
    assert list(first) == ["cursor", "action", "changed_at", "changed_by", "client"]
    assert (first["action"], first["changed_by"], first["client"]["name"]) == (
        "created",
        None,
        "Telefónica",
    )
    assert (second["action"], second["changed_by"]) == ("updated", "ana")
    assert second["client"] == service.get(detail_url(7)).json()
    assert datetime.fromisoformat(second["changed_at"]) == Client.objects.get().updated_at
    assert body["next_cursor"] == second["cursor"]


@pytest.mark.django_db
def test_a_consumer_resumes_from_next_cursor_and_sees_each_change_once(service):
    ClientFactory(code=1)
    body = read(service)
    cursor = body["next_cursor"]
    idle = read(service, cursor)
    assert idle == {"results": [], "next_cursor": cursor}  # nothing new: same cursor
    ClientFactory(code=2)
    client = Client.objects.get(code=1)
    client.status = "inactive"
    client.save()
    body = read(service, cursor)
    assert seen(body) == [("created", 2), ("updated", 1)]
    assert read(service, body["next_cursor"])["results"] == []


@pytest.mark.django_db
def test_limit_cuts_the_feed_and_each_items_cursor_resumes_after_it(service):
    for code in range(1, 6):
        ClientFactory(code=code)
    page = read(service, limit="2")
    assert seen(page) == [("created", 1), ("created", 2)]
    rest = read(service, page["next_cursor"], limit="10")
    assert seen(rest) == [("created", 3), ("created", 4), ("created", 5)]
    from_the_fourth = read(service, rest["results"][0]["cursor"])
    assert seen(from_the_fourth) == [("created", 4), ("created", 5)]


@pytest.mark.django_db
def test_a_tail_poll_costs_two_indexed_reads(service):
    for code in range(1, 30):
        ClientFactory(code=code)
    cursor = read(service)["next_cursor"]
    with CaptureQueriesContext(connection) as queries:
        read(service, cursor)
    history = [q["sql"] for q in queries if "clients_historicalclient" in q["sql"]]
    assert len(history) == 2  # the page (empty), and that the cursor is one of ours
    assert all("history_id" in q and "COUNT(" not in q.upper() for q in history)


def plan(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")
@pytest.mark.django_db
def test_a_tail_poll_reads_the_history_by_its_index_even_before_any_analyze(service):
    """Right after a large import the history has no statistics yet. "Is there a
    row at or past the cursor" was then a scan of the whole table (18 ms a poll
    at 100,000 changes, growing with the table); the newest id is an index read
    whatever the planner knows."""
    call_command("seed_clients", "2000", stdout=io.StringIO(), stderr=io.StringIO())
    cursor = read(service, limit=1000)["next_cursor"]
    cursor = read(service, cursor, limit=1000)["next_cursor"]
    with CaptureQueriesContext(connection) as queries:
        assert read(service, cursor)["results"] == []
    page, known = [q["sql"] for q in queries if "clients_historicalclient" in q["sql"]]
    assert "Seq Scan" not in plan(known), plan(known)
    # The page is a scan on a table this small, rightly; priced out, it too reads the index.
    with connection.cursor() as settings:
        settings.execute("SET enable_seqscan = off")
        assert "Seq Scan on clients_historicalclient" not in plan(page), plan(page)
        settings.execute("RESET enable_seqscan")


@pytest.mark.django_db
def test_every_road_that_changes_a_client_reaches_the_feed(service, admin_client, tmp_path):
    cursor = read(service)["next_cursor"]
    # A page.
    ClientFactory(code=1)
    # The Django admin.
    client = Client.objects.get(code=1)
    data = {
        "name": "Desde el admin",
        "sla_optimal_seconds": "10",
        "sla_low_seconds": "40",
        "max_history_conversations": "5",
        "inactivity_alert_attempts": "2",
        "max_inactivity_seconds": "60",
        "status": "active",
        "version": str(client.version),
    }
    response = admin_client.post(f"/admin/clients/client/{client.pk}/change/", data)
    assert response.status_code == 302
    # The commands.
    assert run("import_clients", csv_file(tmp_path, row(2, "Importado")))[0] == 0
    assert run("set_client_status", "2", "inactive")[0] == 0
    body = read(service, cursor)
    assert seen(body) == [("created", 1), ("updated", 1), ("created", 2), ("updated", 2)]
    assert [item["client"]["status"] for item in body["results"]][-1] == "inactive"
    assert body["results"][1]["client"]["name"] == "Desde el admin"
    assert body["results"][2]["changed_by"] == "sistema"


# --- Bad input ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"after": "abc"}, "after"),
        ({"after": "-1"}, "after"),
        ({"after": "1"}, "after"),
        ({"after": "x" * 500}, "after"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "100000"}, "limit"),
        ({"limit": "abc"}, "limit"),
    ],
)
def test_bad_after_or_limit_is_a_400_naming_the_parameter(service, query, parameter):
    response = service.get(FEED_URL, query)
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


@pytest.mark.django_db
def test_a_tampered_or_unknown_cursor_is_a_400(service):
    ClientFactory(code=1)
    cursor = read(service)["next_cursor"]
    # Another position with this cursor's signature.
    tampered = changes.encode_cursor(2).split(":")[0] + ":" + cursor.split(":", 1)[1]
    forged = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    unknown = changes.encode_cursor(10**9)  # signed, but beyond every change
    for bad in (tampered, forged, unknown):
        response = service.get(FEED_URL, {"after": bad})
        assert response.status_code == 400, bad
        assert response.json() == {
            "after": [
                "Cursor desconocido o dañado: use un next_cursor que dio esta API, o ninguno."
            ]
        }


@pytest.mark.django_db
def test_the_feed_needs_view_permission(make_user):
    assert APIClient().get(FEED_URL).status_code == 401
    assert api_client_for(make_user("change_client")).get(FEED_URL).status_code == 403
    assert api_client_for(make_user("view_client")).get(FEED_URL).status_code == 200


# --- The change counter: the list's ETag --------------------------------------


@pytest.mark.django_db
def test_every_road_moves_the_list_etag(service, tmp_path):
    ClientFactory(code=1)
    response = service.get(LIST_URL)

    def changed():
        nonlocal response
        again = revalidate(service, LIST_URL, response)
        response = again if again.status_code == 200 else response
        return again.status_code == 200

    assert not changed()
    ClientFactory(code=2)
    assert changed()
    assert run("import_clients", csv_file(tmp_path, row(3)))[0] == 0
    assert changed()
    assert run("set_client_status", "3", "inactive")[0] == 0
    assert changed()
    # Raw SQL too, even one that keeps every stamp.
    Client.objects.filter(code=1).update(version=F("version") + 1)
    assert changed()
    assert not changed()


@pytest.mark.django_db
def test_the_counter_moves_only_when_the_change_commits():
    before = changes.table_state()
    with transaction.atomic():
        sid = transaction.savepoint()
        ClientFactory(code=1)
        transaction.savepoint_rollback(sid)
    assert changes.table_state()[0] == before[0]
    ClientFactory(code=1)
    after = changes.table_state()
    assert after[0] > before[0]
    assert after[1] >= before[1]


# --- Never miss a change committed late (PostgreSQL: real concurrent transactions) --


def wait_until(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def waiting_on_a_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_change_committed_after_a_later_one_is_still_delivered(make_user):
    """A long transaction (an import) writes first and commits last; the feed
    read in between must not move its cursor past the long one's change."""
    service = api_client_for(make_user("view_client"))
    ClientFactory(code=1)
    cursor = read(service)["next_cursor"]
    first_wrote, release_first = threading.Event(), threading.Event()
    second_done = threading.Event()

    def long_transaction():
        with transaction.atomic():
            ClientFactory(code=100, name="Importación larga")
            first_wrote.set()
            assert release_first.wait(30)
        return "first"

    def short_transaction():
        assert first_wrote.wait(30)
        try:
            with transaction.atomic():
                ClientFactory(code=200, name="Edición corta")
        finally:
            second_done.set()
        return "second"

    reads = []

    def reader():
        assert first_wrote.wait(30)
        # The second transaction has committed, or is queued behind the first.
        wait_until(lambda: second_done.is_set() or waiting_on_a_lock())
        reads.append(read(service, cursor))
        release_first.set()
        assert second_done.wait(30)
        reads.append(read(service, reads[0]["next_cursor"]))
        return "read"

    results = run_together(long_transaction, short_transaction, reader)
    assert results == ["first", "second", "read"], results
    delivered = [code for body in reads for _, code in seen(body)]
    assert sorted(delivered) == [100, 200]
    assert delivered == [100, 200]  # in commit order
