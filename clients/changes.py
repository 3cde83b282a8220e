"""What changed among the clients, read in constant time: the table's change
counter and the change feed.

**The counter.** ``clients_changecounter`` holds one row: how many write
statements have touched the clients (and their history) and when the last one
ran. Database triggers bump it in the writer's own transaction (migration
0007, ``migrations/_triggers.py``), so every road counts: ``save()`` (pages,
Django admin, ``set_client_status``), the bulk writer (``import_clients``,
``seed_clients``) and raw SQL. A reader sees the bump exactly when it sees the
change: an import that commits late moves the counter when it commits, not
before. Reading it is one primary-key lookup, whatever the table's size.

The row is a hot spot on purpose. On PostgreSQL the bump runs *before* each
statement touches a row (a ``BEFORE … FOR EACH STATEMENT`` trigger) and its
row lock lasts until commit, so transactions that write clients take turns:
a second writer waits at its first client statement until the first commits.
For this admin (people editing a client now and then, an occasional import
whose writes take seconds) that wait is short and acceptable; an edit made
during a large import waits for the import to commit, as it would anyway for
a client the import changes. The lock is only taken when the import writes
(``BulkWriter.apply()``, after reading and checking the whole file), not
while it stages rows. Under gunicorn an edit gives up after
``DB_STATEMENT_TIMEOUT`` (10 s) with a 503 and can be retried: an import whose
writes take longer than that should run when nobody is editing. If that ever
matters, the counter can be split into rows per connection (the ETag reads
their sum) and the feed ordered by transaction snapshot (``xid8``) instead.
Taking the lock before any client row also means it cannot deadlock with the
clients' own row locks. Readers never wait.

**The feed** is the history table (``HistoricalClient``, one row per change
by either road) read in ``history_id`` order. A row id is drawn when the row
is inserted, not when it commits, so in general a long transaction could
commit a lower id after a reader passed it. Here it cannot:

    Invariant: every INSERT into the history table takes the counter's row
    lock before it draws any ``history_id`` (the statement trigger fires
    before the first row is formed) and keeps it until its transaction ends.
    So while a transaction holds ids that are not yet committed, no other
    transaction can draw or commit ids; when it commits, every id it drew is
    higher than every id committed before, and lower than every id drawn
    after. Committed history ids therefore grow in commit order, and a reader
    that has seen id *n* will never see a new row at or below *n*.

SQLite has a single writer, which holds its lock from its first write until
commit, so the same holds there with no trigger on the history table. (The
invariant needs the id sequence to hand out one id at a time, PostgreSQL's
default ``CACHE 1``.) The feed's cursor is therefore the last ``history_id``
delivered, signed so that a damaged or invented one is refused rather than
read from a wrong place.
"""

import datetime

from django.core import signing
from django.db import connection
from django.db.models import Max

from .models import Client
from .writing import CHANGED, CREATED

COUNTER_TABLE = "clients_changecounter"
ACTIONS = {CREATED: "created", CHANGED: "updated"}

_CURSOR_SALT = "clients.changes.cursor"


def table_state():
    """``(changes, changed_at)`` of the clients table: a number that grows with
    every committed write, and the time of the last one (``None`` if never)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT changes, changed_at FROM {COUNTER_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        return 0, None
    changes, changed_at = row
    return changes, datetime.datetime.fromtimestamp(changed_at, tz=datetime.UTC)


class BadCursor(ValueError):
    """A cursor this database never handed out, or one that was altered."""


_SIGNER = signing.Signer(salt=_CURSOR_SALT)


def encode_cursor(position):
    """The cursor of a position: the same every time (no timestamp), signed."""
    return _SIGNER.sign_object(position)


def decode_cursor(cursor):
    try:
        position = _SIGNER.unsign_object(cursor)
    except (signing.BadSignature, ValueError) as error:
        raise BadCursor from error
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        raise BadCursor
    return position


def changes_after(position, limit):
    """The next ``limit`` history rows after ``position`` (a ``history_id``, 0
    for the start), in commit order, with their authors."""
    return list(
        Client.history.model.objects.select_related("history_user")
        .filter(history_id__gt=position)
        .order_by("history_id")[:limit]
    )


def is_known(position):
    """False for a position beyond every change recorded: not a cursor this
    database handed out (another database's, or one restored from a backup
    taken before the changes it points at).

    Compared with the newest id, which PostgreSQL reads off the end of the
    primary key whatever its statistics say. Asking for "any row at or past the
    position" instead let the planner, on a history it had not analyzed yet
    (right after a large import), scan the whole table for that one row: 18 ms
    a tail poll at 100,000 changes, growing with the table."""
    if position == 0:
        return True
    newest = Client.history.model.objects.aggregate(newest=Max("history_id"))["newest"]
    return newest is not None and position <= newest
