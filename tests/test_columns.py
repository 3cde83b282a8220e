"""The list's columns: one place says each column's cell kind, and the cells follow it."""

import pytest
from django.utils.html import escape
from django.utils.translation import override

from clients.columns import COLUMNS, CellKind
from clients.models import Client
from clients.templatetags.client_cells import cells


def a_client(**values):
    return Client(
        **{
            "code": 1234,
            "name": "Telefónica",
            "sla_optimal_seconds": 90,
            "sla_low_seconds": 3600,
            "max_history_conversations": 100,
            "inactivity_alert_attempts": 0,
            "max_inactivity_seconds": 86400,
            "status": Client.Status.ACTIVE,
            **values,
        }
    )


def test_each_column_has_its_cell_kind():
    kinds = {column.key: column.kind for column in COLUMNS}
    assert kinds == {
        "code": CellKind.PLAIN,
        "name": CellKind.PLAIN,
        "sla_optimal_seconds": CellKind.DURATION,
        "sla_low_seconds": CellKind.DURATION,
        "max_history_conversations": CellKind.PLAIN,
        "inactivity_alert_attempts": CellKind.PLAIN,
        "max_inactivity_seconds": CellKind.DURATION,
        "status": CellKind.STATUS,
    }


def test_a_row_has_one_cell_per_column_each_as_its_kind_shows_it():
    with override("es"):
        html = cells(a_client(code=1234567))
    assert html == (
        "<td>1234567</td>"  # a code, never "1.234.567"
        "<td>Telefónica</td>"
        '<td class="text-nowrap">1 min 30 s</td>'
        '<td class="text-nowrap">1 h</td>'
        "<td>100</td>"
        "<td>0</td>"
        '<td class="text-nowrap">24 h</td>'
        '<td><span class="badge text-bg-success">Activo</span></td>'
    )
    assert html.count("<td") == len(COLUMNS)


def test_an_inactive_client_gets_a_grey_badge_in_the_active_language():
    with override("en"):
        html = cells(a_client(status=Client.Status.INACTIVE))
    assert html.endswith('<td><span class="badge text-bg-secondary">Inactive</span></td>')


def test_names_are_escaped_as_the_template_would():
    name = '<b>Tom & Jerry\'s "SAS"</b>'
    assert f"<td>{escape(name)}</td>" in cells(a_client(name=name))


@pytest.mark.django_db
@pytest.mark.parametrize("permissions", [["view_client"], ["view_client", "change_client"]])
def test_the_empty_row_spans_the_columns_shown(client, make_user, permissions):
    # The eight columns and the actions (the history, for everyone), and the
    # bulk edit's checkboxes for those who may change clients.
    colspan = 9 + ("change_client" in permissions)
    client.force_login(make_user(*permissions))
    html = client.get("/administracion/clientes/").content.decode()
    assert html.count("<th ") == colspan
    assert f'<td colspan="{colspan}"' in html
