"""The database refuses to change a client's code, whatever path the UPDATE takes."""

from django.db import migrations

from clients.migrations._triggers import create_code_trigger, drop_code_trigger


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [migrations.RunPython(create_code_trigger, drop_code_trigger)]
