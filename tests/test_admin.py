"""The Django admin for developers: same rules, same search, no delete."""

import pytest

from clients.models import Batch, Client

from .factories import ClientFactory, form_data

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/clients/client/"
BATCHES = "/admin/clients/batch/"


def test_changelist_loads_with_columns_and_status_filter(admin_client):
    ClientFactory(code=11, name="Telefónica")
    html = admin_client.get(CHANGELIST).content.decode()
    assert "Telefónica" in html
    assert "SLA óptimo (segundos)" in html
    assert "?status__exact=inactive" in html


def test_search_by_code_or_by_name_without_accents(admin_client):
    ClientFactory(code=11, name="Telefónica")
    ClientFactory(code=110, name="Bancolombia")
    by_name = admin_client.get(CHANGELIST, {"q": "TELEFONICA"})
    assert [c.code for c in by_name.context["cl"].result_list] == [11]
    by_code = admin_client.get(CHANGELIST, {"q": "11"})
    assert [c.code for c in by_code.context["cl"].result_list] == [11]
    huge = admin_client.get(CHANGELIST, {"q": "9" * 40})
    assert huge.status_code == 200
    assert list(huge.context["cl"].result_list) == []


@pytest.mark.parametrize(("order", "reverse"), [("1", False), ("-1", True)])
def test_sorting_by_name_follows_spanish_alphabetical_order(admin_client, order, reverse):
    expected = ["álvaro", "Nube", "Ñandú", "Ocaso"]
    for code, name in enumerate(reversed(expected), start=1):
        ClientFactory(code=code, name=name)
    response = admin_client.get(CHANGELIST, {"o": order})  # Column 1 (from 0): the name.
    names = [client.name for client in response.context["cl"].result_list]
    assert names == (expected[::-1] if reverse else expected)


def test_add_applies_the_model_rules_and_records_the_author(admin_client, admin_user):
    data = {
        "code": "12",
        "name": "  Ñandú  ",
        "sla_optimal_seconds": "30",
        "sla_low_seconds": "30",
        "max_history_conversations": "5",
        "inactivity_alert_attempts": "1",
        "max_inactivity_seconds": "60",
        "status": "active",
    }
    refused = admin_client.post(f"{CHANGELIST}add/", data)
    assert refused.status_code == 200
    assert "El SLA bajo debe ser mayor que el SLA óptimo." in refused.content.decode()
    assert (
        admin_client.post(f"{CHANGELIST}add/", {**data, "sla_low_seconds": "31"}).status_code == 302
    )
    client = Client.objects.get(code=12)
    assert client.name == "Ñandú"
    assert client.created_by == admin_user


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("inactivity_alert_attempts", "-1", "Entre 0 y 10 intentos."),
        ("max_inactivity_seconds", "86401", "Entre 1 y 86.400 segundos (24 horas)."),
        ("code", "abc", "Escriba un número entero, sin puntos ni letras."),
    ],
)
def test_admin_words_number_errors_as_the_pages_do(admin_client, field, typed, message):
    data = {**form_data(), "status": "active", field: typed}
    refused = admin_client.post(f"{CHANGELIST}add/", data)
    assert refused.context["adminform"].form.errors[field] == [message]
    assert not Client.objects.exists()


def test_code_is_read_only_on_change(admin_client):
    client = ClientFactory(code=11)
    html = admin_client.get(f"{CHANGELIST}{client.pk}/change/").content.decode()
    assert 'name="code"' not in html
    assert 'name="name"' in html


