"""The database trigger that refuses to change a client's code.

Migrations call these functions. SQLite drops a table's triggers whenever a
migration rebuilds the table (adding a column with a default does), so such a
migration must call ``create_code_trigger`` again at its end; the tests that
UPDATE a code with raw SQL catch a migration that forgets.
"""

MESSAGE = "the code of a client cannot be changed"

CREATE = {
    "postgresql": [
        f"""
        CREATE OR REPLACE FUNCTION clients_client_code_immutable() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.code <> OLD.code THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$;
        """,
        "DROP TRIGGER IF EXISTS clients_client_code_immutable ON clients_client;",
        """
        CREATE TRIGGER clients_client_code_immutable
        BEFORE UPDATE OF code ON clients_client
        FOR EACH ROW EXECUTE FUNCTION clients_client_code_immutable();
        """,
    ],
    "sqlite": [
        f"""
        CREATE TRIGGER IF NOT EXISTS clients_client_code_immutable
        BEFORE UPDATE OF code ON clients_client
        FOR EACH ROW WHEN NEW.code <> OLD.code
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
        """,
    ],
}
DROP = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS clients_client_code_immutable ON clients_client;",
        "DROP FUNCTION IF EXISTS clients_client_code_immutable();",
    ],
    "sqlite": ["DROP TRIGGER IF EXISTS clients_client_code_immutable;"],
}


def _run(statements, schema_editor):
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def create_code_trigger(apps, schema_editor):
    _run(CREATE, schema_editor)


def drop_code_trigger(apps, schema_editor):
    _run(DROP, schema_editor)


# --- The change counter -------------------------------------------------------
#
# One row that every write of a client (and of its history) bumps in the same
# transaction, whatever the road: save(), the bulk writer, raw SQL. The API's
# list answers revalidations from it (``clients.changes``). On PostgreSQL the
# bump takes the row's lock *before* the statement touches a row, and keeps it
# until commit: writers of clients take turns, which is what orders the change
# feed by commit (see ``clients.changes``). On SQLite writers take turns anyway.
# SQLite drops these triggers when a migration rebuilds clients_client, so
# such a migration must call ``create_change_counter`` again at its end, as it
# does ``create_code_trigger``.

COUNTER_TABLE = "clients_changecounter"
_EPOCH_NOW = {
    "postgresql": "extract(epoch FROM clock_timestamp())",
    "sqlite": "(julianday('now') - 2440587.5) * 86400.0",
}

COUNTER_CREATE = {
    "postgresql": [
        f"""
        CREATE TABLE IF NOT EXISTS {COUNTER_TABLE} (
            id smallint PRIMARY KEY CHECK (id = 1),
            changes bigint NOT NULL,
            changed_at double precision NOT NULL
        );
        """,
        f"""
        CREATE OR REPLACE FUNCTION clients_count_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            -- An upsert, so that a missing row cannot let a writer through unlocked.
            INSERT INTO {COUNTER_TABLE} AS counter (id, changes, changed_at)
            VALUES (1, 1, {_EPOCH_NOW["postgresql"]})
            ON CONFLICT (id) DO UPDATE SET
                changes = counter.changes + 1,
                changed_at = GREATEST(counter.changed_at, EXCLUDED.changed_at);
            RETURN NULL;
        END $$;
        """,
        "DROP TRIGGER IF EXISTS clients_client_count_change ON clients_client;",
        """
        CREATE TRIGGER clients_client_count_change
        BEFORE INSERT OR UPDATE ON clients_client
        FOR EACH STATEMENT EXECUTE FUNCTION clients_count_change();
        """,
        "DROP TRIGGER IF EXISTS clients_historicalclient_count_change ON clients_historicalclient;",
        """
        CREATE TRIGGER clients_historicalclient_count_change
        BEFORE INSERT ON clients_historicalclient
        FOR EACH STATEMENT EXECUTE FUNCTION clients_count_change();
        """,
    ],
    "sqlite": [
        f"""
        CREATE TABLE IF NOT EXISTS {COUNTER_TABLE} (
            id integer PRIMARY KEY CHECK (id = 1),
            changes integer NOT NULL,
            changed_at real NOT NULL
        );
        """,
        *(
            f"""
            CREATE TRIGGER IF NOT EXISTS clients_client_count_{event.lower()}
            AFTER {event} ON clients_client FOR EACH ROW
            BEGIN
                UPDATE {COUNTER_TABLE} SET
                    changes = changes + 1,
                    changed_at = max(changed_at, {_EPOCH_NOW["sqlite"]})
                WHERE id = 1;
            END;
            """
            for event in ("INSERT", "UPDATE")
        ),
    ],
}
COUNTER_ROW = {
    "postgresql": (
        f"INSERT INTO {COUNTER_TABLE} (id, changes, changed_at) "
        f"VALUES (1, 0, {_EPOCH_NOW['postgresql']}) ON CONFLICT (id) DO NOTHING"
    ),
    "sqlite": (
        f"INSERT OR IGNORE INTO {COUNTER_TABLE} (id, changes, changed_at) "
        f"VALUES (1, 0, {_EPOCH_NOW['sqlite']})"
    ),
}
COUNTER_DROP = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS clients_client_count_change ON clients_client;",
        "DROP TRIGGER IF EXISTS clients_historicalclient_count_change ON clients_historicalclient;",
        "DROP FUNCTION IF EXISTS clients_count_change();",
        f"DROP TABLE IF EXISTS {COUNTER_TABLE};",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS clients_client_count_insert;",
        "DROP TRIGGER IF EXISTS clients_client_count_update;",
        f"DROP TABLE IF EXISTS {COUNTER_TABLE};",
    ],
}


def create_change_counter(apps, schema_editor):
    """The counter table with its row, and the triggers that bump it (idempotent)."""
    _run(COUNTER_CREATE, schema_editor)
    vendor = schema_editor.connection.vendor
    if vendor in COUNTER_ROW:
        schema_editor.execute(COUNTER_ROW[vendor])


def drop_change_counter(apps, schema_editor):
    _run(COUNTER_DROP, schema_editor)


# --- The webhook worker's wake-up call ---------------------------------------
#
# After each statement that inserts history rows, a NOTIFY on this channel;
# PostgreSQL delivers it when (and only if) the transaction commits, so the
# worker (``clients.webhooks``), which LISTENs, wakes as soon as a change can
# be read. SQLite has no such thing: the worker polls there.

NOTIFY_CHANNEL = "clients_changes"

NOTIFY_CREATE = {
    "postgresql": [
        f"""
        CREATE OR REPLACE FUNCTION clients_notify_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{NOTIFY_CHANNEL}', '');
            RETURN NULL;
        END $$;
        """,
        "DROP TRIGGER IF EXISTS clients_historicalclient_notify ON clients_historicalclient;",
        """
        CREATE TRIGGER clients_historicalclient_notify
        AFTER INSERT ON clients_historicalclient
        FOR EACH STATEMENT EXECUTE FUNCTION clients_notify_change();
        """,
    ],
}
NOTIFY_DROP = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS clients_historicalclient_notify ON clients_historicalclient;",
        "DROP FUNCTION IF EXISTS clients_notify_change();",
    ],
}


def create_change_notify(apps, schema_editor):
    _run(NOTIFY_CREATE, schema_editor)


def drop_change_notify(apps, schema_editor):
    _run(NOTIFY_DROP, schema_editor)
