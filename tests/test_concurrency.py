"""Nothing lost when two people (or two requests) act on the same client at once."""

import re
import threading
from html import unescape
from urllib.parse import quote

import pytest
from django.db import connection, connections, transaction
from django.test import Client as Browser

from clients.forms import ClientForm
from clients.models import Client, ClientChangedError

from .factories import ClientFactory
from .html import form_values

STALE = "Otro usuario modificó este cliente; revise los cambios."
UPDATE_URL = "/administracion/clientes/700/editar/"
USE_STORED = "Usar los valores guardados"
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrent connections need PostgreSQL (SQLite serialises writers)",
)


def edit_data(**changes):
    return {
        "name": "Original",
        "sla_optimal_seconds": "10",
        "sla_low_seconds": "40",
        "max_history_conversations": "5",
        "inactivity_alert_attempts": "2",
        "max_inactivity_seconds": "60",
        "status": "active",
        "version": "1",
        **changes,
    }


@pytest.fixture
def two_editors(make_user):
    browsers = []
    for _ in range(2):
        browser = Browser()
        browser.force_login(make_user("view_client", "change_client"))
        browsers.append(browser)
    return browsers


@pytest.mark.django_db
def test_the_second_of_two_editors_is_refused_and_sees_the_current_values(two_editors):
    ClientFactory(code=700, name="Original")
    first, second = two_editors
    # Both opened the form at version 1.
    assert 'name="version" value="1"' in first.get(UPDATE_URL).content.decode()
    assert first.post(UPDATE_URL, edit_data(name="Cambio de Ana")).status_code == 302
    response = second.post(UPDATE_URL, edit_data(name="Cambio de Luis", status="inactive"))
    html = response.content.decode()
    assert response.status_code == 200
    assert STALE in html
    assert "Cambio de Ana" in html  # the values now stored are shown
    assert 'value="Cambio de Luis"' in html  # and what Luis typed is not lost
    stored = Client.objects.get(code=700)
    assert (stored.name, stored.status, stored.version) == ("Cambio de Ana", "active", 2)


@pytest.mark.django_db
def test_after_reloading_the_second_editor_can_save(two_editors):
    ClientFactory(code=700)
    first, second = two_editors
    first.post(UPDATE_URL, edit_data(name="Uno"))
    assert second.post(UPDATE_URL, edit_data(name="Dos")).status_code == 200
    assert 'name="version" value="2"' in second.get(UPDATE_URL).content.decode()
    assert second.post(UPDATE_URL, edit_data(name="Dos", version="2")).status_code == 302
    assert Client.objects.get(code=700).name == "Dos"


def someone_else_saves(**changes):
    """Another user saves the client 700 (its version goes up by one)."""
    client = Client.objects.get(code=700)
    for field, value in changes.items():
        setattr(client, field, value)
    client.save()


@pytest.fixture
def refused_once(two_editors):
    """Luis posts his values at version 1 after Ana saved hers: refused, shown both."""
    ClientFactory(code=700, name="Original")
    first, second = two_editors
    assert first.post(UPDATE_URL, edit_data(name="Cambio de Ana")).status_code == 302
    response = second.post(UPDATE_URL, edit_data(name="Cambio de Luis", status="inactive"))
    assert response.status_code == 200
    return second, response


@pytest.mark.django_db
def test_the_conflict_message_is_shown_once(refused_once):
    _, response = refused_once
    assert response.content.decode().count(STALE) == 1


@pytest.mark.django_db
def test_after_a_conflict_the_form_keeps_the_typed_values_and_the_version_seen(refused_once):
    _, response = refused_once
    carried = form_values(response.content.decode())
    assert (carried["name"], carried["status"]) == ("Cambio de Luis", "inactive")
    assert carried["version"] == "2"  # the version of the values shown beside them


@pytest.mark.django_db
def test_one_more_save_after_seeing_the_stored_values_keeps_the_users_values(refused_once):
    second, response = refused_once
    again = second.post(UPDATE_URL, form_values(response.content.decode()))
    assert again.status_code == 302
    stored = Client.objects.get(code=700)
    assert (stored.name, stored.status, stored.version) == ("Cambio de Luis", "inactive", 3)


@pytest.mark.django_db
def test_a_save_by_a_third_user_after_the_conflict_is_refused_again_with_its_values(
    refused_once,
):
    second, response = refused_once
    someone_else_saves(name="Cambio de Marta")  # version 3, which Luis has not seen
    again = second.post(UPDATE_URL, form_values(response.content.decode()))
    html = again.content.decode()
    assert again.status_code == 200
    assert html.count(STALE) == 1
    assert "Cambio de Marta" in html
    assert form_values(html)["name"] == "Cambio de Luis"
    assert form_values(html)["version"] == "3"
    assert Client.objects.get(code=700).name == "Cambio de Marta"  # nothing overwritten
    assert second.post(UPDATE_URL, form_values(html)).status_code == 302
    assert Client.objects.get(code=700).name == "Cambio de Luis"


