"""Error pages are styled, in Spanish, and a lost database is a 503 that heals itself."""

import contextlib
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection, connections
from django.test import Client as Browser

from .factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_404_page_is_styled_and_in_spanish(manager_client):
    response = manager_client.get("/no-existe/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Página no encontrada" in html
    assert "vendor/bootstrap/bootstrap.min.css" in html


def test_403_page_is_styled_and_in_spanish(client, make_user):
    client.force_login(make_user())
    response = client.get("/administracion/clientes/")
    assert response.status_code == 403
    assert "Acceso denegado" in response.content.decode()


def test_405_page_is_styled_and_in_spanish(admin_client):
    """Logging out is a POST (the menu's button); typing its address got an empty page."""
    response = admin_client.get("/accounts/logout/")
    html = response.content.decode()
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert "No es una página" in html
    assert "vendor/bootstrap/bootstrap.min.css" in html
    assert admin_client.get("/administracion/clientes/").status_code == 200  # still logged in


def test_400_page_for_a_bad_host(client, make_user):
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "Solicitud incorrecta" in response.content.decode()


def test_csrf_failure_page_explains_what_to_do(make_user):
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(make_user("view_client", "add_client"))
    response = browser.post("/administracion/clientes/crear/", {"code": "1"})
    assert response.status_code == 403
    assert "El formulario caducó" in response.content.decode()


def test_an_unexpected_error_shows_the_500_page_in_spanish(manager_client, monkeypatch):
    from clients.views import ClientListView

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ClientListView, "get_ordering", broken)
    manager_client.raise_request_exception = False
    response = manager_client.get("/administracion/clientes/")
    assert response.status_code == 500
    assert "Algo salió mal" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/administracion/clientes/?name=%00",
        "/administracion/clientes/?code=1%00&status=active",
        "/admin/clients/client/?status__exact=%00",
        "/admin/clients/client/?q=a%00b",
        "/admin/clients/client/%00/change/",
        "/accounts/login/?next=%00",
        "/?x%00=1",
    ],
)
def test_a_nul_anywhere_in_the_address_is_the_400_page(admin_client, url):
    """PostgreSQL cannot compare a NUL: the admin's list filters passed one
    straight to a query, a 500 (issue 12). No page gets one now."""
    admin_client.raise_request_exception = True  # a 500 fails loudly
    response = admin_client.get(url)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Solicitud incorrecta" in html
    assert "vendor/bootstrap/bootstrap.min.css" in html


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/accounts/login/", {"username": "ana\x00", "password": "x"}),
        ("/administracion/clientes/crear/", {"code": "1", "name": "Ñandú\x00"}),
        ("/admin/clients/client/add/", {"code": "1", "name\x00": "x"}),
    ],
)
def test_a_nul_in_a_form_is_the_400_page(admin_client, url, data):
    admin_client.raise_request_exception = True
    response = admin_client.post(url, data)
    assert response.status_code == 400
    assert "Solicitud incorrecta" in response.content.decode()


def test_the_400_page_for_a_nul_speaks_english_when_asked(admin_client):
    response = admin_client.get(
        "/administracion/clientes/?name=%00", headers={"accept-language": "en"}
    )
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


class Cable:
    """A TCP forwarder between the app and PostgreSQL that a test can unplug."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.plugged = True
        self.sockets = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.plugged:
                client.close()
                continue
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            sink.close()

    def unplug(self):
        self.plugged = False
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets = []

    def plug(self):
        self.plugged = True

    def close(self):
        self.unplug()
        self.listener.close()


def fetch(url, session_cookie):
    request = urllib.request.Request(url, headers={"Cookie": session_cookie})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a network fault needs a networked database"
)
def test_database_outage_gives_a_503_page_and_the_app_recovers_by_itself(
    live_server, transactional_db, make_user
):
    """A real server (live_server) talks to PostgreSQL through a cable we unplug."""
    ClientFactory(name="Cliente durante el corte")
    browser = Browser()
    browser.force_login(make_user("view_client"))
    cookie = f"sessionid={browser.cookies['sessionid'].value}"
    url = f"{live_server.url}/administracion/clientes/"
    database = connections["default"].settings_dict
    cable = Cable(int(database.get("PORT") or 5432))
    original = database["HOST"], database["PORT"]
    database.update(HOST="127.0.0.1", PORT=str(cable.port))
    try:
        status, _, html = fetch(url, cookie)
        assert (status, "Cliente durante el corte" in html) == (200, True)

        cable.unplug()
        status, headers, html = fetch(url, cookie)
        assert status == 503
        assert headers["Retry-After"] == "30"
        assert "La base de datos no está disponible" in html

        cable.plug()
        status, _, html = fetch(url, cookie)
        assert (status, "Cliente durante el corte" in html) == (200, True)
    finally:
        database["HOST"], database["PORT"] = original
        cable.close()
        connections.close_all()
        end_sessions_through_the_cable()


def end_sessions_through_the_cable(seconds=5):
    """PostgreSQL ends a server process a moment after its client hangs up, and
    until then the test database cannot be dropped. Wait a little, then end
    whatever the cut cable left behind (only this test talks to this database)."""
    other_sessions = (
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(f"SELECT count(*) {other_sessions}")
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)
        cursor.execute(f"SELECT pg_terminate_backend(pid) {other_sessions}")
