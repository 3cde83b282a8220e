#!/usr/bin/env python
"""Time the import page (Importar): upload + preview, then Confirmar, and print the figures.

    .venv/bin/python bench/web_import.py [--rows 100000] [--progress]

Goes through the whole stack in-process (Django's test client: middleware,
the multipart upload, the view, the templates), as a browser's request would.
Three files of ``--rows`` rows: all new clients into an empty table; the same
file again with "actualizar existentes" (every row unchanged); and every name
changed (every row an update, the preview listing the first 1,000 changes).

With ``--progress`` each request carries a token, as the page's script sends
it, so the check and Confirmar record their progress (``clients/progress.py``):
run it with and without to see what the reporting costs.

Works on a throw-away copy of the database DATABASE_URL names (Django's test
database, created and dropped here), so no real data is touched.
"""

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from import_export import write_source  # bench/ is not a package: the sibling script, by path

IMPORT_URL = "/administracion/clientes/importar/"


#: When the last request's "save" phase began (``--progress``): how long the
#: database writes after the bar is full.
SAVE_STARTED = []


def watch_phases():
    from clients import progress

    record = progress.Tracker.__call__

    def watching(tracker, phase, done=1, total=1):
        if phase == progress.SAVE:
            SAVE_STARTED.append(time.perf_counter())
        record(tracker, phase, done, total)

    progress.Tracker.__call__ = watching


def timed(label, request):
    wall, cpu = time.perf_counter(), time.process_time()
    response = request()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<44} {wall:6.2f} s   (Python CPU {cpu:5.2f} s)", flush=True)
    return response


def preview_and_confirm(browser, path, update, label, with_progress=False):
    from clients.models import PendingImport

    def token():
        return {"progress": uuid.uuid4().hex} if with_progress else {}

    def upload():
        with open(path, "rb") as file:
            data = {"file": file, **({"update": "on"} if update else {}), **token()}
            return browser.post(IMPORT_URL, data)

    response = timed(f"{label}: upload + preview", upload)
    assert response.status_code == 302, response.content.decode()[:2000]
    pending = PendingImport.objects.latest("pk")
    page = timed(f"{label}: preview page (GET)", lambda: browser.get(response["Location"]))
    assert page.status_code == 200
    print(f"{'':<4}report: " + ", ".join(f"{n} {pending.report[n]:,}" for n in
          ("created", "updated", "unchanged", "rejected")))  # fmt: skip
    if pending.report["created"] or pending.report["updated"]:
        SAVE_STARTED.clear()
        confirmed = timed(
            f"{label}: Confirmar",
            lambda: browser.post(f"{IMPORT_URL}{pending.pk}/confirmar/", token()),
        )
        if SAVE_STARTED:
            writing = time.perf_counter() - SAVE_STARTED[0]
            print(f"{'':<4}of which writing, after the bar is full: {writing:.2f} s")
        assert confirmed.status_code == 302, confirmed.content.decode()[:2000]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--progress", action="store_true", help="record the progress, as pages do")
    arguments = parser.parse_args()
    rows, with_progress = arguments.rows, arguments.progress

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client as Browser
    from django.test.utils import setup_test_environment

    from clients.models import Client

    setup_test_environment()
    if with_progress:
        watch_phases()
    database = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        user = get_user_model().objects.create_superuser("bench", password=None)
        browser = Browser()
        browser.force_login(user)
        with tempfile.TemporaryDirectory() as folder:
            source, renamed = Path(folder) / "clients.csv", Path(folder) / "renamed.csv"
            write_source(source, rows)
            write_source(renamed, rows, renamed=True)
            size = source.stat().st_size / 2**20
            print(
                f"{rows:,}-row file ({size:.1f} MiB) on {connection.vendor}, "
                f"load average {os.getloadavg()[0]:.1f}, "
                f"progress {'recorded' if with_progress else 'not recorded'}"
            )
            preview_and_confirm(browser, source, False, "all new", with_progress)
            assert Client.objects.count() == rows
            preview_and_confirm(browser, source, True, "update, nothing changed", with_progress)
            preview_and_confirm(browser, renamed, True, "update, every name changed", with_progress)
            assert Client.objects.filter(name__endswith="renombrada").count() == rows
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)


if __name__ == "__main__":
    main()
