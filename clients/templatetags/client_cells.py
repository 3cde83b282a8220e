"""The list's cells, one per column of ``clients/columns.py``, each as its kind shows it.

A filter rather than a ``{% for %}`` over the columns in the template: at 25
rows x 8 columns, a template loop with an ``{% if %}`` on each cell's kind made
the page measurably slower (``bench/RESULTS.md``), and this is cheaper than the
hand-written cells were.
"""

from functools import lru_cache
from html import escape  # what django.utils.html.escape() runs, without its lazy-string wrapper

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import get_language, override

from clients.columns import COLUMNS, CellKind
from clients.durations import humanize_seconds
from clients.models import Client

register = template.Library()

#: Each kind's cell after its opening ``<td`` (see ``opening_tags()``); the
#: text (and a badge's colour) go in escaped.
MARKUP = {
    CellKind.PLAIN: ">{}</td>",
    CellKind.DURATION: ' class="text-nowrap">{}</td>',
    CellKind.STATUS: '><span class="badge {}">{}</span></td>',
}
#: The status badge's Bootstrap colour; any other status is grey.
STATUS_BADGES = {Client.Status.ACTIVE: "text-bg-success"}
OTHER_STATUS_BADGE = "text-bg-secondary"


@register.filter
def cells(client):
    """``{{ client|cells }}``: the client's ``<td>``s, in the order of ``COLUMNS``."""
    return SafeString(
        "".join(
            opening + cell(column.kind, getattr(client, column.key), client)
            for column, opening in zip(COLUMNS, opening_tags(get_language()), strict=True)
        )
    )


@lru_cache
def opening_tags(language):
    """Each column's ``<td`` with its key and its label: at phone width the
    rows show as cards, each value under its label (``static/css/app.css``)."""
    with override(language):
        return [
            f'<td data-column="{column.key}" data-label="{escape(str(column.label))}"'
            for column in COLUMNS
        ]


def cell(kind, value, client):
    if kind is CellKind.DURATION:
        return MARKUP[kind].format(escape(humanize_seconds(value)))
    if kind is CellKind.STATUS:
        badge = STATUS_BADGES.get(value, OTHER_STATUS_BADGE)
        return MARKUP[kind].format(escape(badge), escape(client.get_status_display()))
    # Codes and counts as plain numbers, as stored: no localisation.
    return MARKUP[kind].format(escape(str(value)))
