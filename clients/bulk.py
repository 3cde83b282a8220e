"""Read and write many clients in a few set-based statements.

``bulk_create()`` and ``bulk_update()`` were too slow for an import: they
prepare each value of each row through the ORM's expression machinery,
and ``bulk_update()`` sends a CASE with a WHEN per row for each field. Here
rows go into a temporary table, a chunk at a time (PostgreSQL's COPY, or
``executemany()`` elsewhere), and a few statements join it to the clients:
to insert them, update them (SQLite 3.33 or later) and copy the stored rows
into their history.
What each stored column holds comes from ``writing``, as for ``save()``.
"""

import csv
import io
from contextlib import contextmanager

from django.db import connection, models
from django.utils import timezone

from . import writing
from .models import CLIENT_FIELDS, Batch, Client, ClientChangedError

#: Rows staged at a time: memory holds one chunk, whatever the number of clients.
CHUNK_SIZE = 5_000
#: From this many new rows on, and when they at least double the table,
#: PostgreSQL builds the indexes once at the end instead of row by row.
REBUILD_INDEXES_FROM = 100_000
#: After writing this many rows the planner's statistics are refreshed.
ANALYZE_FROM = 10_000


def stored_clients(codes, field_names):
    """``{code: {name: value}}`` of the clients with these codes: their
    ``field_names``, ``id`` and ``version``. For a chunk of codes: one query,
    whose rows skip the ORM's per-row conversions (these columns need none:
    a third of a dry run's time went there)."""
    if not codes:
        return {}
    names = ["id", "version", *field_names]
    sql, params = Client.objects.filter(code__in=codes).values_list(*names).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    return {client["code"]: client for client in found}


def _stored_columns(created):
    """The attnames a created or a changed client writes, as ``writing`` says."""
    sample = writing.stored_values(
        dict.fromkeys(CLIENT_FIELDS, ""), created=created, now=None, user_id=None, version=0
    )
    return list(sample)


class BulkWriter:
    """Creates and updates many clients at once, recording their history.

    ``add()`` stages each client (in chunks, so memory stays flat);
    ``apply()`` writes them all with a fixed number of statements. Both
    inside the caller's transaction: nothing is written unless it commits. A
    changed client carries the ``id`` and ``version`` it was read at; if
    another change has moved it on since, ``apply()`` raises
    ``ClientChangedError`` as ``save()`` would. One moment and one author
    stamp the whole batch.

    With a ``kind`` (a ``Batch.Kind``), ``apply()`` also records a ``Batch``
    in the same transaction, and every history row it writes belongs to it:
    ``writer.batch`` (``None`` without a kind). ``batch_fields`` are more
    of the batch's fields (``description``, ``undoes``, ``token``).
    """

    #: The staged table: every stored column, and the version a change was based on.
    COLUMNS = ["id", *_stored_columns(created=True), "read_version"]

    def __init__(self, user=None, kind=None, **batch_fields):
        self.now = timezone.now()
        self.user_id = user.pk if user else None
        self.created = self.changed = 0
        self._pending = []
        self.kind, self.batch_fields = kind, batch_fields
        self.batch = None

    def __enter__(self):
        self.cursor = connection.cursor().__enter__()
        self.table = quote(f"{Client._meta.db_table}_staged")
        columns = ", ".join(
            f"{column(EXTRA_COLUMNS[name])} AS {column(name)}"
            if name in EXTRA_COLUMNS
            else column(name)
            for name in self.COLUMNS
        )
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {self.table} AS "
            f"SELECT {columns} FROM {clients_table()} WHERE 1 = 0"
        )
        return self

    def __exit__(self, *exc_info):
        # After an error the table goes with the transaction's rollback.
        if exc_info[0] is None:
            self.cursor.execute(f"DROP TABLE {self.table}")
        self.cursor.__exit__(*exc_info)

    def add(self, values, current=None):
        """Stage a client: ``values`` of ``CLIENT_FIELDS``, and the ``current`` stored
        one (with its ``id`` and ``version``) when this changes it."""
        created = current is None
        row = writing.stored_values(
            values,
            created=created,
            now=self.now,
            user_id=self.user_id,
            version=None if created else current["version"],
        )
        if created:
            self.created += 1
        else:
            self.changed += 1
            row.update(id=current["id"], read_version=current["version"])
        self._pending.append([row.get(name) for name in self.COLUMNS])
        if len(self._pending) >= CHUNK_SIZE:
            self._flush()

    def _flush(self):
        load(self.cursor, self.table, self.COLUMNS, self._pending)
        self._pending = []

    def apply(self):
        """Write every staged client, and its history row."""
        self._flush()
        if self.kind is not None:
            self.batch = Batch.objects.create(
                kind=self.kind,
                created_at=self.now,
                created_by_id=self.user_id,
                client_count=self.created + self.changed,
                **self.batch_fields,
            )
        if not self.created and not self.changed:
            return
        with rebuilt_indexes(self.created):
            self._insert_created()
            self._update_changed()
            self._record_history()
        if self.created + self.changed >= ANALYZE_FROM:
            analyze()

    def _insert_created(self):
        listed = ", ".join(column(name) for name in _stored_columns(created=True))
        self.cursor.execute(
            f"INSERT INTO {clients_table()} ({listed}) "
            f"SELECT {listed} FROM {self.table} WHERE id IS NULL"
        )

    def _update_changed(self):
        table = clients_table()
        assignments = ", ".join(
            f"{column(name)} = t.{column(name)}"
            for name in _stored_columns(created=False)
            if name != "code"
        )
        self.cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {self.table} t "
            f"WHERE {table}.id = t.id AND {table}.version = t.read_version"
        )
        if self.cursor.rowcount != self.changed:
            raise ClientChangedError

    def _record_history(self):
        """Copy each staged client, as now stored, into its history, as
        django-simple-history does after a ``save()``."""
        historical = Client.history.model
        fields = [field for field in historical._meta.concrete_fields if not field.primary_key]
        columns = ", ".join(quote(field.column) for field in fields)
        for created in (True, False):
            about_the_change = writing.history_values(
                created=created,
                now=self.now,
                user_id=self.user_id,
                batch_id=self.batch and self.batch.pk,
            )
            values = ", ".join(
                f"%({field.attname})s"
                if field.attname in about_the_change
                else f"c.{quote(field.column)}"
                for field in fields
            )
            self.cursor.execute(
                f"INSERT INTO {history_table()} ({columns}) "
                f"SELECT {values} FROM {clients_table()} c JOIN {self.table} t "
                f"ON c.code = t.code WHERE t.id IS {'' if created else 'NOT '}NULL",
                about_the_change,
            )


