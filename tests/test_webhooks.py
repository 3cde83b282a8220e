"""Webhooks (issue 14): every change POSTed to each subscription, signed,
retried, in order, against a real HTTP receiver on 127.0.0.1."""

import hashlib
import hmac
import json
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection
from rest_framework.test import APIClient

from clients import webhooks
from clients.models import WebhookSubscription

from .commands import csv_file, manage_process, row, run
from .factories import ClientFactory, UserFactory
from .test_concurrency import needs_postgresql
from .webhook_receiver import Receiver


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture(autouse=True)
def fast_retries(settings):
    settings.WEBHOOKS_TIMEOUT = 0.5
    settings.WEBHOOKS_RETRY_BASE = 0.01
    settings.WEBHOOKS_RETRY_CAP = 0.04


@pytest.fixture
def worker_db(manage, tmp_path):
    """``manage`` on a fresh copy of its migrated SQLite file, for this test alone."""
    source = manage.database_url.removeprefix("sqlite:///")
    copy = tmp_path / "worker.sqlite3"
    shutil.copyfile(source, copy)
    return manage_process(f"sqlite:///{copy}")


def subscribe(receiver, **fields):
    return WebhookSubscription.objects.create(url=receiver.url, **fields)


def deliver_all(rounds=50):
    """Attempts until nothing is left or retries stop being due; how many."""
    made = 0
    for _ in range(rounds):
        made_now = webhooks.deliver_due()
        made += made_now
        retry_in = webhooks.next_retry_in()
        if retry_in is None and not made_now:
            break
        time.sleep(max(0.0, retry_in or 0) + 0.005)
    return made


def codes(requests):
    return [json.loads(request["body"])["client"]["code"] for request in requests]


# --- What is sent -------------------------------------------------------------


@pytest.mark.django_db
def test_a_change_is_posted_as_the_feeds_item_signed_with_the_subscriptions_secret(receiver):
    subscription = subscribe(receiver, secret="s3cret")
    client = ClientFactory(code=7, name="Ñandú S.A.S.", created_by=UserFactory(username="ana"))
    client.name = "Ñandú"
    client.save()
    assert webhooks.deliver_due() == 2
    created, updated = receiver.requests
    headers, body = created["headers"], created["body"]
    assert created["path"] == "/hooks"
    assert headers["Content-Type"] == "application/json"
    assert (headers["X-Clientes-Event"], updated["headers"]["X-Clientes-Event"]) == (
        "client.created",
        "client.updated",
    )
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Clientes-Signature"] == f"sha256={expected}"
    # The body is the feed's item, byte for byte.
    api = APIClient()
    api.force_authenticate(UserFactory(permissions=["view_client"]))
    feed = api.get("/api/changes/").content.decode()
    assert body.decode() in feed
    assert updated["body"].decode() in feed
    item = json.loads(body)
    assert list(item) == ["cursor", "action", "changed_at", "changed_by", "client"]
    assert (item["action"], item["client"]["name"]) == ("created", "Ñandú S.A.S.")
    ids = {created["headers"]["X-Clientes-Delivery"], updated["headers"]["X-Clientes-Delivery"]}
    assert len(ids) == 2
    subscription.refresh_from_db()
    assert (subscription.last_result, subscription.attempts, subscription.pending()) == (
        "200",
        0,
        0,
    )


@pytest.mark.django_db
def test_a_new_subscription_starts_with_the_changes_made_after_it(receiver):
    ClientFactory(code=1)
    subscribe(receiver)
    ClientFactory(code=2)
    webhooks.deliver_due()
    assert codes(receiver.requests) == [2]


@pytest.mark.django_db
def test_inactive_subscriptions_get_nothing(receiver):
    subscribe(receiver, active=False)
    ClientFactory()
    assert webhooks.deliver_due() == 0
    assert receiver.requests == []


# --- Retries --------------------------------------------------------------------


