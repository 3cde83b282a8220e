"""The read API the platform's services use: /api/clients/ (issue #7)."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import http_date
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clients.models import Client

from .factories import ClientFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/clients/"
FIELDS = [
    "code",
    "name",
    "sla_optimal_seconds",
    "sla_low_seconds",
    "max_history_conversations",
    "inactivity_alert_attempts",
    "max_inactivity_seconds",
    "status",
    "created_at",
    "updated_at",
]


def detail_url(code):
    return f"/api/clients/{code}/"


def api_client_for(user):
    """A service: the user's token in the Authorization header."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


@pytest.fixture
def service(make_user):
    return api_client_for(make_user("view_client"))


def codes(response):
    assert response.status_code == 200, response.content
    return [client["code"] for client in response.json()["results"]]


def test_urls_match_the_contract():
    assert reverse("api:client-list") == LIST_URL
    assert reverse("api:client-detail", args=[7]) == detail_url(7)
    assert reverse("api:schema") == "/api/schema/"


# --- Reading ------------------------------------------------------------------


def test_list_gives_every_client_with_the_spec_field_names(service):
    ClientFactory(code=2, name="Ñandú S.A.S.", status="inactive")
    telefonica = ClientFactory(
        code=1,
        name="Telefónica",
        sla_optimal_seconds=20,
        sla_low_seconds=60,
        max_history_conversations=10,
        inactivity_alert_attempts=3,
        max_inactivity_seconds=300,
    )
    body = service.get(LIST_URL).json()
    assert list(body) == ["next", "results"]
    assert body["next"] is None
    first, second = body["results"]
    assert list(first) == FIELDS
    assert first == {
        "code": 1,
        "name": "Telefónica",
        "sla_optimal_seconds": 20,
        "sla_low_seconds": 60,
        "max_history_conversations": 10,
        "inactivity_alert_attempts": 3,
        "max_inactivity_seconds": 300,
        "status": "active",
        "created_at": first["created_at"],
        "updated_at": first["updated_at"],
    }
    assert datetime.fromisoformat(first["updated_at"]) == telefonica.updated_at
    assert (second["code"], second["status"]) == (2, "inactive")


def test_detail_gives_one_client_by_code(service, client_record):
    response = service.get(detail_url(700))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == FIELDS
    assert response.json()["name"] == "Ñandú S.A.S."


@pytest.mark.parametrize("code", ["1", "0", "2147483648", "99999999999999999999999999"])
def test_detail_of_an_unknown_or_impossible_code_is_404(service, client_record, code):
    response = service.get(detail_url(code))
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("path", ["abc/", "-1/", "7.5/", "७/"])
def test_detail_of_something_not_a_code_is_404(service, path):
    response = service.get(LIST_URL + path)
    assert response.status_code == 404
    assert response.json() == {"detail": "No encontrado."}


def test_list_pages_follow_the_code_with_after(service):
    ClientFactory.create_batch(101)
    first = service.get(LIST_URL).json()
    assert list(first) == ["next", "results"]  # no count, no page numbers
    assert len(first["results"]) == 100
    last_code = first["results"][-1]["code"]
    assert first["next"] == f"http://testserver{LIST_URL}?after={last_code}"
    second = service.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["results"][0]["code"] > last_code
    assert second["next"] is None
    all_codes = sorted(Client.objects.values_list("code", flat=True))
    assert [c["code"] for c in first["results"] + second["results"]] == all_codes


def test_after_gives_the_clients_whose_code_follows_it(service, catalogue):
    assert codes(service.get(LIST_URL, {"after": "2"})) == [3, 4]
    assert codes(service.get(LIST_URL, {"after": "0"})) == [1, 2, 3, 4]
    assert codes(service.get(LIST_URL, {"after": "4"})) == []
    assert codes(service.get(LIST_URL, {"after": "2147483647"})) == []


def test_limit_sets_the_page_size_and_next_keeps_it_and_the_query(service, catalogue):
    body = service.get(LIST_URL, {"limit": "1", "name": "telefon"}).json()
    assert [c["code"] for c in body["results"]] == [1]
    assert body["next"] == f"http://testserver{LIST_URL}?after=1&limit=1&name=telefon"
    body = service.get(body["next"]).json()
    assert [c["code"] for c in body["results"]] == [2]
    assert body["next"] is None  # no third match: no empty last page to fetch