def test_there_is_no_way_to_delete(admin_client):
    client = ClientFactory(code=11)
    changelist = admin_client.get(CHANGELIST).content.decode()
    assert "delete_selected" not in changelist
    change = admin_client.get(f"{CHANGELIST}{client.pk}/change/").content.decode()
    assert "/delete/" not in change
    assert admin_client.post(f"{CHANGELIST}{client.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Client.objects.filter(code=11).exists()


@pytest.mark.parametrize("name", ["ß" * 61, "ﬃ" * 120, "ﷺ" * 7])
def test_names_whose_search_key_is_longer_are_saved_and_found(admin_client, name):
    """Folding ß gives "ss": a 61-character name once made a 122-character key, and a 500."""
    data = {**form_data(code=13, name=name, status="active"), "version": "1"}
    assert admin_client.post(f"{CHANGELIST}add/", data).status_code == 302
    found = admin_client.get(CHANGELIST, {"q": name.upper()})
    assert [c.code for c in found.context["cl"].result_list] == [13]
    client = Client.objects.get(code=13)
    changed = {**data, "name": name[:-1]}
    assert admin_client.post(f"{CHANGELIST}{client.pk}/change/", changed).status_code == 302


@pytest.fixture
def renamed(admin_user):
    """A client created and then renamed by the admin user."""
    client = ClientFactory(code=11, name="Telefónica", created_by=admin_user)
    client.name = "Telefónica Colombia"
    client.record_change_by(admin_user)
    client.save()
    return client


def test_history_page_speaks_spanish_and_hides_the_version(admin_client, renamed):
    html = admin_client.get(f"{CHANGELIST}{renamed.pk}/history/").content.decode()
    for spanish in ["Historial de cambios: 11 · Telefónica Colombia", "Modificado por", "Acción"]:
        assert spanish in html, spanish
    assert "Motivo del cambio" in html
    assert "Nombre:</strong> Telefónica&nbsp;&rarr;&nbsp;&nbsp;Telefónica Colombia" in html
    assert "2 entradas" in html
    for english_or_internal in ["View history", "Changed by", "Change reason", "None", "Versión"]:
        assert english_or_internal not in html, english_or_internal


def test_history_page_shows_a_dash_for_no_author_and_no_reason(admin_client):
    client = ClientFactory(code=11)  # made by no one: a command without --user, say
    html = admin_client.get(f"{CHANGELIST}{client.pk}/history/").content.decode()
    cells = [cell.strip() for cell in html.split("<td>")[1:]]
    assert [cell for cell in cells if cell.startswith("—")] != []
    assert "None" not in html


def test_history_page_has_no_inline_style(admin_client, renamed):
    """The Content-Security-Policy refuses style attributes: the browser reported one."""
    html = admin_client.get(f"{CHANGELIST}{renamed.pk}/history/").content.decode()
    assert "style=" not in html
    assert "<style" not in html


def test_change_form_keeps_the_version_hidden(admin_client, renamed):
    """The version detects concurrent edits, so the form keeps it, out of sight."""
    html = admin_client.get(f"{CHANGELIST}{renamed.pk}/change/").content.decode()
    assert '<input type="hidden" name="version" value="2"' in html
    assert 'class="form-row hidden field-version"' in html


def test_admin_pages_link_the_site_icon(admin_client, renamed):
    pages = [f"{CHANGELIST}{renamed.pk}/change/", f"{CHANGELIST}{renamed.pk}/history/"]
    for url in [CHANGELIST, *pages]:
        assert 'rel="icon" href="/static/favicon.svg"' in admin_client.get(url).content.decode()


def test_a_past_version_reads_in_spanish(admin_client, renamed):
    """simple-history's page named the app by its label and the model "Historical clientes"."""
    first = renamed.history.earliest("history_date")
    response = admin_client.get(f"{CHANGELIST}{renamed.pk}/history/{first.history_id}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ver 11 · Telefónica" in html
    assert '<a href="/admin/clients/">Clientes</a>' in html
    assert "Histórico</a> &rsaquo;\n    Ver cliente" in html
    for english in ["Historical", ">Clients<", "View "]:
        assert english not in html, english
    assert "style=" not in html


def test_batches_are_listed_in_spanish_and_cannot_be_added_changed_or_deleted(
    admin_client, admin_user
):
    batch = Batch.objects.create(kind=Batch.Kind.BULK_EDIT, created_by=admin_user, client_count=3)
    html = admin_client.get(BATCHES).content.decode()
    for heading in ("Lotes", "Tipo", "Fecha", "Usuario", "Clientes", "Edición masiva"):
        assert heading in html
    assert "?kind__exact=web_import" in html  # the filter by kind
    assert f"{BATCHES}add/" not in html
    assert admin_client.get(f"{BATCHES}add/").status_code == 403
    page = admin_client.get(f"{BATCHES}{batch.pk}/change/")
    assert page.status_code == 200  # read-only: shown, with no save button
    assert 'name="_save"' not in page.content.decode()
    admin_client.post(f"{BATCHES}{batch.pk}/change/", {"kind": "undo", "client_count": "9"})
    assert admin_client.get(f"{BATCHES}{batch.pk}/delete/").status_code == 403
    admin_client.post(
        BATCHES, {"action": "delete_selected", "_selected_action": [batch.pk], "post": "yes"}
    )
    batch.refresh_from_db()
    assert (batch.kind, batch.client_count) == ("bulk_edit", 3)
