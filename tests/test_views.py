"""The Clientes pages as an administrator uses them: list, query, create, edit."""

import re
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import strip_tags

from clients.models import Client

from .factories import ClientFactory, form_data
from .html import form_values, shows

pytestmark = pytest.mark.django_db

LIST_URL = "/administracion/clientes/"
CREATE_URL = "/administracion/clientes/crear/"


def update_url(code):
    return f"/administracion/clientes/{code}/editar/"


def listed_codes(response):
    return [client.code for client in response.context["page_obj"]]


def messages_of(response):
    """The messages as read on the page, without their links' markup."""
    return [strip_tags(str(message)) for message in get_messages(response.wsgi_request)]


def test_urls_match_the_contract():
    assert reverse("clients:list") == LIST_URL
    assert reverse("clients:create") == CREATE_URL
    assert reverse("clients:update", args=[7]) == update_url(7)


def test_root_redirects_to_the_list(manager_client):
    response = manager_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == LIST_URL


# --- List --------------------------------------------------------------------


def test_list_shows_every_column_and_client(manager_client):
    ClientFactory(code=1, name="Telefónica", status="inactive")
    ClientFactory(code=2, name="Ñandú S.A.S.")
    response = manager_client.get(LIST_URL)
    html = response.content.decode()
    assert response.status_code == 200
    for header in [
        "Código",
        "Nombre",
        "SLA óptimo",
        "SLA bajo",
        "Máx. historial",
        "Intentos",
        "Inactividad",
        "Estado",
        "Acción",
    ]:
        assert shows(html, header), header
    assert listed_codes(response) == [1, 2]
    assert "Telefónica" in html and "Ñandú S.A.S." in html
    assert 'badge text-bg-secondary">Inactivo<' in html
    assert 'badge text-bg-success">Activo<' in html
    assert 'class="bi bi-pencil"' in html
    for button in ["Consultar", "Limpiar", "Crear"]:
        assert re.search(rf"</i>\s*{button}\s*</", html), button


def test_list_counts_the_clients_found(manager_client):
    ClientFactory(name="Claro")
    ClientFactory(name="Movistar")
    assert "2 clientes" in manager_client.get(LIST_URL).content.decode()
    assert "1 cliente<" in manager_client.get(LIST_URL, {"name": "claro"}).content.decode()


def test_list_says_when_there_are_no_clients(manager_client):
    assert "No hay clientes." in manager_client.get(LIST_URL).content.decode()


def test_query_by_exact_code(manager_client):
    ClientFactory(code=12)
    ClientFactory(code=123)
    assert listed_codes(manager_client.get(LIST_URL, {"code": "12"})) == [12]


def test_query_by_name_ignores_case_and_accents(manager_client):
    ClientFactory(code=1, name="Telefónica Colombia")
    ClientFactory(code=2, name="Bancolombia")
    ClientFactory(code=3, name="Ñandú S.A.S.")
    assert listed_codes(manager_client.get(LIST_URL, {"name": "telefonica"})) == [1]
    assert listed_codes(manager_client.get(LIST_URL, {"name": "COLOMBIA"})) == [1, 2]
    assert listed_codes(manager_client.get(LIST_URL, {"name": "  nandu "})) == [3]


def test_query_by_status(manager_client):
    ClientFactory(code=1, status="active")
    ClientFactory(code=2, status="inactive")
    assert listed_codes(manager_client.get(LIST_URL, {"status": "inactive"})) == [2]
    assert listed_codes(manager_client.get(LIST_URL, {"status": "active"})) == [1]
    assert listed_codes(manager_client.get(LIST_URL, {"status": ""})) == [1, 2]


def test_query_fields_combine_with_and(manager_client):
    ClientFactory(code=1, name="Claro Colombia", status="active")
    ClientFactory(code=2, name="Claro Perú", status="inactive")
    ClientFactory(code=3, name="Movistar", status="inactive")
    response = manager_client.get(LIST_URL, {"name": "claro", "status": "inactive"})
    assert listed_codes(response) == [2]
    response = manager_client.get(LIST_URL, {"code": "1", "name": "claro", "status": "inactive"})
    assert listed_codes(response) == []


