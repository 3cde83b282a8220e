"""The database refuses to change a client's code, whatever path the UPDATE takes.

Tests on both databases assert the trigger is there: SQLite drops triggers when
a migration rebuilds the table, so a later migration must recreate it.
"""

from django.db import migrations

MESSAGE = "the code of a client cannot be changed"

FORWARD = {
    "postgresql": [
        f"""
        CREATE FUNCTION clients_client_code_immutable() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.code <> OLD.code THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$;
        """,
        """
        CREATE TRIGGER clients_client_code_immutable
        BEFORE UPDATE OF code ON clients_client
        FOR EACH ROW EXECUTE FUNCTION clients_client_code_immutable();
        """,
    ],
    "sqlite": [
        f"""
        CREATE TRIGGER clients_client_code_immutable
        BEFORE UPDATE OF code ON clients_client
        FOR EACH ROW WHEN NEW.code <> OLD.code
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
        """,
    ],
}
BACKWARD = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS clients_client_code_immutable ON clients_client;",
        "DROP FUNCTION IF EXISTS clients_client_code_immutable();",
    ],
    "sqlite": ["DROP TRIGGER IF EXISTS clients_client_code_immutable;"],
}


def run(statements):
    def apply(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
