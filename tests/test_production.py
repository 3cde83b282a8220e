"""Serving in production: /healthz, logs, and the app under gunicorn (issue #7)."""

import contextlib
import http.client
import json
import logging
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection

from config.logs import JsonFormatter, logging_config

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
    assert entry["time"].endswith("+00:00")


def test_log_format_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "json")
    config = logging_config(propagating=["gunicorn.access"])
    assert config["formatters"]["default"] == {"()": JsonFormatter}
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
def deployment(tmp_path_factory):
    """The deploy steps: collect static files, then serve with gunicorn."""
    folder = tmp_path_factory.mktemp("deployment")
    environment = production_environment(
        STATIC_ROOT=str(folder / "static"),
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
    )
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collected.returncode == 0, collected.stdout + collected.stderr
    manifest = json.loads((folder / "static" / "staticfiles.json").read_text())["paths"]
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


def test_gunicorn_and_django_log_json_lines_to_stdout(deployment):
    deployment.get("/no-such-page/", **HTTPS)
    entries = [json.loads(line) for line in deployment.log().splitlines()]
    loggers = {entry["logger"] for entry in entries}
    assert {"gunicorn.error", "gunicorn.access", "django.request"} <= loggers
    assert any('"GET /healthz HTTP/1.1" 200' in entry["message"] for entry in entries)
    assert any(entry["message"] == "Not Found: /no-such-page/" for entry in entries)


def test_gunicorn_healthz_is_503_with_the_database_down(tmp_path):
    unreachable = f"postgres://postgres@127.0.0.1:{free_port()}/clientes"
    environment = production_environment(STATIC_ROOT=str(tmp_path), DATABASE_URL=unreachable)
    with gunicorn(environment, tmp_path / "gunicorn.log") as server:
        assert server.first_health.status == 503
        assert json.loads(server.first_health.body) == {"status": "unavailable"}