def test_query_form_keeps_what_the_user_typed(manager_client):
    html = manager_client.get(LIST_URL, {"name": "telefonica", "status": "inactive"}).content
    assert b'value="telefonica"' in html
    assert b'<option value="inactive" selected>' in html


def test_limpiar_links_to_the_list_without_query(manager_client):
    html = manager_client.get(LIST_URL, {"name": "x", "status": "active"}).content.decode()
    assert f'class="btn btn-outline-secondary" href="{LIST_URL}"' in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", [2, 3, 1]),
        ("-name", [1, 3, 2]),
        ("-code", [3, 2, 1]),
        ("sla_low_seconds", [3, 1, 2]),
    ],
)
def test_sort_by_column(manager_client, sort, expected):
    ClientFactory(code=1, name="Zeta", sla_optimal_seconds=10, sla_low_seconds=50)
    ClientFactory(code=2, name="Alfa", sla_optimal_seconds=10, sla_low_seconds=90)
    ClientFactory(code=3, name="Beta", sla_optimal_seconds=10, sla_low_seconds=20)
    assert listed_codes(manager_client.get(LIST_URL, {"sort": sort})) == expected


@pytest.mark.parametrize("sort", ["name", "-name"])
def test_sorting_by_name_follows_spanish_alphabetical_order(manager_client, sort):
    """Ñ between N and O, accents and case beside their letter: on SQLite and PostgreSQL alike."""
    expected = ["Alvaro", "Álvaro", "álvaro", "Ana María", "Anabel", "Nube", "Ñandú", "Ocaso"]
    for code, name in enumerate(reversed(expected), start=1):
        ClientFactory(code=code, name=name)
    response = manager_client.get(LIST_URL, {"sort": sort})
    names = [client.name for client in response.context["page_obj"]]
    assert names == (expected if sort == "name" else expected[::-1])


def test_unknown_sort_column_is_ignored(manager_client):
    ClientFactory.create_batch(2)
    response = manager_client.get(LIST_URL, {"sort": "password"})
    assert response.status_code == 200
    assert len(listed_codes(response)) == 2


def test_pages_of_25_that_keep_query_and_sort(manager_client):
    for code in range(1, 61):
        ClientFactory(code=code, name=f"Cliente {code:02}", status="active")
    ClientFactory(code=99, name="Otro", status="inactive")
    query = {"name": "cliente", "status": "active", "sort": "-code"}
    first = manager_client.get(LIST_URL, query)
    assert listed_codes(first) == list(range(60, 35, -1))
    third = manager_client.get(LIST_URL, {**query, "page": "3"})
    assert listed_codes(third) == list(range(10, 0, -1))
    html = first.content.decode()
    assert "name=cliente" in html and "status=active" in html and "page=2" in html


@pytest.mark.parametrize("page", ["999999", "0", "-1", "abc", "1e9", "99999999999999999999999"])
def test_out_of_range_or_invalid_page_shows_a_real_page(manager_client, page):
    for code in range(1, 31):
        ClientFactory(code=code)
    response = manager_client.get(LIST_URL, {"page": page})
    assert response.status_code == 200
    assert listed_codes(response) in (list(range(1, 26)), list(range(26, 31)))


def test_out_of_range_page_shows_the_last_page(manager_client):
    for code in range(1, 31):
        ClientFactory(code=code)
    assert listed_codes(manager_client.get(LIST_URL, {"page": "999999"})) == list(range(26, 31))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"code": "abc"}, "code"),
        ({"code": "1.5"}, "code"),
        ({"code": "-3"}, "code"),
        ({"code": "99999999999999999999999"}, "code"),
        ({"status": "foo"}, "status"),
        # A NUL, which no one can type, never reaches the form: it is the 400
        # page on every URL (config/middleware.py, tests/test_errors.py).
    ],
)
def test_invalid_query_values_show_the_problem_not_an_error_page(manager_client, params, field):
    ClientFactory()
    response = manager_client.get(LIST_URL, params)
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert 'class="invalid-feedback' in response.content.decode()
    assert listed_codes(response) == []


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("abc", "Escriba un número entero, sin puntos ni letras."),
        ("0", "Escriba un número entero entre 1 y 2.147.483.647."),
    ],
)
def test_the_query_words_a_bad_code_as_the_forms_do(manager_client, code, message):
    response = manager_client.get(LIST_URL, {"code": code})
    assert response.context["filter"].form.errors["code"] == [message]


