#!/usr/bin/env python
"""Time import_clients and export_clients on many clients, and print the figures.

    .venv/bin/python bench/import_export.py [--rows 100000] [--existing 0]

With ``--existing N`` the database first holds N clients (``seed_clients``),
and the file's codes come after theirs.

Works on a throw-away copy of the database DATABASE_URL names (Django's test
database, created and dropped here), so no real data is touched.
"""

import argparse
import contextlib
import csv
import io
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def write_source(path, rows, renamed=False, first_code=1):
    """A valid clients CSV; ``renamed`` changes every name, so --update has work."""
    from clients.transfer import FIELDS

    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(FIELDS)
        for code in range(first_code, first_code + rows):
            name = f"Compañía {code}{' renombrada' if renamed else ''}"
            optimal = 5 + code % 100
            status = "inactive" if code % 10 == 0 else "active"
            writer.writerow([code, name, optimal, optimal * 3, code % 101, code % 11, 300, status])


def timed(label, *command):
    """Run a command and print its time; CPU is this process's (the database's is apart)."""
    from django.core.management import call_command

    quiet = io.StringIO()
    wall, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stderr(quiet):  # The progress bar.
        call_command(*command, stdout=quiet)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<38} {wall:6.2f} s   (Python CPU {cpu:5.2f} s)", flush=True)


def export_peak_memory(path):
    from django.core.management import call_command

    tracemalloc.start()
    call_command("export_clients", "--output", path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--existing", type=int, default=0, help="clients already stored")
    arguments = parser.parse_args()
    rows, existing = arguments.rows, arguments.existing

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from clients.models import Client

    database = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with tempfile.TemporaryDirectory() as folder:
            folder = Path(folder)
            source, renamed = folder / "clients.csv", folder / "renamed.csv"
            write_source(source, rows, first_code=existing + 1)
            write_source(renamed, rows, renamed=True, first_code=existing + 1)
            if existing:
                quiet = io.StringIO()
                call_command("seed_clients", existing, stdout=quiet, stderr=quiet)
            print(
                f"{rows:,} clients on {connection.vendor} holding {existing:,}, "
                f"load average {os.getloadavg()[0]:.1f}"
            )
            timed("import (create)", "import_clients", source)
            assert Client.objects.count() == existing + rows
            timed(
                "import --update --dry-run (unchanged)",
                "import_clients",
                source,
                "--update",
                "--dry-run",
            )
            timed("import --update (all renamed)", "import_clients", renamed, "--update")
            timed("export CSV", "export_clients", "--output", folder / "out.csv")
            timed("export JSON", "export_clients", "--output", folder / "out.json")
            peak = export_peak_memory(folder / "again.csv")
            print(f"{'export CSV, peak Python memory':<38} {peak / 2**20:6.2f} MiB")
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)


if __name__ == "__main__":
    main()
