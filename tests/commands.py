"""Running the operator commands as an operator would, and the files they read."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from clients.models import Client

HEADER = (
    "code,name,sla_optimal_seconds,sla_low_seconds,max_history_conversations,"
    "inactivity_alert_attempts,max_inactivity_seconds,status"
)
EXAMPLE = Path(settings.BASE_DIR) / "examples" / "clients.csv"
#: An Excel file's header: the contract's Spanish labels.
XLSX_HEADER = [
    "Código",
    "Nombre",
    "SLA óptimo (segundos)",
    "SLA bajo (segundos)",
    "Máximo de conversaciones históricas",
    "Número de intentos",
    "Tiempo máximo de inactividad (segundos)",
    "Estado",
]


def run(command, *args):
    """``(exit status, stdout, stderr)`` of a command, as ``manage.py`` would end."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), str(error)
    return 0, out.getvalue(), err.getvalue()


def csv_file(tmp_path, *rows, header=HEADER, name="clients.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def json_file(tmp_path, data, name="clients.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def xlsx_file(tmp_path, *rows, header=XLSX_HEADER, name="clients.xlsx"):
    """A workbook as a spreadsheet program saves it: one sheet, header in row 1."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for values in [header, *rows]:
        sheet.append(values)
    path = tmp_path / name
    workbook.save(path)
    return path


def xlsx_rows(path):
    """The values of a workbook's first sheet, row by row."""
    workbook = openpyxl.load_workbook(path)
    return [list(values) for values in workbook.worksheets[0].iter_rows(values_only=True)]


def row(code, name="Telefónica", optimal=20, low=60, status="active"):
    return f"{code},{name},{optimal},{low},10,3,300,{status}"


def stored():
    return list(Client.objects.values_list("code", "name", "status"))


def manage_process(database_url):
    """``manage.py`` in a process of its own, on ``database_url``: call it to run a
    command to its end, or ``.start()`` it (a ``Popen``) to signal it meanwhile."""
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [sys.executable, "manage.py"]
    options = {"cwd": settings.BASE_DIR, "env": env, "text": True}

    def manage(*args):
        return subprocess.run(
            [*command, *map(str, args)], capture_output=True, check=False, **options
        )

    manage.start = lambda *args, **popen: subprocess.Popen([*command, *args], **options, **popen)
    manage.database_url = database_url
    return manage