# --- Create -------------------------------------------------------------------


def test_create_form_has_every_field_and_guardar(manager_client):
    html = manager_client.get(CREATE_URL).content.decode()
    for field in [
        "code",
        "name",
        "sla_optimal_seconds",
        "sla_low_seconds",
        "max_history_conversations",
        "inactivity_alert_attempts",
        "max_inactivity_seconds",
    ]:
        assert f'name="{field}"' in html, field
    assert 'name="status"' not in html
    assert "SLA óptimo (segundos)" in html
    assert "Máximo de conversaciones históricas" in html
    assert "Guardar" in html


def test_create_saves_an_active_client_and_confirms(manager_client, manager, valid_data):
    response = manager_client.post(CREATE_URL, valid_data)
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    client = Client.objects.get(code=501)
    assert client.name == "Telefónica"
    assert client.status == "active"
    assert client.created_by == client.updated_by == manager
    assert messages_of(response) == [
        "Cliente creado: 501 · Telefónica Editar · Historial de cambios"
    ]


def test_create_returns_to_the_list_with_the_previous_query(manager_client, valid_data):
    previous = f"{LIST_URL}?name=tele&status=active&sort=-code&page=2"
    response = manager_client.post(CREATE_URL, {**valid_data, "next": previous})
    assert response["Location"] == previous


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/administracion/clientes/", "/admin/"]
)
def test_create_never_redirects_outside_the_list(manager_client, valid_data, next_url):
    response = manager_client.post(CREATE_URL, {**valid_data, "next": next_url})
    assert response["Location"] == LIST_URL


def test_the_list_links_create_and_edit_with_its_query(manager_client):
    ClientFactory(code=5, name="Acme")
    html = manager_client.get(LIST_URL, {"name": "a", "sort": "code"}).content.decode()
    back = quote(f"{LIST_URL}?name=a&sort=code", safe="/")
    assert f'href="{CREATE_URL}?next={back}"' in html
    assert f'href="{update_url(5)}?next={back}"' in html


def test_the_form_carries_the_return_url_and_cancel_goes_back(manager_client):
    previous = f"{LIST_URL}?name=tele"
    html = manager_client.get(CREATE_URL, {"next": previous}).content.decode()
    assert f'name="next" value="{LIST_URL}?name=tele"' in html
    assert f'href="{LIST_URL}?name=tele">Cancelar</a>' in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "   "}, "name", "Este campo es obligatorio."),
        ({"code": "abc"}, "code", "Escriba un número entero, sin puntos ni letras."),
        ({"sla_low_seconds": "86.400"}, "sla_low_seconds", "Escriba un número entero, sin puntos"),
        ({"code": "0"}, "code", "Escriba un número entero entre 1 y 2.147.483.647."),
        (
            {"sla_low_seconds": "10"},
            "sla_low_seconds",
            "El SLA bajo debe ser mayor que el SLA óptimo.",
        ),
        (
            {"max_history_conversations": "101"},
            "max_history_conversations",
            "Entre 0 y 100 conversaciones.",
        ),
        (
            {"inactivity_alert_attempts": "-1"},
            "inactivity_alert_attempts",
            "Entre 0 y 10 intentos.",
        ),
        (
            {"max_inactivity_seconds": "86401"},
            "max_inactivity_seconds",
            "Entre 1 y 86.400 segundos (24 horas).",
        ),
        (
            {"sla_optimal_seconds": "0"},
            "sla_optimal_seconds",
            "Entre 1 y 86.400 segundos (24 horas).",
        ),
        ({"code": "9" * 30}, "code", "Escriba un número entero entre 1 y 2.147.483.647."),
    ],
)
def test_create_shows_each_error_beside_its_field(
    manager_client, valid_data, changes, field, message
):
    response = manager_client.post(CREATE_URL, {**valid_data, **changes})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    html = response.content.decode()
    assert f'id="error_1_id_{field}"' in html
    assert not Client.objects.exists()


