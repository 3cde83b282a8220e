"""Sorting by name follows Spanish alphabetical order: a sort key beside the name.

The key (``clients.fields.spanish_sort_key``) is computed in Python for every
stored client, a batch of ids at a time so that memory stays flat at a million
rows; from then on ``clients.writing`` keeps it on every write. The list's
``(name, code)`` index gives way to ``(name_sort, code)``.
"""

from django.db import migrations, models

import clients.fields
from clients.migrations._triggers import create_change_counter, create_code_trigger

BATCH_SIZE = 5_000


def fill_sort_keys(apps, schema_editor):
    connection = schema_editor.connection
    last_id = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT id, name FROM clients_client WHERE id > %s ORDER BY id LIMIT %s",
                [last_id, BATCH_SIZE],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            keys = [(pk, clients.fields.spanish_sort_key(name)) for pk, name in rows]
            if connection.vendor == "postgresql":
                from psycopg2.extras import execute_values

                execute_values(
                    cursor.cursor,
                    "UPDATE clients_client AS c SET name_sort = v.name_sort "
                    "FROM (VALUES %s) AS v (id, name_sort) WHERE c.id = v.id",
                    keys,
                    page_size=BATCH_SIZE,
                )
            else:
                cursor.executemany(
                    "UPDATE clients_client SET name_sort = %s WHERE id = %s",
                    [(key, pk) for pk, key in keys],
                )
            last_id = rows[-1][0]


def create_triggers(apps, schema_editor):
    """SQLite rebuilds the table to add a column (or to remove it, going back),
    and its triggers go with it."""
    create_code_trigger(apps, schema_editor)
    create_change_counter(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0012_pending_import"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, create_triggers),
        migrations.AddField(
            model_name="client",
            name="name_sort",
            field=clients.fields.SortKeyField(default="", max_length=361, source="name"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="client",
            name="client_name_code_idx",
        ),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(fields=["name_sort", "code"], name="client_namesort_code_idx"),
        ),
        migrations.RunPython(create_triggers, migrations.RunPython.noop),
    ]