@pytest.mark.django_db
def test_after_a_500_the_change_is_sent_again_with_the_same_delivery_id(receiver):
    subscription = subscribe(receiver)
    ClientFactory(code=1)
    receiver.script.extend([500, 503])
    assert webhooks.deliver_due() == 1
    subscription.refresh_from_db()
    assert (subscription.attempts, subscription.last_result) == (1, "HTTP 500")
    assert subscription.next_attempt_at is not None
    assert subscription.pending() == 1
    deliver_all()
    first, second, third = receiver.requests
    assert first["body"] == second["body"] == third["body"]
    assert (
        first["headers"]["X-Clientes-Delivery"]
        == second["headers"]["X-Clientes-Delivery"]
        == third["headers"]["X-Clientes-Delivery"]
    )
    subscription.refresh_from_db()
    assert (subscription.attempts, subscription.pending(), subscription.failing) == (0, 0, False)


def test_the_backoff_doubles_from_a_few_seconds_up_to_the_cap(settings):
    del settings.WEBHOOKS_RETRY_BASE, settings.WEBHOOKS_RETRY_CAP
    delays = [webhooks.retry_delay(attempts) for attempts in range(1, 14)]
    assert delays[0] <= 5
    assert delays[:4] == [2, 4, 8, 16]
    assert max(delays) == delays[-1] == 600
    assert webhooks.setting("GIVE_UP_AFTER") >= 24 * 3600
    assert webhooks.setting("TIMEOUT") <= 10


@pytest.mark.django_db
def test_a_receiver_that_hangs_is_given_up_on_at_the_timeout_and_retried(receiver):
    subscription = subscribe(receiver)
    ClientFactory()
    receiver.script.append("hang")
    started = time.monotonic()
    webhooks.deliver_due()
    assert time.monotonic() - started < 5  # the timeout is 0.5 s
    subscription.refresh_from_db()
    assert subscription.last_result == "timeout (0.5 s)"
    assert subscription.attempts == 1
    deliver_all()
    subscription.refresh_from_db()
    assert (len(receiver.requests), subscription.pending()) == (2, 0)


@pytest.mark.django_db
def test_a_redirect_is_not_followed_and_counts_as_a_failure(receiver):
    subscription = subscribe(receiver)
    ClientFactory()
    receiver.script.append("redirect")
    webhooks.deliver_due()
    subscription.refresh_from_db()
    assert subscription.last_result == "HTTP 302 (redirects are not followed)"
    assert [request["path"] for request in receiver.requests] == ["/hooks"]


@pytest.mark.django_db
def test_a_huge_answer_is_not_read(receiver):
    subscription = subscribe(receiver)
    ClientFactory()
    receiver.script.append("huge")
    started = time.monotonic()
    webhooks.deliver_due()
    assert time.monotonic() - started < 5
    subscription.refresh_from_db()
    assert (subscription.last_result, subscription.pending()) == ("200", 0)


@pytest.mark.django_db
def test_an_answer_that_closes_the_connection_is_read(receiver):
    subscription = subscribe(receiver)
    ClientFactory()
    receiver.script.append("close")
    webhooks.deliver_due()
    subscription.refresh_from_db()
    assert (subscription.last_result, subscription.pending()) == ("200", 0)


@pytest.mark.django_db
def test_a_closed_port_is_a_connection_error_and_retried(receiver):
    subscription = WebhookSubscription.objects.create(url="http://127.0.0.1:9/hooks")
    ClientFactory()
    webhooks.deliver_due()
    subscription.refresh_from_db()
    assert subscription.last_result.startswith("connection error")
    assert (subscription.attempts, subscription.pending()) == (1, 1)