def error_summary(html):
    """The error summary's markup: the alert at the top of the form."""
    match = re.search(r'<div class="alert alert-danger error-summary"[^>]*>.*?</div>', html, re.S)
    return match and match.group(0)


def test_a_refused_save_lists_each_problem_as_a_link_to_its_field(manager_client, valid_data):
    """Issue 16: a summary at the top, links to the fields, the browser left quiet."""
    changes = {"name": "", "sla_optimal_seconds": "90", "sla_low_seconds": "30"}
    changes["max_inactivity_seconds"] = "86401"
    html = manager_client.post(CREATE_URL, {**valid_data, **changes}).content.decode()
    summary = error_summary(html)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert shows(summary, "Revise 3 campos")
    links = re.findall(r'<a class="alert-link" href="#(id_\w+)">([^<]*)</a>', summary)
    assert links == [
        ("id_name", "Nombre: Este campo es obligatorio."),
        (
            "id_sla_low_seconds",
            "SLA bajo (segundos): El SLA bajo debe ser mayor que el SLA óptimo.",
        ),
        (
            "id_max_inactivity_seconds",
            "Tiempo máximo de inactividad (segundos): Entre 1 y 86.400 segundos (24 horas).",
        ),
    ]
    # Each message stays beside its field too, which says it is invalid.
    assert 'aria-invalid="true" aria-describedby="id_name_error"' in html
    # The server speaks, not the browser; the limits stay for assistive technology.
    assert re.search(r"<form [^>]*novalidate", html)
    assert 'min="1" max="86400"' in html and "required" in html
    assert "js/error-summary.js" in html


def test_one_problem_is_one_field_and_a_valid_form_has_no_summary(manager_client, valid_data):
    assert error_summary(manager_client.get(CREATE_URL).content.decode()) is None
    response = manager_client.post(CREATE_URL, {**valid_data, "code": "abc"})
    assert shows(error_summary(response.content.decode()), "Revise 1 campo")


def test_the_summary_lists_a_problem_of_the_whole_form_as_text(manager_client, client_record):
    page = manager_client.get(update_url(700))
    data = {**form_values(page.content.decode()), "name": "Mi cambio"}
    client_record.name = "Otro cambio"
    client_record.save()
    summary = error_summary(manager_client.post(update_url(700), data).content.decode())
    assert shows(summary, "Otro usuario modificó este cliente; revise los cambios.")
    assert "<h2" not in summary and "href" not in summary


def test_create_refuses_a_code_in_use_even_by_an_inactive_client(manager_client, valid_data):
    ClientFactory(code=501, status="inactive")
    response = manager_client.post(CREATE_URL, valid_data)
    assert response.context["form"].errors == {"code": ["Este código ya está en uso."]}
    assert Client.objects.count() == 1


# --- Edit ---------------------------------------------------------------------


def test_edit_form_shows_code_read_only_and_status(manager_client, client_record):
    html = manager_client.get(update_url(700)).content.decode()
    assert 'name="code" value="700"' in html
    assert "disabled" in html[html.index('name="code"') - 200 : html.index('name="code"') + 200]
    assert 'name="status"' in html
    assert 'value="Ñandú S.A.S."' in html