def test_filters_combine_with_after(service, catalogue):
    assert codes(service.get(LIST_URL, {"after": "1", "status": "active"})) == [3]
    assert codes(service.get(LIST_URL, {"after": "1", "code": "1"})) == []
    assert codes(service.get(LIST_URL, {"after": "1", "name": "telefon"})) == [2]


def test_the_default_page_is_100_and_at_most_1000(service):
    ClientFactory.create_batch(3)
    assert len(codes(service.get(LIST_URL, {"limit": "1000"}))) == 3


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"after": "abc"}, "after"),
        ({"after": "-1"}, "after"),
        ({"after": "1.5"}, "after"),
        ({"after": "2147483648"}, "after"),
        ({"after": "9" * 40}, "after"),
        ({"limit": "0"}, "limit"),
        ({"limit": "-5"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "100000"}, "limit"),
        ({"limit": "x"}, "limit"),
    ],
)
def test_a_bad_after_or_limit_is_a_400_naming_the_parameter(service, catalogue, query, parameter):
    response = service.get(LIST_URL, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = response.json()
    assert list(errors) == [parameter]
    assert errors[parameter] and all(isinstance(m, str) for m in errors[parameter])


def test_a_page_is_one_range_read_however_deep(service):
    """No OFFSET and no COUNT: the first and the last page cost the same queries."""
    ClientFactory.create_batch(30)
    last = Client.objects.order_by("-code").values_list("code", flat=True)[5]
    for query in ({"limit": "5"}, {"limit": "5", "after": str(last)}):
        with CaptureQueriesContext(connection) as queries:
            assert len(codes(service.get(LIST_URL, query))) == 5
        on_clients = [q["sql"] for q in queries if '"clients_client"' in q["sql"]]
        assert len(on_clients) == 1, on_clients
        (page,) = on_clients
        assert "COUNT(" not in page.upper() and "OFFSET" not in page.upper()
        assert "LIMIT 6" in page


# --- Query (same filters as the list page) ------------------------------------


@pytest.fixture
def catalogue(db):
    ClientFactory(code=1, name="Telefónica Colombia")
    ClientFactory(code=2, name="Telefonía Móvil", status="inactive")
    ClientFactory(code=3, name="Ñandú S.A.S.")
    ClientFactory(code=4, name="Claro", status="inactive")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, [1, 2, 3, 4]),
        ({"code": "3"}, [3]),
        ({"code": "99"}, []),
        ({"name": "telefonica"}, [1]),
        ({"name": "TELEFON"}, [1, 2]),
        ({"name": "  nandu "}, [3]),
        ({"name": "móvil"}, [2]),
        ({"name": ""}, [1, 2, 3, 4]),
        ({"status": "active"}, [1, 3]),
        ({"status": "inactive"}, [2, 4]),
        ({"status": ""}, [1, 2, 3, 4]),
        ({"name": "telefon", "status": "active"}, [1]),
        ({"name": "telefon", "status": "inactive"}, [2]),
        ({"code": "2", "status": "active"}, []),
        ({"code": "2", "name": "movil", "status": "inactive"}, [2]),
    ],
)
def test_query_filters_alone_and_combined(service, catalogue, query, expected):
    assert codes(service.get(LIST_URL, query)) == expected


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({"code": "abc"}, ["code"]),
        ({"code": "1.5"}, ["code"]),
        ({"code": "0"}, ["code"]),
        ({"code": "2147483648"}, ["code"]),
        ({"code": "9" * 40}, ["code"]),
        ({"status": "foo"}, ["status"]),
        ({"name": "x" * 201}, ["name"]),
        ({"name": "a\x00b"}, ["name"]),
        ({"code": "x", "status": "foo", "name": "ok"}, ["code", "status"]),
    ],
)
def test_invalid_query_values_are_a_400_with_the_field_errors(service, catalogue, query, fields):
    response = service.get(LIST_URL, query)
    assert response.status_code == 400
    errors = response.json()
    assert sorted(errors) == fields
    assert all(isinstance(messages, list) and messages for messages in errors.values())


def test_field_errors_follow_the_language(service):
    spanish = service.get(LIST_URL, {"code": "abc"}).json()
    english = service.get(LIST_URL, {"code": "abc"}, headers={"accept-language": "en"}).json()
    # The model's words for it, as on the pages (issue 16).
    assert spanish == {"code": ["Escriba un número entero, sin puntos ni letras."]}
    assert english == {"code": ["Enter a whole number, without dots or letters."]}


# --- Who may read -------------------------------------------------------------


@pytest.fixture(params=[LIST_URL, detail_url(700)], ids=["list", "detail"])
def url(request, client_record):
    return request.param


