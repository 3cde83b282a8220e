"""Bulk edit from the list: select, preview, confirm; all or none, never trusting the browser."""

import re
import threading
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients import bulk_edit
from clients.models import Batch, Client

from .factories import ClientFactory
from .test_concurrency import needs_postgresql, run_together

pytestmark = pytest.mark.django_db

URL = "/administracion/clientes/lote/"


class _ConfirmForm(HTMLParser):
    """The (name, value) pairs of the preview's Confirmar form, as a browser posts them."""

    def __init__(self):
        super().__init__()
        self.inside, self.fields = False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "bulk-confirm":
            self.inside = True
        elif tag == "input" and self.inside:
            self.fields.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def confirm_fields(response):
    reader = _ConfirmForm()
    reader.feed(response.content.decode())
    assert reader.fields, "the preview has no Confirmar"
    return reader.fields


def as_post(fields):
    """``fields`` (pairs) as the test client posts them: repeated names as lists."""
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def preview(client, codes, **values):
    data = {"codes": [str(code) for code in codes], "step": "preview"}
    data.update({name: "" for name in bulk_edit.EDITABLE_FIELDS})
    data.update({name: str(value) for name, value in values.items()})
    return client.post(URL, data)


def confirm(client, fields, **changes):
    data = as_post(fields)
    for name, value in changes.items():
        data[name] = value
    return client.post(URL, data)


def low_slas():
    return dict(Client.objects.values_list("code", "sla_low_seconds"))


@pytest.fixture
def three(db):
    """Every value stated, so a value a test sets is always a change."""
    return [
        ClientFactory(
            code=code,
            name=f"Cliente {code}",
            sla_optimal_seconds=20 * code,
            sla_low_seconds=100,
            max_history_conversations=10,
            inactivity_alert_attempts=3,
            max_inactivity_seconds=600,
        )
        for code in (1, 2, 3)
    ]


def text(response):
    return response.content.decode()


# --- The list ------------------------------------------------------------------------


def test_the_list_has_a_labelled_checkbox_per_row_and_the_button(manager_client, three):
    page = text(manager_client.get(reverse("clients:list")))
    assert '<input type="checkbox" class="form-check-input" name="codes" value="1"' in page
    assert 'aria-label="Seleccionar Cliente 1"' in page
    assert 'aria-label="Seleccionar todos en esta página"' in page
    assert "Editar seleccionados" in page


def test_a_viewer_sees_no_checkboxes_and_gets_403(client, make_user, three):
    client.force_login(make_user("view_client"))
    page = text(client.get(reverse("clients:list")))
    assert 'name="codes"' not in page
    assert "Editar seleccionados" not in page
    assert client.post(URL, {"codes": ["1"]}).status_code == 403
    assert preview(client, [1], sla_low_seconds=200).status_code == 403


# --- The form and its preview ------------------------------------------------------------


def test_the_selection_opens_the_form_with_the_six_settings(manager_client, three):
    page = text(manager_client.post(URL, {"codes": ["1", "3"]}))
    for name in bulk_edit.EDITABLE_FIELDS:
        assert f'name="{name}"' in page
    assert 'name="name"' not in page and 'name="code"' not in page
    assert "Cliente 1" in page and "Cliente 3" in page and "Cliente 2" not in page


def test_the_preview_shows_old_and_new_values_and_writes_nothing(manager_client, three):
    response = preview(manager_client, [1, 2, 3], sla_low_seconds=200)
    page = text(response)
    assert page.count("<del>100</del> → <ins>200</ins>") == 3
    assert "3 clientes cambiarán." in page
    assert low_slas() == {1: 100, 2: 100, 3: 100}
    assert not Batch.objects.exists()


def test_the_preview_names_the_clients_the_change_would_make_invalid(manager_client, three):
    page = text(preview(manager_client, [1, 2, 3], sla_low_seconds=50))
    # Client 1's optimal SLA (20) stays below 50; 2's (40)… also; 3's (60) does not.
    assert "1 cliente quedaría inválido" in page
    assert "El SLA bajo debe ser mayor que el SLA óptimo." in page
    assert 'id="bulk-confirm"' not in page


def test_a_value_out_of_bounds_is_a_form_error(manager_client, three):
    page = text(preview(manager_client, [1], max_history_conversations=101))
    assert "Entre 0 y 100 conversaciones." in page
    assert "quedaría inválido" not in page
    assert 'id="bulk-confirm"' not in page


