"""Serving in production: /healthz, logs, and the app under gunicorn (issue #7)."""

import contextlib
import http.client
import json
import logging
import os
import re
import runpy
import secrets
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection

from config.logs import JsonFormatter, PlainFormatter, logging_config

ROOT = Path(__file__).resolve().parent.parent

# --- /healthz -----------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_is_200_without_login_while_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_unreachable(client, caplog):
    refused = OperationalError("connection to server at 127.0.0.1, port 1 failed")
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert "database unreachable" in caplog.text


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/clients/").status_code == 301


@pytest.mark.django_db
def test_healthz_answers_only_reads(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


# --- Logs -----------------------------------------------------------------------


def test_json_log_lines_carry_level_logger_message_and_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("clients").makeRecord(
            "clients", logging.ERROR, __file__, 1, "Saved %s", ("Ñandú",), sys.exc_info()
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "clients"
    assert entry["message"] == "Saved Ñandú"
    assert "ValueError: boom" in entry["exc_info"]
    assert ISO_TIME.fullmatch(entry["time"])


ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d")


@pytest.mark.parametrize("formatter", [PlainFormatter, JsonFormatter])
@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        (None, "2026-11-27T10:01:02.123-05:00"),  # TIME_ZONE's default, America/Bogota
        ("UTC", "2026-11-27T15:01:02.123+00:00"),
        ("Europe/Madrid", "2026-11-27T16:01:02.123+01:00"),
    ],
)
def test_every_log_line_starts_with_an_iso_time_with_its_offset(
    monkeypatch, formatter, zone, expected
):
    """Before: plain lines had a local time without offset ("2026-11-27 10:01:02,123"),
    the app's in Bogotá and gunicorn's master's in UTC."""
    if zone:
        monkeypatch.setenv("TIME_ZONE", zone)
    else:
        monkeypatch.delenv("TIME_ZONE", raising=False)
    record = logging.getLogger("gunicorn.error").makeRecord(
        "gunicorn.error", logging.INFO, __file__, 1, "Starting gunicorn", (), None
    )
    record.created = datetime(2026, 11, 27, 15, 1, 2, 123456, tzinfo=UTC).timestamp()
    line = formatter().format(record)
    if formatter is JsonFormatter:
        assert json.loads(line)["time"] == expected
    else:
        assert line == f"{expected} INFO gunicorn.error Starting gunicorn"


def test_log_format_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "json")
    config = logging_config(propagating=["gunicorn.access"])
    assert config["formatters"]["default"] == {"()": JsonFormatter}
    monkeypatch.setenv("LOG_FORMAT", "plain")
    assert logging_config()["formatters"]["default"] == {"()": PlainFormatter}
    monkeypatch.setenv("LOG_FORMAT", "json")
    config = logging_config(propagating=["gunicorn.access"])
    assert config["handlers"]["stdout"]["stream"] == "ext://sys.stdout"
    assert config["loggers"] == {"gunicorn.access": {"handlers": [], "propagate": True}}
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT must be one of plain, json"):
        logging_config()


# --- gunicorn -------------------------------------------------------------------