def test_without_credentials_the_answer_is_401_asking_for_a_token(url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_an_unknown_token_is_401(url):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get(url).status_code == 401


def test_a_token_of_a_user_without_view_permission_is_403(make_user, url):
    api = api_client_for(make_user("add_client", "change_client"))
    assert api.get(url).status_code == 403


def test_a_token_of_an_inactive_user_is_refused(make_user, url):
    api = api_client_for(make_user("view_client", is_active=False))
    assert api.get(url).status_code == 401


def test_a_token_with_view_permission_reads(service, url):
    assert service.get(url).status_code == 200


def test_a_logged_in_user_with_view_permission_reads_with_the_session(manager_client, url):
    response = manager_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_a_logged_in_user_without_view_permission_is_403(client, make_user, url):
    client.force_login(make_user())
    assert client.get(url).status_code == 403


# --- Read-only ----------------------------------------------------------------

WRITE_METHODS = ["post", "put", "patch", "delete"]
CHANGE = {
    "code": 800,
    "name": "Intruso",
    "sla_optimal_seconds": 1,
    "sla_low_seconds": 2,
    "max_history_conversations": 0,
    "inactivity_alert_attempts": 0,
    "max_inactivity_seconds": 1,
    "status": "inactive",
}


def stored_clients():
    return list(Client.objects.values_list(*FIELDS))


@pytest.mark.parametrize("method", WRITE_METHODS)
def test_even_a_superuser_token_cannot_write(make_user, url, method):
    api = api_client_for(make_user(is_superuser=True))
    before = stored_clients()
    response = getattr(api, method)(url, CHANGE, format="json")
    assert response.status_code == 405
    assert stored_clients() == before


@pytest.mark.parametrize("method", WRITE_METHODS)
def test_a_read_token_cannot_write(service, url, method):
    before = stored_clients()
    response = getattr(service, method)(url, CHANGE, format="json")
    assert response.status_code in {403, 405}
    assert stored_clients() == before


@pytest.mark.parametrize("method", WRITE_METHODS)
def test_a_session_cannot_write_even_with_every_permission(make_user, url, method):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(make_user("view_client", "add_client", "change_client", "delete_client"))
    before = stored_clients()
    response = getattr(api, method)(url, CHANGE, format="json")
    assert response.status_code in {403, 405}
    assert stored_clients() == before


# --- Polling cheaply: ETag, Last-Modified, 304 --------------------------------


def revalidate(api, url, response, **query):
    return api.get(url, query, headers={"if-none-match": response["ETag"]})


def test_responses_carry_validators_for_private_caches(service, url):
    response = service.get(url)
    assert response["ETag"].startswith('W/"')
    assert response["Last-Modified"]
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-cache"}


def test_an_unchanged_etag_gets_304_without_a_body(service, url):
    response = service.get(url)
    again = revalidate(service, url, response)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == response["ETag"]


def test_a_change_to_the_client_gets_200_and_a_new_etag(service, url, client_record):
    response = service.get(url)
    client_record.max_history_conversations = 42
    client_record.save()
    again = revalidate(service, url, response)
    assert again.status_code == 200
    assert again["ETag"] != response["ETag"]
    assert revalidate(service, url, again).status_code == 304


@pytest.mark.parametrize("url", [LIST_URL, detail_url(700)])
def test_a_change_not_stamped_later_than_the_last_one_still_changes_the_etag(
    service, url, client_record
):
    """As when an import that began before an edit commits after it."""
    ClientFactory(code=701)  # The newest change.
    response = service.get(url)
    # update() keeps updated_at, as a change stamped in the past would leave the newest one.
    Client.objects.filter(code=700).update(name="Importado", version=F("version") + 1)
    again = revalidate(service, url, response)
    assert again.status_code == 200
    assert "Importado" in again.content.decode()


def test_a_new_client_changes_the_list_etag(service, client_record):
    response = service.get(LIST_URL)
    ClientFactory()
    assert revalidate(service, LIST_URL, response).status_code == 200


def test_a_client_leaving_a_query_changes_its_etag(service, client_record):
    ClientFactory(code=701)
    response = service.get(LIST_URL, {"status": "active"})
    client_record.status = "inactive"
    client_record.save()
    again = revalidate(service, LIST_URL, response, status="active")
    assert again.status_code == 200
    assert codes(again) == [701]


def test_another_client_changing_leaves_the_detail_etag_alone(service, client_record):
    other = ClientFactory(code=701)
    response = service.get(detail_url(700))
    other.name = "Otro nombre"
    other.save()
    assert revalidate(service, detail_url(700), response).status_code == 304


def test_if_modified_since(service, url, client_record):
    last_modified = service.get(url)["Last-Modified"]
    unchanged = service.get(url, headers={"if-modified-since": last_modified})
    assert unchanged.status_code == 304
    earlier = http_date((client_record.updated_at - timedelta(seconds=2)).timestamp())
    assert service.get(url, headers={"if-modified-since": earlier}).status_code == 200


def test_a_bad_query_is_a_400_even_with_a_current_etag(service, client_record):
    response = service.get(LIST_URL)
    assert revalidate(service, LIST_URL, response, code="abc").status_code == 400


@pytest.mark.parametrize("clients", [3, 40])
def test_a_list_304_reads_the_change_counter_and_no_client(service, clients):
    """Revalidation costs the same whatever the table holds: the counter's row."""
    ClientFactory.create_batch(clients)
    response = service.get(LIST_URL, {"status": "active"})
    with CaptureQueriesContext(connection) as queries:
        again = revalidate(service, LIST_URL, response, status="active")
    assert again.status_code == 304
    sql = [q["sql"] for q in queries]
    assert not [q for q in sql if "clients_client" in q and "clients_changecounter" not in q]
    assert len([q for q in sql if "clients_changecounter" in q]) == 1


def test_each_query_has_its_own_etag(service, client_record):
    plain = service.get(LIST_URL)
    active = service.get(LIST_URL, {"status": "active"})
    assert plain["ETag"] != active["ETag"]
    assert service.get(LIST_URL, headers={"if-none-match": active["ETag"]}).status_code == 200


def test_a_304_needs_credentials_too(service, url):
    etag = service.get(url)["ETag"]
    assert APIClient().get(url, headers={"if-none-match": etag}).status_code == 401


# --- Schema -------------------------------------------------------------------


def test_the_schema_is_openapi_for_callers_who_may_read_clients(service):
    assert APIClient().get("/api/schema/").status_code == 401
    response = service.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {"/api/clients/", "/api/clients/{code}/", "/api/changes/"}
    assert {method for path in schema["paths"].values() for method in path} == {"get"}
    list_parameters = {p["name"] for p in schema["paths"]["/api/clients/"]["get"]["parameters"]}
    assert list_parameters == {"code", "name", "status", "after", "limit"}
    feed = schema["paths"]["/api/changes/"]["get"]
    assert {p["name"] for p in feed["parameters"]} == {"after", "limit"}
    assert list(schema["components"]["schemas"]["Client"]["properties"]) == FIELDS


def test_the_schema_needs_the_view_permission_too(client, make_user):
    """Like the data: a logged-in user (or a token) without clients.view_client is refused."""
    client.force_login(make_user())
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 403
    assert "paths" not in response.json()
    assert api_client_for(make_user()).get("/api/schema/").status_code == 403


# --- Errors are JSON too --------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/", "/api/nada/", "/api/clients/700/extra/"])
def test_an_unknown_api_url_is_a_json_404(service, path):
    response = service.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "No encontrado."}


