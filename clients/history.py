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


def shown_value(name, value):
    """A stored ``value`` of field ``name`` as the user reads it (a status by its label)."""
    choices = dict(Client._meta.get_field(name).flatchoices)
    return str(choices.get(value, value))


def stored_values(record):
    """``{field: value}`` of a client or one of its history rows."""
    return {name: getattr(record, name) for name in CLIENT_FIELDS}


def shown_values(client):
    """(label, value) of each shown field, as the user reads them."""
    return [
        (label(name), shown_value(name, value)) for name, value in stored_values(client).items()
    ]


def changes_between(old, new, names=CLIENT_FIELDS):
    """A ``Change`` for each of ``names`` whose value differs from ``old`` to ``new``
    (dicts of stored values); every one, with no old value, when ``old`` is
    ``None`` (a client created). The history, a batch, a bulk edit's preview and
    an import's preview all show changes this way."""
    return [
        Change(
            label(name),
            None if old is None else shown_value(name, old[name]),
            shown_value(name, new[name]),
        )
        for name in names
        if old is None or old[name] != new[name]
    ]


def history_entries(client):
    """Newest first; saves that changed none of the shown fields are left out."""
    records = list(
        client.history.select_related("history_user", "batch").order_by(
            "-history_date", "-history_id"
        )
    )
    entries = []
    for newer, older in zip(records, [*records[1:], None][: len(records)], strict=True):
        created = older is None
        changes = changes_between(None if created else stored_values(older), stored_values(newer))
        if changes:  # a creation always lists every field
            entries.append(Entry(newer, created=created, changes=changes))
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
    values = stored_values(record)
    del values["code"]
    return record, values
