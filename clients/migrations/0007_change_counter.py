"""A per-table change counter that every write bumps in its own transaction:
the API's list revalidates from it in constant time, and on PostgreSQL its
lock orders the change feed by commit (see ``clients.changes``)."""

from django.db import migrations

from clients.migrations._triggers import create_change_counter, drop_change_counter


class Migration(migrations.Migration):
    dependencies = [("clients", "0006_name_rules_and_search_key_room")]

    operations = [migrations.RunPython(create_change_counter, drop_change_counter)]