#: Staged columns that are not the clients', with the field that gives their type.
EXTRA_COLUMNS = {"read_version": "version"}


def staged_column(name):
    """``(column, field)`` of a staged column: a client field's, or one of ``EXTRA_COLUMNS``."""
    if name in EXTRA_COLUMNS:
        return name, Client._meta.get_field(EXTRA_COLUMNS[name])
    field = Client._meta.get_field(name)
    return field.column, field


@contextmanager
def rebuilt_indexes(new_rows):
    """Around a write of ``new_rows`` clients: on PostgreSQL, when they are many and
    at least as many as the table holds, drop the indexes that are not unique and
    build them again at the end, which is much faster than updating a dozen indexes
    row by row. Readers wait meanwhile; a failure rolls the drop back too."""
    if connection.vendor != "postgresql" or new_rows < max(REBUILD_INDEXES_FROM, table_size()):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = %s AND indexdef NOT LIKE 'CREATE UNIQUE INDEX%%'",
            [Client._meta.db_table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
        yield
        # Deferred foreign-key checks must run before an index can be built.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)


def table_size():
    """PostgreSQL's estimate of the clients table's rows (0 before its first ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass",
            [Client._meta.db_table],
        )
        return cursor.fetchone()[0]


def analyze():
    """Refresh the planner's statistics of the clients and their history after a
    large write: right after a million new rows a name search took 96 ms instead
    of 22 ms, and the history (the change feed) had as many new rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {clients_table()}, {history_table()}")


def quote(name):
    return connection.ops.quote_name(name)


def column(name):
    return quote(staged_column(name)[0])


def clients_table():
    return quote(Client._meta.db_table)


def history_table():
    return quote(Client.history.model._meta.db_table)


def load(cursor, table, names, rows):
    """Insert ``rows`` (lists of Python values) into ``table``'s columns ``names``
    (see ``staged_column()``)."""
    columns, fields = zip(*(staged_column(name) for name in names), strict=True)
    listed = ", ".join(quote(name) for name in columns)
    if connection.vendor == "postgresql":
        # COPY in CSV: text quoted, numbers bare; datetimes and ids are read
        # from their str() with the column's type.
        data = io.StringIO()
        csv.writer(data, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(rows)
        data.seek(0)
        # The csv module quotes the empty string it writes for None; FORCE_NULL
        # reads that back as NULL where it cannot mean "": in columns that are
        # not text, and in those that may hold a NULL.
        nullable = ", ".join(
            quote(name)
            for name, field in zip(columns, fields, strict=True)
            if field.null or field.primary_key or not isinstance(field, models.CharField)
        )
        options = f"FORMAT csv, FORCE_NULL ({nullable})" if nullable else "FORMAT csv"
        with connection.wrap_database_errors:  # Django's IntegrityError, as from the ORM.
            cursor.copy_expert(f"COPY {table} ({listed}) FROM STDIN WITH ({options})", data)
        return
    prepared = (
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, row, strict=True)
        ]
        for row in rows
    )
    placeholders = ", ".join(["%s"] * len(fields))
    cursor.executemany(f"INSERT INTO {table} ({listed}) VALUES ({placeholders})", prepared)