def production_environment(**overrides):
    """Production settings, as an operator sets them, for the processes below."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "BIND", "PORT"}
    }
    return {
        **environment,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BEHIND_TLS_PROXY": "1",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "WEB_CONCURRENCY": "1",
        **overrides,
    }


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A gunicorn started as ``make serve`` does, on a free loopback port."""

    def __init__(self, environment, log_path):
        self.port = free_port()
        self.log_path = log_path
        self.log_file = log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env={**environment, "BIND": f"127.0.0.1:{self.port}"},
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )

    def get(self, path, **headers):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
            response = connection.getresponse()
            response.body = response.read()
            return response
        finally:
            connection.close()

    def wait_until_listening(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log()}"
            with contextlib.suppress(OSError):
                return self.get("/healthz")
            time.sleep(0.2)
        pytest.fail(f"gunicorn did not answer within {timeout} s:\n{self.log()}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()

    def log(self):
        return self.log_path.read_text()


@contextlib.contextmanager
def gunicorn(environment, log_path):
    server = Server(environment, log_path)
    try:
        server.first_health = server.wait_until_listening()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """The first deploy step: collect static files (error pages need them too)."""
    folder = tmp_path_factory.mktemp("static")
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=production_environment(STATIC_ROOT=str(folder)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collected.returncode == 0, collected.stdout + collected.stderr
    return folder


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, static_root):
    """The deploy steps: collect static files, then serve with gunicorn."""
    folder = tmp_path_factory.mktemp("deployment")
    environment = production_environment(
        STATIC_ROOT=str(static_root),
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
    )
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    with gunicorn(environment, folder / "gunicorn.log") as server:
        server.manifest = manifest
        yield server


HTTPS = {"X-Forwarded-Proto": "https"}  # As the TLS-terminating proxy sends it.


def test_gunicorn_answers_healthz_over_plain_http(deployment):
    response = deployment.get("/healthz")
    assert (response.status, json.loads(response.body)) == (200, {"status": "ok"})


def test_gunicorn_serves_the_login_page_behind_the_tls_proxy(deployment):
    plain = deployment.get("/accounts/login/")
    assert plain.status == 301
    assert plain.getheader("Location").startswith("https://127.0.0.1")

    response = deployment.get("/accounts/login/", **HTTPS)
    assert response.status == 200
    assert "max-age=" in response.getheader("Strict-Transport-Security")
    html = response.body.decode()
    assert 'name="username"' in html
    assert deployment.manifest["vendor/bootstrap/bootstrap.min.css"] in html


def test_gunicorn_serves_static_files_hashed_compressed_and_cached_forever(deployment):
    hashed = deployment.manifest["vendor/bootstrap/bootstrap.min.css"]
    assert hashed != "vendor/bootstrap/bootstrap.min.css"
    response = deployment.get(f"/static/{hashed}", **HTTPS, **{"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Type").startswith("text/css")
    assert response.getheader("Content-Encoding") == "gzip"
    assert "immutable" in response.getheader("Cache-Control")


def test_gunicorn_serves_favicon_ico_through_its_hashed_name(deployment):
    """Browsers ask for /favicon.ico: a redirect to the collected icon, which WhiteNoise serves."""
    response = deployment.get("/favicon.ico", **HTTPS)
    assert response.status == 302
    hashed = deployment.manifest["favicon.ico"]
    assert response.getheader("Location") == f"/static/{hashed}"
    icon = deployment.get(f"/static/{hashed}", **HTTPS)
    assert icon.status == 200
    assert icon.body[:4] == b"\x00\x00\x01\x00"


def test_gunicorn_and_django_log_json_lines_to_stdout(deployment):
    deployment.get("/no-such-page/", **HTTPS)
    entries = [json.loads(line) for line in deployment.log().splitlines()]
    loggers = {entry["logger"] for entry in entries}
    assert {"gunicorn.error", "gunicorn.access", "django.request"} <= loggers
    assert any('"GET /healthz HTTP/1.1" 200' in entry["message"] for entry in entries)
    assert any(entry["message"] == "Not Found: /no-such-page/" for entry in entries)


def test_gunicorn_master_and_app_log_plain_lines_with_one_clock(tmp_path, static_root):
    """Before: the master's lines were in UTC, the app's in Bogotá, neither with an offset."""
    environment = production_environment(
        STATIC_ROOT=str(static_root),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        LOG_FORMAT="plain",
        TZ="UTC",  # the system's clock, as in most containers
    )
    environment.pop("TIME_ZONE", None)
    with gunicorn(environment, tmp_path / "gunicorn.log") as server:
        server.get("/no-such-page/", **HTTPS)
    lines = server.log().splitlines()
    starts = [re.match(rf"({ISO_TIME.pattern}) [A-Z]+ (\S+) ", line) for line in lines]
    assert all(starts), [line for line, start in zip(lines, starts, strict=True) if not start]
    loggers = {start[2] for start in starts}
    assert {"gunicorn.error", "gunicorn.access", "django.request"} <= loggers
    assert {start[1][-6:] for start in starts} == {"-05:00"}  # America/Bogota, TIME_ZONE's default


def test_gunicorn_healthz_is_503_with_the_database_down(tmp_path):
    unreachable = f"postgres://postgres@127.0.0.1:{free_port()}/clientes"
    environment = production_environment(STATIC_ROOT=str(tmp_path), DATABASE_URL=unreachable)
    with gunicorn(environment, tmp_path / "gunicorn.log") as server:
        assert server.first_health.status == 503
        assert json.loads(server.first_health.body) == {"status": "unavailable"}


# --- A database that stalls (issue 12) ----------------------------------------


def test_postgres_connections_carry_the_time_limits_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db.example.com:5432/clientes")
    monkeypatch.setenv("DB_CONNECT_TIMEOUT", "3")
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "2.5")
    options = runpy.run_path(ROOT / "config" / "settings.py")["DATABASES"]["default"]["OPTIONS"]
    assert options == {"connect_timeout": 3, "options": "-c statement_timeout=2500"}

    monkeypatch.delenv("DB_CONNECT_TIMEOUT")
    monkeypatch.delenv("DB_STATEMENT_TIMEOUT")
    options = runpy.run_path(ROOT / "config" / "settings.py")["DATABASES"]["default"]["OPTIONS"]
    assert options == {"connect_timeout": 5}  # commands: no statement timeout


def test_gunicorn_workers_give_up_on_the_database_well_before_their_timeout(monkeypatch):
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "unset by the test")
    monkeypatch.delenv("DB_STATEMENT_TIMEOUT")  # restored (removed) after the test
    config = runpy.run_path(ROOT / "gunicorn.conf.py")
    statement = float(os.environ["DB_STATEMENT_TIMEOUT"])
    connect = runpy.run_path(ROOT / "config" / "settings.py")["DB_CONNECT_TIMEOUT"]
    assert (statement, connect, config["timeout"]) == (10, 5, 30)
    assert statement + connect <= config["timeout"] / 2