def test_edit_saves_changes_and_status_and_confirms(manager_client, client_record, make_user):
    editor = make_user("view_client", "change_client")
    manager_client.force_login(editor)
    data = {
        "name": "Ñandú Internacional",
        "sla_optimal_seconds": "10",
        "sla_low_seconds": "40",
        "max_history_conversations": "0",
        "inactivity_alert_attempts": "10",
        "max_inactivity_seconds": "86400",
        "status": "inactive",
        "version": "1",
        "next": f"{LIST_URL}?status=active",
    }
    response = manager_client.post(update_url(700), data)
    assert response["Location"] == f"{LIST_URL}?status=active"
    client_record.refresh_from_db()
    assert client_record.name == "Ñandú Internacional"
    assert client_record.status == "inactive"
    assert client_record.max_inactivity_seconds == 86_400
    assert client_record.updated_by == editor
    assert messages_of(response) == [
        "Cliente actualizado: 700 · Ñandú Internacional Editar · Historial de cambios"
    ]


def test_edit_never_changes_the_code_even_if_posted(manager_client, client_record):
    data = {
        "code": "999",
        "name": "Otro nombre",
        "sla_optimal_seconds": "10",
        "sla_low_seconds": "40",
        "max_history_conversations": "1",
        "inactivity_alert_attempts": "1",
        "max_inactivity_seconds": "60",
        "status": "active",
        "version": "1",
    }
    response = manager_client.post(update_url(700), data)
    assert response.status_code == 302
    assert Client.objects.get().code == 700
    assert Client.objects.get().name == "Otro nombre"


def test_edit_shows_errors_and_keeps_the_stored_client(manager_client, client_record):
    data = {
        "name": "",
        "sla_optimal_seconds": "50",
        "sla_low_seconds": "40",
        "max_history_conversations": "1",
        "inactivity_alert_attempts": "1",
        "max_inactivity_seconds": "60",
        "status": "borrado",
        "version": "1",
    }
    response = manager_client.post(update_url(700), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "sla_low_seconds", "status"}
    client_record.refresh_from_db()
    assert client_record.name == "Ñandú S.A.S."


@pytest.mark.parametrize("code", ["999", "2147483648", "99999999999999999999"])
def test_edit_of_an_unknown_code_is_not_found(manager_client, code):
    assert manager_client.get(update_url(code)).status_code == 404


def test_create_form_proposes_the_next_free_code(manager_client):
    ClientFactory(code=41)
    html = manager_client.get(CREATE_URL).content.decode()
    assert 'name="code" value="42"' in html


def test_the_proposed_code_can_be_changed(manager_client, valid_data):
    ClientFactory(code=41)
    manager_client.post(CREATE_URL, {**valid_data, "code": "7"})
    assert sorted(Client.objects.values_list("code", flat=True)) == [7, 41]


def test_edit_form_keeps_the_clients_own_code(manager_client, client_record):
    ClientFactory(code=900)
    html = manager_client.get(update_url(700)).content.decode()
    assert 'name="code" value="700"' in html


def test_each_row_links_to_the_clients_history(manager_client):
    ClientFactory(code=1, name="Telefónica")
    html = manager_client.get("/administracion/clientes/").content.decode()
    assert 'href="/administracion/clientes/1/historial/"' in html
    assert 'aria-label="Historial de cambios Telefónica"' in html


def test_after_an_edit_the_message_links_to_the_client_the_query_no_longer_finds(manager_client):
    ClientFactory(code=700, name="Telefónica")
    back = "/administracion/clientes/?name=telefonica"
    data = {**form_data(name="Movistar <b>", status="active"), "version": "1", "next": back}
    response = manager_client.post("/administracion/clientes/700/editar/", data, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == back
    assert "Cliente actualizado: 700 · Movistar &lt;b&gt;" in html
    assert '<a class="alert-link" href="/administracion/clientes/700/editar/">Editar</a>' in html
    assert 'href="/administracion/clientes/700/historial/">Historial de cambios</a>' in html
    assert 'Ningún cliente coincide con la consulta. <a href="/administracion/clientes/">' in html
    assert "No hay clientes." not in html


def test_an_empty_list_without_a_query_says_there_are_no_clients(manager_client):
    html = manager_client.get("/administracion/clientes/").content.decode()
    assert "No hay clientes." in html
    assert "coincide con la consulta" not in html
