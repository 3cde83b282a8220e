"""The list's columns: each one's label, how its cells show, and its ``sort``
parameter (a column, ``-`` for descending)."""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class CellKind(StrEnum):
    """How a column's cells show its value (the markup: ``templatetags/client_cells.py``)."""

    PLAIN = "plain"  # the value as stored
    DURATION = "duration"  # seconds as people read them ("1 min 30 s"), kept on one line
    STATUS = "status"  # the status's label in a coloured badge


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    #: What "sort by this column" orders by: the column, then the code, so that
    #: ties never make pages repeat or skip a client, and the database reads
    #: the matching "column, code" index in order.
    ordering: tuple[str, ...]
    kind: CellKind = CellKind.PLAIN


COLUMNS = [
    Column("code", _("Code"), ("code",)),
    # Spanish alphabetical order: its sort key (see fields.spanish_sort_key).
    Column("name", _("Name"), ("name_sort", "code")),
    Column(
        "sla_optimal_seconds",
        _("Optimal SLA"),
        ("sla_optimal_seconds", "code"),
        CellKind.DURATION,
    ),
    Column("sla_low_seconds", _("Low SLA"), ("sla_low_seconds", "code"), CellKind.DURATION),
    Column("max_history_conversations", _("Max. history"), ("max_history_conversations", "code")),
    Column("inactivity_alert_attempts", _("Attempts"), ("inactivity_alert_attempts", "code")),
    Column(
        "max_inactivity_seconds",
        _("Inactivity"),
        ("max_inactivity_seconds", "code"),
        CellKind.DURATION,
    ),
    Column("status", _("Status"), ("status", "code"), CellKind.STATUS),
]
BY_KEY = {column.key: column for column in COLUMNS}
DEFAULT_SORT = "code"


def parse_sort(value):
    """``(column, descending)`` for a ``sort`` value; unknown values sort by code."""
    value = (value or "").strip()
    descending = value.startswith("-")
    column = BY_KEY.get(value.removeprefix("-"))
    if column is None:
        return BY_KEY[DEFAULT_SORT], False
    return column, descending


def ordering(value):
    column, descending = parse_sort(value)
    return [f"-{field}" if descending else field for field in column.ordering]


def headers(value):
    """Each column's label, the ``sort`` value its link asks for, and its state."""
    current, descending = parse_sort(value)
    for column in COLUMNS:
        active = column is current
        yield {
            "label": column.label,
            "sort": f"-{column.key}" if active and not descending else column.key,
            "aria_sort": ("descending" if descending else "ascending") if active else None,
        }