class SilentDatabase:
    """Accepts TCP connections and never says a word, like a stalled server."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        with contextlib.suppress(OSError):
            while True:
                self.sockets.append(self.listener.accept()[0])

    def close(self):
        self.listener.close()
        for sock in self.sockets:
            sock.close()


def timed_get(server, path, **headers):
    start = time.monotonic()
    response = server.get(path, **headers)
    response.seconds = time.monotonic() - start
    return response


def test_a_database_that_never_answers_is_a_503_within_the_connect_timeout(tmp_path, static_root):
    """Before: /healthz and the API hung until gunicorn killed the worker (32 s)."""
    database = SilentDatabase()
    environment = production_environment(
        STATIC_ROOT=str(static_root),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{database.port}/clientes",
        DB_CONNECT_TIMEOUT="2",  # libpq's least
    )
    try:
        with gunicorn(environment, tmp_path / "gunicorn.log") as server:
            health = timed_get(server, "/healthz")
            api = timed_get(
                server, "/api/clients/", Authorization="Token 0123456789abcdef", **HTTPS
            )
            page = timed_get(
                server, "/administracion/clientes/", Cookie="sessionid=abcdefgh12345678", **HTTPS
            )
    finally:
        database.close()
    assert (health.status, json.loads(health.body)) == (503, {"status": "unavailable"})
    assert (api.status, api.getheader("Retry-After")) == (503, "30")
    assert api.getheader("Content-Type") == "application/json"
    assert "no está disponible" in json.loads(api.body)["detail"]
    assert (page.status, page.getheader("Retry-After")) == (503, "30")
    assert "La base de datos no está disponible" in page.body.decode()
    for response in (health, api, page):
        assert response.seconds < 8, response.seconds  # 2 s connect timeout; gunicorn's is 30


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement timeouts are PostgreSQL's")
def test_a_locked_table_is_a_503_within_the_statement_timeout(
    transactional_db, tmp_path, static_root
):
    """Before: the list page and the API waited for the lock until gunicorn
    killed the worker (31 s), while /healthz answered 200."""
    from django.conf import settings
    from django.db import transaction
    from django.test import Client as Browser
    from rest_framework.authtoken.models import Token

    from .factories import ClientFactory, UserFactory
    from .test_errors import end_sessions_through_the_cable

    ClientFactory(code=700, name="Cliente bloqueado")
    user = UserFactory(permissions=["view_client"])
    token = {"Authorization": f"Token {Token.objects.create(user=user).key}", **HTTPS}
    browser = Browser()
    browser.force_login(user)
    session = {"Cookie": f"sessionid={browser.cookies['sessionid'].value}", **HTTPS}
    database = connection.settings_dict
    environment = production_environment(
        STATIC_ROOT=str(static_root),
        SECRET_KEY=settings.SECRET_KEY,  # to read the test's session
        DATABASE_URL=(
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        DB_STATEMENT_TIMEOUT="1",
    )
    try:
        with gunicorn(environment, tmp_path / "gunicorn.log") as server:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("LOCK TABLE clients_client IN ACCESS EXCLUSIVE MODE")
                api = timed_get(server, "/api/clients/", **token)
                page = timed_get(server, "/administracion/clientes/", **session)
                health = timed_get(server, "/healthz")
            after = timed_get(server, "/api/clients/", **token)
    finally:
        end_sessions_through_the_cable()
    assert (api.status, api.getheader("Retry-After")) == (503, "30")
    assert "no está disponible" in json.loads(api.body)["detail"]
    assert (page.status, page.getheader("Retry-After")) == (503, "30")
    assert "La base de datos no está disponible" in page.body.decode()
    assert api.seconds < 5 and page.seconds < 5, (api.seconds, page.seconds)
    # The database answers: this server stays in the load balancer's pool.
    assert health.status == 200
    assert after.status == 200
    assert json.loads(after.body)["results"][0]["name"] == "Cliente bloqueado"
