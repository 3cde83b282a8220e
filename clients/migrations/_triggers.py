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