@pytest.mark.django_db
def test_after_failing_for_the_give_up_time_the_subscription_is_failing_until_retry(
    receiver, settings
):
    settings.WEBHOOKS_GIVE_UP_AFTER = 0.05
    subscription = subscribe(receiver, name="panel")
    ClientFactory()
    receiver.script.extend([500] * 100)
    deliver_all(rounds=30)
    subscription.refresh_from_db()
    assert subscription.failing
    sent = len(receiver.requests)
    assert sent >= 2
    time.sleep(0.1)
    assert webhooks.deliver_due() == 0  # no more tries
    status, out, _ = run("webhooks", "list")
    assert status == 0
    assert f"FALLANDO (webhooks retry {subscription.pk})" in out
    receiver.script.clear()
    status, out, _ = run("webhooks", "retry", str(subscription.pk))
    assert (status, out) == (
        0,
        f"Webhook {subscription.pk} reanudado: las entregas empiezan de nuevo.\n",
    )
    deliver_all()
    subscription.refresh_from_db()
    assert (subscription.failing, subscription.pending(), len(receiver.requests)) == (
        False,
        0,
        sent + 1,
    )


# --- Order ------------------------------------------------------------------------


@pytest.mark.django_db
def test_changes_arrive_in_feed_order_and_a_failing_receiver_holds_back_only_its_own(receiver):
    other = Receiver()
    try:
        held = subscribe(receiver)
        WebhookSubscription.objects.create(url=other.url)
        for code in (1, 2, 3):
            ClientFactory(code=code)
        receiver.script.extend([200, 500, 500])
        webhooks.deliver_due()
        # The healthy one got all three; the other is stuck at its second.
        assert codes(other.requests) == [1, 2, 3]
        assert codes(receiver.requests) == [1, 2]
        held.refresh_from_db()
        assert held.pending() == 2
        deliver_all()
        assert codes(receiver.requests) == [1, 2, 2, 2, 3]
        assert codes(other.requests) == [1, 2, 3]
    finally:
        other.close()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_change_twice(receiver):
    other = Receiver()
    try:
        for target in (receiver, other, receiver):
            WebhookSubscription.objects.create(url=target.url)
        for code in range(1, 21):
            ClientFactory(code=code)
        receiver.delay = other.delay = 0.005
        errors = []

        def worker():
            try:
                while webhooks.deliver_due():
                    pass
            except Exception as error:  # pragma: no cover - reported below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        requests = receiver.requests + other.requests
        deliveries = [request["headers"]["X-Clientes-Delivery"] for request in requests]
        assert len(deliveries) == len(set(deliveries)) == 60
        for subscription in WebhookSubscription.objects.all():
            mine = [
                json.loads(request["body"])["client"]["code"]
                for request in requests
                if request["headers"]["X-Clientes-Delivery"].startswith(f"{subscription.pk}-")
            ]
            assert mine == list(range(1, 21))
    finally:
        other.close()


# --- The worker ---------------------------------------------------------------------


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_worker_is_woken_by_notify_within_a_second_of_the_commit(receiver):
    subscribe(receiver)
    stopping = []
    waiter = webhooks.Waiter(poll=60)  # polling alone would take a minute
    assert waiter.listening

    def worker():
        try:
            webhooks.run(lambda: bool(stopping), waiter)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        time.sleep(0.3)  # the worker is asleep
        committed = time.time()
        ClientFactory()
        (request,) = receiver.wait_for(1, timeout=10)
        assert request["at"] - committed < 2  # the issue asks for 1 s; generous bound
    finally:
        stopping.append(True)
        waiter.wake()
        thread.join(10)
        waiter.close()
    assert not thread.is_alive()


@pytest.mark.django_db
def test_deliver_webhooks_once_reports_the_attempts(receiver):
    subscribe(receiver)
    ClientFactory()
    assert run("deliver_webhooks", "--once") == (0, "Intentos de entrega: 1.\n", "")


