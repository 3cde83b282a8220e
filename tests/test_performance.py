"""The list stays cheap whatever the data: constant queries, bounded counts, indexes.

Timings live in bench/ (a script), not here: these tests pin the properties
that make the page fast.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients import filters
from clients.pagination import CappedCountPaginator

from .factories import ClientFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/administracion/clientes/"


def make_clients(count):
    """Clients that every query in QUERIES finds (so each page has rows to read)."""
    for code in range(10_001, 10_001 + count):
        ClientFactory(
            code=code, name="Telefónica Andina", status="inactive" if code % 2 else "active"
        )


QUERIES = [
    {},
    {"page": "2"},
    {"name": "telefonica"},
    {"code": "10003"},
    {"status": "inactive", "sort": "-sla_low_seconds"},
    {"name": "a", "status": "active", "sort": "name", "page": "3"},
]


@pytest.mark.parametrize("rows", [3, 80])
@pytest.mark.parametrize("params", QUERIES)
def test_list_makes_four_queries_whatever_the_data(
    admin_client, django_assert_num_queries, rows, params
):
    """Session, user, count, page: the same four for 3 clients or 80, any query."""
    make_clients(rows)
    with django_assert_num_queries(4):
        assert admin_client.get(LIST_URL, params).status_code == 200


def test_non_superusers_add_only_their_permission_lookup(manager_client, django_assert_num_queries):
    ClientFactory.create_batch(30)
    with django_assert_num_queries(6):  # + user permissions, + group permissions
        manager_client.get(LIST_URL, {"page": "2"})


def test_count_is_capped_and_says_so(admin_client, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "count_limit", 30)
    ClientFactory.create_batch(40)
    response = admin_client.get(LIST_URL)
    assert "más de 30 clientes" in response.content.decode()
    last = admin_client.get(LIST_URL, {"page": "999"}).context["page_obj"]
    assert (last.number, len(last.object_list)) == (2, 5)


def test_count_below_the_cap_is_exact(admin_client, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "count_limit", 30)
    ClientFactory.create_batch(30)
    assert "30 clientes" in admin_client.get(LIST_URL).content.decode()
    assert "más de" not in admin_client.get(LIST_URL).content.decode()


def test_a_name_search_counts_fewer_matches_than_the_whole_list(admin_client, monkeypatch):
    """Counting name matches costs per match, so a search stops counting sooner."""
    monkeypatch.setattr(CappedCountPaginator, "count_limit", 30)
    monkeypatch.setattr(filters, "NAME_SEARCH_COUNT_LIMIT", 10)
    for number in range(1, 41):
        ClientFactory(name=f"Andina {number}")
    assert "más de 30 clientes" in admin_client.get(LIST_URL).content.decode()
    search = admin_client.get(LIST_URL, {"name": "andina"})
    assert "más de 10 clientes" in search.content.decode()
    assert search.context["page_obj"].paginator.num_pages == 1
    assert "más de 30 clientes" in admin_client.get(LIST_URL, {"status": "active"}).content.decode()


def test_a_name_search_below_its_cap_is_counted_exactly(admin_client, monkeypatch):
    monkeypatch.setattr(filters, "NAME_SEARCH_COUNT_LIMIT", 10)
    for number in range(1, 11):
        ClientFactory(name=f"Ñandú {number}")
    ClientFactory(name="Otro")
    assert "10 clientes" in admin_client.get(LIST_URL, {"name": "nandu"}).content.decode()
    assert "más de" not in admin_client.get(LIST_URL, {"name": "nandu"}).content.decode()


@pytest.mark.parametrize("sort", ["status", "-status", "name", "-sla_optimal_seconds"])
def test_pages_of_a_sort_with_ties_neither_repeat_nor_skip(admin_client, sort):
    for code in range(1, 61):
        ClientFactory(code=code, name="Igual", sla_optimal_seconds=7, sla_low_seconds=9)
    seen = []
    for page in (1, 2, 3):
        response = admin_client.get(LIST_URL, {"sort": sort, "page": page})
        seen += [client.code for client in response.context["page_obj"]]
    assert sorted(seen) == list(range(1, 61))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")
@pytest.mark.parametrize(
    "params",
    [{}, {"name": "telefonica"}, {"code": "10003"}, {"status": "inactive"}, {"sort": "-name"}],
)
def test_every_list_query_can_use_an_index(admin_client, params):
    """With sequential scans priced out, no list query needs one.

    (On a tiny test table PostgreSQL rightly prefers a scan; the benchmark
    shows the plans on a million rows.)
    """
    make_clients(30)
    with CaptureQueriesContext(connection) as captured:
        admin_client.get(LIST_URL, params)
    list_queries = [q["sql"] for q in captured if 'FROM "clients_client"' in q["sql"]]
    assert len(list_queries) == 2  # the capped count and the page
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        for sql in list_queries:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan on clients_client" not in plan, plan
        cursor.execute("RESET enable_seqscan")