@pytest.mark.django_db
def test_a_conflict_caught_only_when_writing_carries_the_version_too(two_editors, monkeypatch):
    """The check in clean() passes, then another save lands before the UPDATE."""
    ClientFactory(code=700, name="Original")
    _, second = two_editors
    check = Client.is_stale

    def passes_then_someone_saves(client):
        stale = check(client)
        someone_else_saves(name="Cambio de Ana")
        return stale

    monkeypatch.setattr(Client, "is_stale", passes_then_someone_saves)
    response = second.post(UPDATE_URL, edit_data(name="Cambio de Luis"))
    monkeypatch.setattr(Client, "is_stale", check)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(STALE) == 1
    assert "Cambio de Ana" in html
    assert (form_values(html)["name"], form_values(html)["version"]) == ("Cambio de Luis", "2")
    assert second.post(UPDATE_URL, form_values(html)).status_code == 302
    assert Client.objects.get(code=700).name == "Cambio de Luis"


@pytest.mark.django_db
def test_the_user_can_take_the_stored_values_instead(two_editors):
    ClientFactory(code=700, name="Original")
    first, second = two_editors
    first.post(UPDATE_URL, edit_data(name="Cambio de Ana"))
    next_url = "/administracion/clientes/?status=active"
    data = {**edit_data(name="Cambio de Luis"), "next": next_url}
    html = second.post(UPDATE_URL, data).content.decode()
    link = re.search(rf'<a [^>]*href="([^"]+)"[^>]*>\s*{USE_STORED}\s*</a>', html)
    assert link, f"no link “{USE_STORED}”"
    assert link[1] == f"{UPDATE_URL}?next={quote(next_url, safe='/')}"
    reloaded = form_values(second.get(unescape(link[1])).content.decode())
    assert (reloaded["name"], reloaded["version"], reloaded["next"]) == (
        "Cambio de Ana",
        "2",
        next_url,
    )
    response = second.post(UPDATE_URL, reloaded)
    assert (response.status_code, response.url) == (302, next_url)
    stored = Client.objects.get(code=700)
    assert (stored.name, stored.version) == ("Cambio de Ana", 3)


@pytest.mark.django_db
def test_the_admin_refuses_a_stale_change(admin_client):
    client = ClientFactory(code=700, name="Original")
    Client.objects.get(pk=client.pk).save()  # someone else saves: version 2
    data = {**edit_data(name="Desde el admin"), "status": "active", "version": "1"}
    response = admin_client.post(f"/admin/clients/client/{client.pk}/change/", data)
    assert response.status_code == 200
    assert STALE in response.content.decode()
    assert Client.objects.get(pk=client.pk).name == "Original"


@pytest.mark.django_db
def test_a_stale_copy_cannot_overwrite_in_code_either():
    ClientFactory(code=700, name="Original")
    first, second = Client.objects.get(code=700), Client.objects.get(code=700)
    first.name = "Primero"
    first.save()
    second.name = "Segundo"
    with pytest.raises(ClientChangedError), transaction.atomic():
        second.save()
    assert second.version == 1  # left as read, so a retry reloads it
    assert Client.objects.get(code=700).name == "Primero"


def run_together(*actions):
    """Run each action in its own thread (so its own database connection)."""
    results = [None] * len(actions)

    def run(index, action):
        try:
            results[index] = action()
        except Exception as error:  # reported to the test, not lost in the thread
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(5))
def test_two_connections_saving_the_same_version_exactly_one_wins(attempt):
    ClientFactory(code=700, name="Original")
    both_read = threading.Barrier(2, timeout=10)

    def edit(name):
        def action():
            client = Client.objects.get(code=700)
            both_read.wait()
            client.name = name
            client.save()
            return "saved"

        return action

    results = run_together(edit("Ana"), edit("Luis"))
    assert sorted(map(type, results), key=str) == sorted([str, ClientChangedError], key=str)
    stored = Client.objects.get(code=700)
    assert stored.version == 2
    assert stored.name == ("Ana" if results[0] == "saved" else "Luis")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(5))
def test_two_creates_with_the_same_code_save_one_and_tell_the_other(
    attempt, make_user, monkeypatch, valid_data
):
    users = [make_user("view_client", "add_client") for _ in range(2)]
    both_validated = threading.Barrier(2, timeout=10)
    validate = ClientForm._post_clean

    def validate_then_wait(form):
        validate(form)  # both see the code free...
        both_validated.wait()  # ...before either saves

    monkeypatch.setattr(ClientForm, "_post_clean", validate_then_wait)

    def create(user, name):
        def action():
            browser = Browser()
            browser.force_login(user)
            return browser.post("/administracion/clientes/crear/", {**valid_data, "name": name})

        return action

    responses = run_together(create(users[0], "Ana S.A."), create(users[1], "Luis S.A."))
    assert sorted(response.status_code for response in responses) == [200, 302]
    refused = next(response for response in responses if response.status_code == 200)
    assert refused.context["form"].errors == {"code": ["Este código ya está en uso."]}
    assert Client.objects.filter(code=int(valid_data["code"])).count() == 1