def test_the_worker_delivers_by_polling_and_exits_0_on_sigterm_after_the_request_in_flight(
    receiver, worker_db, tmp_path
):
    """On a file SQLite database, in a process of its own, as in production."""
    status = worker_db("webhooks", "add", receiver.url, "--secret", "k")
    assert status.returncode == 0, status.stderr
    worker = worker_db.start("deliver_webhooks", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert "Entregando webhooks (sondeo" in worker.stdout.readline()
        receiver.delay = 1.0  # the answer comes a second after the request
        imported = worker_db("import_clients", csv_file(tmp_path, row(4242)))
        assert imported.returncode == 0, imported.stderr
        (request,) = receiver.wait_for(1, timeout=10)
        assert json.loads(request["body"])["client"]["code"] == 4242
        worker.send_signal(signal.SIGTERM)  # while the request is in flight
        out, err = worker.communicate(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0, err
    assert "Traceback" not in err
    assert "Detenido." in out
    listed = worker_db("webhooks", "list")
    assert " 0\n" in listed.stdout  # nothing pending: the in-flight delivery was recorded
    assert "200" in listed.stdout


def test_sigint_stops_an_idle_worker_with_status_0(worker_db):
    worker = worker_db.start(
        "deliver_webhooks", "--poll", "30", stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        worker.stdout.readline()
        started = time.monotonic()
        worker.send_signal(signal.SIGINT)
        _out, err = worker.communicate(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert (worker.returncode, err) == (0, "")
    assert time.monotonic() - started < 10  # not the 30 s poll


# --- The commands -------------------------------------------------------------------


@pytest.mark.django_db
def test_add_prints_the_id_and_the_secret_it_made_once():
    status, out, _ = run("webhooks", "add", "https://panel.example.com/hooks", "--name", "panel")
    subscription = WebhookSubscription.objects.get()
    assert status == 0
    assert out == (
        f"Webhook {subscription.pk} creado.\n"
        f"Secreto (guárdelo: no se volverá a mostrar): {subscription.secret}\n"
    )
    assert len(subscription.secret) >= 32
    assert subscription.name == "panel"
    status, out, _ = run("webhooks", "add", "http://inbound-panel:8080/h", "--secret", "mine")
    assert (status, out) == (0, f"Webhook {subscription.pk + 1} creado.\n")
    assert WebhookSubscription.objects.get(pk=subscription.pk + 1).secret == "mine"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://example.com/hooks", "URL: La URL debe empezar por http:// o https://."),
        ("example.com/hooks", "URL: La URL debe empezar por http:// o https://."),
        (
            "https://user:pass@example.com/hooks",
            "URL: La URL no puede llevar usuario ni contraseña; el secreto firma cada petición.",
        ),
        ("http://", "URL: Esta no es una URL válida."),
        ("http://example.com:99999/", "URL: Esta no es una URL válida."),
        ("http://exa mple.com/", "URL: La URL no puede contener espacios."),
    ],
)
def test_add_refuses_a_bad_url_with_a_clear_message(url, message):
    assert run("webhooks", "add", url) == (1, "", message)
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_add_refuses_an_empty_secret():
    status, _, error = run("webhooks", "add", "https://example.com/", "--secret", "")
    assert status == 1
    assert error.startswith("secreto: ")


@pytest.mark.django_db
def test_list_shows_each_subscription_and_how_its_delivery_stands(receiver):
    assert run("webhooks", "list") == (0, "No hay webhooks.\n", "")
    subscription = subscribe(receiver, name="panel")
    ClientFactory()
    ClientFactory()
    receiver.script.append(500)
    webhooks.deliver_due()
    status, out, _ = run("webhooks", "list")
    assert status == 0
    header, line = (re.split(r"\s{2,}", line) for line in out.splitlines())
    assert header == ["ID", "Nombre", "URL", "Activo", "Última entrega", "Pendientes"]
    assert line[:4] == [str(subscription.pk), "panel", receiver.url, "sí"]
    assert line[4].endswith(" HTTP 500, reintento 2")
    assert line[5] == "2"


@pytest.mark.django_db
def test_remove_deletes_the_subscription():
    subscription = WebhookSubscription.objects.create(url="https://example.com/")
    assert run("webhooks", "remove", str(subscription.pk)) == (
        0,
        f"Webhook {subscription.pk} eliminado.\n",
        "",
    )
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["remove", "retry"])
def test_an_unknown_or_invalid_id_is_a_clear_message(action):
    assert run("webhooks", action, "999") == (1, "", "Ningún webhook tiene el id 999.")
    assert run("webhooks", action, "abc") == (
        1,
        "",
        "Id de webhook no válido abc: debe ser un número entero.",
    )


def test_bad_input_in_a_real_process_has_no_traceback(manage):
    result = manage("webhooks", "add", "ftp://x")
    assert (result.returncode, result.stderr) == (
        1,
        "CommandError: URL: La URL debe empezar por http:// o https://.\n",
    )


# --- The admin ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_lists_the_subscriptions_with_failing_ones_shown(admin_client):
    WebhookSubscription.objects.create(
        url="https://example.com/hooks", name="panel", failing=True, last_result="HTTP 500"
    )
    response = admin_client.get("/admin/clients/webhooksubscription/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "https://example.com/hooks" in content
    assert "HTTP 500" in content
    add = admin_client.get("/admin/clients/webhooksubscription/add/")
    assert add.status_code == 200
    assert 'name="secret"' in add.content.decode()
    change = admin_client.get(
        f"/admin/clients/webhooksubscription/{WebhookSubscription.objects.get().pk}/change/"
    )
    assert 'name="secret"' not in change.content.decode()


@pytest.mark.django_db
def test_the_admin_refuses_a_url_with_credentials(admin_client):
    response = admin_client.post(
        "/admin/clients/webhooksubscription/add/",
        {"name": "x", "url": "https://a:b@example.com/", "active": "on", "secret": "k"},
    )
    assert response.status_code == 200
    assert "no puede llevar usuario ni contraseña" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_the_readmes_receiver_example_accepts_a_delivery_and_refuses_a_forgery(receiver):
    sys.path.insert(0, str(django_settings.BASE_DIR / "examples"))
    try:
        from webhook_receiver import verify
    finally:
        sys.path.pop(0)
    subscribe(receiver, secret="s3cret")
    ClientFactory()
    webhooks.deliver_due()
    (request,) = receiver.requests
    header = request["headers"]["X-Clientes-Signature"]
    assert verify("s3cret", request["body"], header)
    assert not verify("other", request["body"], header)
    assert not verify("s3cret", request["body"] + b" ", header)


def test_a_worker_killed_mid_delivery_sends_the_change_again_on_restart(
    receiver, worker_db, tmp_path
):
    status = worker_db("webhooks", "add", receiver.url, "--secret", "k")
    assert status.returncode == 0, status.stderr
    receiver.script.append("hang")
    worker = worker_db.start(
        "deliver_webhooks", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        imported = worker_db("import_clients", csv_file(tmp_path, row(4343)))
        assert imported.returncode == 0, imported.stderr
        (first,) = receiver.wait_for(1, timeout=20)
        worker.kill()  # SIGKILL, in the middle of the request
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    again = worker_db("deliver_webhooks", "--once")
    assert again.returncode == 0, again.stderr
    requests = receiver.wait_for(2)
    assert [json.loads(request["body"])["client"]["code"] for request in requests] == [4343] * 2
    assert requests[1]["headers"]["X-Clientes-Delivery"] == first["headers"]["X-Clientes-Delivery"]


def test_webhooks_commands_speak_spanish_or_english(manage):
    missing = manage("webhooks", "add")
    assert missing.returncode == 2
    assert missing.stderr.endswith(
        "manage.py webhooks add: error: faltan estos argumentos obligatorios: URL\n"
    )
    english = manage("webhooks", "--lang", "en", "add")
    assert english.stderr.endswith("error: the following arguments are required: URL\n")
    help_text = manage("webhooks", "--help").stdout
    assert "add                 Suscribir URL a cada cambio de un cliente." in help_text
    assert "Clave HMAC" in manage("webhooks", "add", "--help").stdout
    assert "Entregar lo pendiente ahora y terminar." in manage("deliver_webhooks", "--help").stdout
    assert manage("webhooks", "--lang", "en", "list").stdout == "No webhooks.\n"
