"""A batch's changes, read from the history, and its undo.

A batch stores no values of its own: its changes are the history rows that
name it, and each client's value before the batch is that client's previous
history row. Both are read in one query (a history row joined to the one
before it and to the client as it is now), whatever the number of clients.

**Undo** writes each client back to its previous row through the bulk
writer, as a new batch of kind ``undo`` (which can be undone in turn). A
client the batch created has no previous row: the undo deactivates it
(clients are never deleted). It is all or none: if any client changed after
the batch (its version is no longer the one the batch wrote), nothing is
undone and those clients are named.
"""

import logging
from dataclasses import dataclass, field

from django.db import DataError, IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .bulk import BulkWriter, quote
from .formats import grouped
from .history import Change, changes_between
from .models import CLIENT_FIELDS, Batch, Client, ClientChangedError

logger = logging.getLogger(__name__)

#: What undoing is refused for: how many clients a message names at most.
NAMED_AT_MOST = 20


@dataclass
class BatchChange:
    """One client of a batch: its values before (``None`` when the batch created
    it) and as the batch wrote them, and its version now."""

    history_id: int
    client_id: int
    code: int
    version: int
    current_version: int
    old: dict | None
    new: dict
    changes: list[Change] = field(default_factory=list)

    @property
    def created(self):
        return self.old is None

    @property
    def changed_since(self):
        return self.current_version != self.version


def _history_table():
    return quote(Client.history.model._meta.db_table)


def batch_changes(batch, *, offset=0, limit=None):
    """The batch's clients in code order (``limit`` of them from ``offset``), with
    the fields each change touched. One query."""
    fields = [Client._meta.get_field(name).column for name in CLIENT_FIELDS]
    new_columns = ", ".join(f"n.{quote(column)}" for column in fields)
    old_columns = ", ".join(f"p.{quote(column)}" for column in fields)
    history = _history_table()
    page = ""
    params = [batch.pk]
    if limit is not None:
        page = " LIMIT %s OFFSET %s"
        params += [limit, offset]
    if connection.vendor == "postgresql":
        # Each row's previous one by an index descent, whatever the planner's
        # statistics say (with stale ones the join below read the whole history).
        previous = (
            f"LEFT JOIN LATERAL (SELECT * FROM {history} q WHERE q.id = n.id "
            f"AND q.history_id < n.history_id ORDER BY q.history_id DESC LIMIT 1) p ON TRUE"
        )
    else:
        previous = (
            f"LEFT JOIN {history} p ON p.history_id = ("
            f"SELECT MAX(q.history_id) FROM {history} q "
            f"WHERE q.id = n.id AND q.history_id < n.history_id)"
        )
    sql = (
        f"SELECT n.history_id, n.id, n.version, c.version, p.history_id, "
        f"{new_columns}, {old_columns} "
        f"FROM {history} n JOIN {quote(Client._meta.db_table)} c ON c.id = n.id "
        f"{previous} WHERE n.batch_id = %s ORDER BY n.code, n.history_id{page}"
    )
    count = len(CLIENT_FIELDS)
    found = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            history_id, client_id, version, current_version, previous_id = row[:5]
            new = dict(zip(CLIENT_FIELDS, row[5 : 5 + count], strict=True))
            old = None
            if previous_id is not None:
                old = dict(zip(CLIENT_FIELDS, row[5 + count :], strict=True))
            item = BatchChange(
                history_id, client_id, new["code"], version, current_version, old, new
            )
            item.changes = changes_between(old, new)
            found.append(item)
    return found


class UndoRefused(Exception):
    """Nothing was undone; ``str()`` says why, in the user's language."""


def named(codes):
    """``codes`` as a message names them: the first few, and how many more."""
    shown = ", ".join(str(code) for code in codes[:NAMED_AT_MOST])
    if len(codes) > NAMED_AT_MOST:
        more = len(codes) - NAMED_AT_MOST
        and_more = ngettext("and %(count)s more", "and %(count)s more", more)
        shown += " " + and_more % {"count": grouped(more)}
    return shown


def undo(batch, user):
    """Restore every client of ``batch`` to its values before it, all or none, as a
    new batch of kind ``undo`` (returned, with ``deactivated``: how many of its
    clients ``batch`` had created, which are deactivated). Raises ``UndoRefused``."""
    with transaction.atomic():
        # Lock the batch so that two undos of it take turns.
        batch = Batch.objects.select_for_update().get(pk=batch.pk)
        previous_undo = Batch.objects.filter(undoes=batch).first()
        if previous_undo is not None:
            raise UndoRefused(
                _("This batch was already undone by batch %(batch)s.") % {"batch": previous_undo.pk}
            )
        changes = batch_changes(batch)
        if not changes:
            raise UndoRefused(_("This batch changed no client: there is nothing to undo."))
        moved = [change.code for change in changes if change.changed_since]
        if moved:
            raise UndoRefused(
                ngettext(
                    "Nothing was undone: client %(codes)s changed after this batch.",
                    "Nothing was undone: clients %(codes)s changed after this batch.",
                    len(moved),
                )
                % {"codes": named(moved)}
            )
        try:
            with transaction.atomic(), BulkWriter(user, Batch.Kind.UNDO, undoes=batch) as writer:
                for change in changes:
                    if change.created:
                        values = {**change.new, "status": Client.Status.INACTIVE}
                    else:
                        values = change.old
                    writer.add(values, {"id": change.client_id, "version": change.version})
                writer.apply()
        except ClientChangedError:
            raise UndoRefused(
                _("Nothing was undone: another user changed some of these clients meanwhile.")
            ) from None
        except (IntegrityError, DataError) as error:
            # The values before the batch break a rule of the database today. Its
            # own words (English, naming tables) go to the log, not to the user.
            logger.warning("Undo of batch %s refused by the database: %s", batch.pk, error)
            raise UndoRefused(
                _(
                    "The database refused the undo: some of the values from before this "
                    "batch break one of its rules today. Nothing was changed."
                )
            ) from None
    writer.batch.deactivated = sum(1 for change in changes if change.created)
    return writer.batch
