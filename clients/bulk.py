"""Read and write many clients in a few set-based statements.

``bulk_create()`` and ``bulk_update()`` were too slow for an import: they
prepare each value of each row through the ORM's expression machinery,
``bulk_update()`` sends a CASE with a WHEN per row for each field, and a
lookup by 100,000 codes is a query with 100,000 parameters. Here rows go into
a temporary table (PostgreSQL's COPY, or ``executemany()`` elsewhere), and a
few statements join it to the clients: to find them, insert them, update
them (SQLite 3.33 or later) and copy the stored rows into their history.
"""

import csv
import io
from contextlib import contextmanager
from itertools import chain

from django.db import connection, models, transaction
from django.utils import timezone

from .models import Client, ClientChangedError

#: The columns besides the stored values that staged changes carry.
KEYS = ("id", "version")


def stored_clients(codes, field_names):
    """``{code: {name: value}}`` of the clients with these codes: their
    ``field_names``, ``id`` and ``version``."""
    names = [*KEYS, *field_names]
    columns = ", ".join(f"c.{column(name)}" for name in names)
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        staged(cursor, ["code"], ([code] for code in codes)) as codes_table,
    ):
        cursor.execute(
            f"SELECT {columns} FROM {clients_table()} c JOIN {codes_table} t ON c.code = t.code"
        )
        found = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    return {client["code"]: client for client in found}


def write(new, changed, field_names, user):
    """Insert the ``new`` clients, update the ``changed`` ones, record their history.

    Each client is a dict of its ``field_names``; changed ones also hold
    their ``id`` and the ``version`` they were read at. If another change
    has moved one of them on since, ``ClientChangedError`` is raised, as by
    ``save()``. Timestamps and authorship are those ``save()`` would set:
    one moment and one user for the whole import.
    """
    if not new and not changed:
        return
    names = [*KEYS, *field_names]
    rows = ([client.get(name) for name in names] for client in chain(changed, new))
    now, user_id = timezone.now(), user.pk if user else None
    columns = [column(name) for name in field_names]
    listed = ", ".join(columns)
    assignments = ", ".join(f"{c} = t.{c}" for c in columns if c != column("code"))
    table = clients_table()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        staged(cursor, names, rows) as staging,
    ):
        cursor.execute(
            f"INSERT INTO {table} ({listed}, created_at, updated_at, created_by_id, updated_by_id) "
            f"SELECT {listed}, %s, %s, %s, %s FROM {staging} WHERE id IS NULL",
            [now, now, user_id, user_id],
        )
        cursor.execute(
            f"UPDATE {table} SET {assignments}, updated_at = %s, updated_by_id = %s, "
            f"version = t.version + 1 FROM {staging} t "
            f"WHERE {table}.id = t.id AND {table}.version = t.version",
            [now, user_id],
        )
        if cursor.rowcount != len(changed):
            raise ClientChangedError
        record_history(cursor, staging, now, user_id)


def record_history(cursor, staged_table, now, user_id):
    """Copy each staged client, as now stored, into its history, as django-simple-history
    does after a ``save()``: "+" for a created client, "~" for a changed one."""
    historical = Client.history.model
    about_the_change = {
        "history_date": "%(now)s",
        "history_type": "CASE WHEN t.id IS NULL THEN '+' ELSE '~' END",
        "history_user_id": "%(user)s",
        "history_change_reason": "NULL",
    }
    fields = [field for field in historical._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(
        about_the_change.get(field.attname, f"c.{quote(field.column)}") for field in fields
    )
    cursor.execute(
        f"INSERT INTO {quote(historical._meta.db_table)} ({columns}) "
        f"SELECT {values} FROM {clients_table()} c JOIN {staged_table} t ON c.code = t.code",
        {"now": now, "user": user_id},
    )


@contextmanager
def staged(cursor, field_names, rows):
    """A temporary table of the clients' columns ``field_names``, holding ``rows``.

    Dropped when done; after an error, with the transaction it was made in.
    """
    fields = [Client._meta.get_field(name) for name in field_names]
    table = quote(f"{Client._meta.db_table}_staged")
    columns = ", ".join(quote(field.column) for field in fields)
    cursor.execute(
        f"CREATE TEMPORARY TABLE {table} AS SELECT {columns} FROM {clients_table()} WHERE 1 = 0"
    )
    load(cursor, table, fields, rows)
    yield table
    cursor.execute(f"DROP TABLE {table}")


def quote(name):
    return connection.ops.quote_name(name)


def column(field_name):
    return quote(Client._meta.get_field(field_name).column)


def clients_table():
    return quote(Client._meta.db_table)


def load(cursor, table, fields, rows):
    """Insert ``rows`` (lists of Python values, one per field) into ``table``."""
    columns = ", ".join(quote(field.column) for field in fields)
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
            quote(field.column)
            for field in fields
            if field.null or not isinstance(field, models.CharField)
        )
        options = f"FORMAT csv, FORCE_NULL ({nullable})" if nullable else "FORMAT csv"
        with connection.wrap_database_errors:  # Django's IntegrityError, as from the ORM.
            cursor.copy_expert(f"COPY {quote(table)} ({columns}) FROM STDIN WITH ({options})", data)
        return
    prepared = (
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, row, strict=True)
        ]
        for row in rows
    )
    placeholders = ", ".join(["%s"] * len(fields))
    cursor.executemany(f"INSERT INTO {quote(table)} ({columns}) VALUES ({placeholders})", prepared)