def test_a_server_error_in_the_api_is_json(service, monkeypatch):
    from api.views import ClientViewSet

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ClientViewSet, "list", broken)
    service.raise_request_exception = False
    response = service.get(LIST_URL)
    assert response.status_code == 500
    assert response.json() == {"detail": "Se ha producido un error en el servidor."}


def test_a_database_outage_in_the_api_is_a_json_503_with_retry_after(service, monkeypatch):
    from django.db import OperationalError

    from api.views import ClientViewSet

    def unreachable(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 1 failed")

    monkeypatch.setattr(ClientViewSet, "list", unreachable)
    service.raise_request_exception = False
    response = service.get(LIST_URL, headers={"accept-language": "en"})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"detail": "The database is not available. Try again in a minute."}
    spanish = service.get(LIST_URL)
    assert spanish.json() == {
        "detail": "La base de datos no está disponible. Inténtelo de nuevo en un minuto."
    }


@pytest.mark.parametrize("query", ["name=%00", "status=%00", "code=1%00", "page=%00"])
def test_a_nul_in_the_query_is_a_400_naming_the_parameter(service, query):
    response = service.get(f"{LIST_URL}?{query}")
    assert response.status_code == 400
    name = query.partition("=")[0]
    assert response.json() == {name: ["Los caracteres nulos no están permitidos."]}
