"""A client's change log as people read it: who, when, and each field's old → new."""

from dataclasses import dataclass, field

from django.utils.text import capfirst

from .models import CLIENT_FIELDS, Client


@dataclass
class Change:
    label: str
    old: str | None
    new: str


@dataclass
class Entry:
    record: object
    created: bool
    changes: list[Change] = field(default_factory=list)
    #: A past entry (not the client as it is now), which **Restaurar** can bring back.
    restorable: bool = False


def label(name):
    return capfirst(Client._meta.get_field(name).verbose_name)


_label = label


def shown_value(name, value):
    """A stored ``value`` of field ``name`` as the user reads it (a status by its label)."""
    choices = dict(Client._meta.get_field(name).flatchoices)
    return str(choices.get(value, value))


def _shown(record, name):
    display = getattr(record, f"get_{name}_display", None)
    return str(display() if display else getattr(record, name))


def shown_values(client):
    """(label, value) of each shown field, as the user reads them."""
    return [(_label(name), _shown(client, name)) for name in CLIENT_FIELDS]


def history_entries(client):
    """Newest first; saves that changed none of the shown fields are left out."""
    records = list(
        client.history.select_related("history_user", "batch").order_by(
            "-history_date", "-history_id"
        )
    )
    entries = []
    for newer, older in zip(records, [*records[1:], None][: len(records)], strict=True):
        if older is None:
            changes = [Change(_label(name), None, _shown(newer, name)) for name in CLIENT_FIELDS]
            entries.append(Entry(newer, created=True, changes=changes))
            continue
        delta = newer.diff_against(older, included_fields=CLIENT_FIELDS)
        changes = [
            Change(_label(name), _shown(older, name), _shown(newer, name))
            for name in CLIENT_FIELDS
            if name in delta.changed_fields
        ]
        if changes:
            entries.append(Entry(newer, created=False, changes=changes))
    for entry in entries[1:]:
        entry.restorable = True
    return entries


class UnknownVersion(Exception):
    """The history id given to restore is not one of this client's entries."""


def restored_values(client, history_id):
    """The values of ``client``'s history entry ``history_id``, code aside, to fill
    the edit form with: the user reviews them and saves against the current version."""
    try:
        number = int(history_id)
        if not 0 < number < 2**31:  # an id column's range; beyond it, no entry
            raise UnknownVersion
        record = client.history.get(history_id=number)
    except (ValueError, TypeError, client.history.model.DoesNotExist):
        raise UnknownVersion from None
    return record, {name: getattr(record, name) for name in CLIENT_FIELDS if name != "code"}