def test_no_value_at_all_asks_for_one(manager_client, three):
    page = text(preview(manager_client, [1]))
    assert "Escriba al menos un valor nuevo." in page


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        ([], "Seleccione al menos un cliente."),
        (["1", "999"], "Ningún cliente tiene el código 999."),
        (["1", "abc"], "Estos no son códigos de cliente: abc."),
    ],
)
def test_a_bad_selection_goes_back_to_the_list_and_says_why(manager_client, three, codes, message):
    response = manager_client.post(
        URL, {"codes": codes, "step": "preview", "sla_low_seconds": "200"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("clients:list")
    assert message in text(response)
    assert low_slas() == {1: 100, 2: 100, 3: 100}


def test_too_many_codes_are_refused(manager_client, monkeypatch, three):
    monkeypatch.setattr(bulk_edit, "MAX_SELECTED", 2)
    response = manager_client.post(URL, {"codes": ["1", "2", "3"]}, follow=True)
    assert "Seleccione como máximo 2 clientes a la vez." in text(response)


def test_the_limit_is_written_as_the_users_language_writes_numbers(manager_client, three):
    """It said "1,000" in Spanish, which reads as one."""
    codes = [str(code) for code in range(1, 1_002)]
    response = manager_client.post(URL, {"codes": codes}, follow=True)
    assert "Seleccione como máximo 1.000 clientes a la vez." in text(response)


def test_switching_language_on_the_preview_leads_to_the_list_and_applies_nothing(
    manager_client, three
):
    """The language menu posts to set_language, which returns to this address with
    a GET: the selection is gone with the form, so the list asks for it again."""
    preview(manager_client, [1, 2], sla_low_seconds=200)
    response = manager_client.post("/i18n/setlang/", {"language": "en", "next": URL}, follow=True)
    assert response.redirect_chain[-1] == ("/administracion/clientes/", 302)
    assert "Select the clients to edit in the list, then press Edit selected." in text(response)
    assert set(low_slas().values()) == {100}
    assert not Batch.objects.exists()


# --- Confirmar ----------------------------------------------------------------------------


def test_confirm_applies_to_all_as_one_batch_and_shows_it(manager_client, manager, three):
    fields = confirm_fields(preview(manager_client, [1, 2, 3], sla_low_seconds=200))
    response = confirm(manager_client, fields)
    batch = Batch.objects.get()
    assert response.status_code == 302 and response.url == batch.get_absolute_url()
    assert (batch.kind, batch.client_count, batch.created_by) == ("bulk_edit", 3, manager)
    assert low_slas() == {1: 200, 2: 200, 3: 200}
    assert set(Client.objects.values_list("version", flat=True)) == {2}


def test_a_status_change_in_bulk(manager_client, three):
    fields = confirm_fields(preview(manager_client, [2, 3], status="inactive"))
    confirm(manager_client, fields)
    assert list(Client.objects.filter(status="inactive").values_list("code", flat=True)) == [2, 3]


def test_clients_the_values_leave_as_they_are_get_no_new_version(manager_client, three):
    client = Client.objects.get(code=2)
    client.sla_low_seconds = 200
    client.save()
    fields = confirm_fields(preview(manager_client, [1, 2], sla_low_seconds=200))
    confirm(manager_client, fields)
    assert Batch.objects.get().client_count == 1
    assert Client.objects.get(code=2).version == 2


def test_a_second_confirm_of_the_same_preview_applies_once(manager_client, three):
    fields = confirm_fields(preview(manager_client, [1, 2], max_history_conversations=7))
    first = confirm(manager_client, fields)
    second = manager_client.post(URL, as_post(fields), follow=True)
    batch = Batch.objects.get()
    assert first.url == second.redirect_chain[-1][0] == batch.get_absolute_url()
    assert f"ya se aplicó, como lote {batch.pk}" in text(second)
    assert set(Client.objects.filter(code__in=[1, 2]).values_list("version", flat=True)) == {2}


def test_a_client_changed_since_the_preview_stops_everything(manager_client, three):
    fields = confirm_fields(preview(manager_client, [1, 2, 3], sla_low_seconds=200))
    client = Client.objects.get(code=2)
    client.name = "Cambiado"
    client.save()
    response = confirm(manager_client, fields)
    page = text(response)
    assert response.status_code == 200
    assert "No se aplicó nada" in page
    assert "El cliente 2 cambió desde la vista previa." in page
    assert low_slas() == {1: 100, 2: 100, 3: 100}
    assert not Batch.objects.exists()
    # The page shows the change as it would be now, to confirm again.
    confirm(manager_client, confirm_fields(response))
    assert low_slas() == {1: 200, 2: 200, 3: 200}


def test_a_change_the_database_refuses_says_so_in_spanish_and_applies_nothing(
    manager_client, three, refusing_database
):
    fields = confirm_fields(preview(manager_client, [1, 2, 3], sla_low_seconds=200))
    words = refusing_database()
    response = confirm(manager_client, fields)
    page = text(response)
    assert response.status_code == 200
    assert "La base de datos rechazó el cambio" in page and "No se aplicó nada" in page
    assert words not in page
    assert low_slas() == {1: 100, 2: 100, 3: 100}
    assert not Batch.objects.exists()


def test_a_client_made_invalid_since_the_preview_stops_everything(manager_client, three):
    fields = confirm_fields(preview(manager_client, [1, 2], sla_low_seconds=50))
    client = Client.objects.get(code=2)
    client.sla_optimal_seconds = 55
    client.sla_low_seconds = 100
    client.save()
    page = text(confirm(manager_client, fields))
    assert "El cliente 2 cambió desde la vista previa." in page
    assert "Cliente 2: SLA bajo (segundos): El SLA bajo debe ser mayor" in page
    assert low_slas() == {1: 100, 2: 100, 3: 100}


@pytest.mark.parametrize(
    "tampering",
    [
        {"version_1": "5"},  # a version the preview did not show
        {"version_1": "x"},
        {"version_1": "²"},  # a digit to str.isdigit(), not to int(): was a 500
        {"sla_low_seconds": "300"},  # another value
        {"sla_low_seconds": "abc"},  # not a value at all
        {"max_history_conversations": "101"},
        {"status": "inactive"},
        {"codes": ["1", "2", "3"]},  # a code never selected
        {"codes": ["1"]},
        {"preview": "forged"},
    ],
)
def test_a_tampered_confirmation_applies_nothing(manager_client, three, tampering):
    fields = confirm_fields(preview(manager_client, [1, 2], sla_low_seconds=200))
    page = text(confirm(manager_client, fields, **tampering))
    assert "No se aplicó nada" in page
    assert re.search("vista previa (del cambio )?otra vez|de nuevo", page)
    assert low_slas() == {1: 100, 2: 100, 3: 100}
    assert not Batch.objects.exists()


def test_another_users_confirmation_is_not_applied(manager_client, make_user, three):
    """The signed preview carried no user: anyone could confirm what someone else saw."""
    fields = confirm_fields(preview(manager_client, [1, 2], sla_low_seconds=200))
    other = Browser()
    other.force_login(make_user("view_client", "change_client"))
    page = text(confirm(other, fields))
    assert "No se aplicó nada" in page
    assert low_slas() == {1: 100, 2: 100, 3: 100}
    assert not Batch.objects.exists()


def test_a_confirmation_for_a_code_that_no_longer_exists_is_refused(manager_client, three):
    fields = confirm_fields(preview(manager_client, [1, 2], sla_low_seconds=200))
    response = manager_client.post(
        URL, {**as_post(fields), "codes": ["1", "2", "404"]}, follow=True
    )
    assert "Ningún cliente tiene el código 404." in text(response)
    assert low_slas() == {1: 100, 2: 100, 3: 100}


def test_the_bulk_edit_can_be_undone(manager_client, three):
    fields = confirm_fields(preview(manager_client, [1, 2, 3], sla_low_seconds=200))
    batch_url = confirm(manager_client, fields).url
    batch = Batch.objects.get()
    assert "<del>100</del> → <ins>200</ins>" in text(manager_client.get(batch_url))
    manager_client.post(reverse("batches:undo", args=[batch.pk]))
    assert low_slas() == {1: 100, 2: 100, 3: 100}


# --- Queries ------------------------------------------------------------------------------


def test_preview_and_confirm_take_the_same_number_of_queries_for_3_or_30(manager_client):
    def queries(count, start):
        codes = [ClientFactory(code=start + n, sla_optimal_seconds=10).code for n in range(count)]
        with CaptureQueriesContext(connection) as previewing:
            response = preview(manager_client, codes, max_inactivity_seconds=777)
        with CaptureQueriesContext(connection) as confirming:
            assert confirm(manager_client, confirm_fields(response)).status_code == 302
        return len(previewing), len(confirming)

    assert queries(3, 100) == queries(30, 200)


# --- At the same time (PostgreSQL: real concurrent connections) ---------------------------


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_confirms_of_one_preview_at_once_apply_once(manager, monkeypatch):
    for code in (1, 2):
        ClientFactory(code=code, sla_optimal_seconds=10, sla_low_seconds=100)
    browser = Browser()
    browser.force_login(manager)
    fields = confirm_fields(preview(browser, [1, 2], sla_low_seconds=200))
    both_checked = threading.Barrier(2, timeout=10)

    class WaitingWriter(bulk_edit.BulkWriter):
        def apply(self):
            both_checked.wait()  # both passed every check before either writes
            return super().apply()

    monkeypatch.setattr(bulk_edit, "BulkWriter", WaitingWriter)

    def confirm_in_a_browser():
        other = Browser()
        other.force_login(manager)
        return other.post(URL, as_post(fields))

    responses = run_together(confirm_in_a_browser, confirm_in_a_browser)
    batch = Batch.objects.get()
    assert [response.status_code for response in responses] == [302, 302]
    assert {response.url for response in responses} == {batch.get_absolute_url()}
    assert set(Client.objects.values_list("version", flat=True)) == {2}


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_undos_of_one_batch_at_once_undo_it_once(manager):
    for code in (1, 2):
        ClientFactory(code=code, sla_optimal_seconds=10, sla_low_seconds=100)
    browser = Browser()
    browser.force_login(manager)
    confirm(browser, confirm_fields(preview(browser, [1, 2], sla_low_seconds=200)))
    batch = Batch.objects.get()

    def undo_in_a_browser():
        other = Browser()
        other.force_login(manager)
        return other.post(reverse("batches:undo", args=[batch.pk]))

    run_together(undo_in_a_browser, undo_in_a_browser)
    assert Batch.objects.filter(kind="undo").count() == 1
    assert set(Client.objects.values_list("sla_low_seconds", "version")) == {(100, 3)}
