#!/usr/bin/env python
"""Time import_clients and export_clients on many clients, and print the figures.

    .venv/bin/python bench/import_export.py [--rows 100000] [--existing 0]
    .venv/bin/python bench/import_export.py --memory 100000,691314
    .venv/bin/python bench/import_export.py --xlsx 100000,1000000

With ``--existing N`` the database first holds N clients (``seed_clients``),
and the file's codes come after theirs. ``--memory`` instead imports files of
those many rows, each in a ``manage.py import_clients`` process of its own,
and prints each process's peak resident memory: flat if the import streams.
``--xlsx`` seeds that many clients, then times an Excel export
(``export_clients --output F.xlsx``) and its reading back (``import_clients
F.xlsx --update --dry-run``), each in a process of its own with its peak
resident memory, and shows PostgreSQL's plans of the list sorted by name.

Works on a throw-away copy of the database DATABASE_URL names (Django's test
database, created and dropped here), so no real data is touched.
"""

import argparse
import contextlib
import csv
import io
import os
import subprocess
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


#: Runs manage.py, then reports its own peak resident memory (KiB on Linux) on stderr.
MEASURED_MANAGE = (
    "import resource, runpy, sys\n"
    "sys.argv = ['manage.py', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_path('manage.py', run_name='__main__')\n"
    "finally:\n"
    "    print('PEAK_RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
)


def import_peak_rss(path, settings_dict):
    """Peak resident memory, in MiB, of a process importing ``path`` into the
    (PostgreSQL) database of ``settings_dict``."""
    return manage_peak_rss(settings_dict, "import_clients", str(path), "--update")[0]


def manage_peak_rss(settings_dict, *arguments):
    """``(peak resident memory in MiB, seconds)`` of a ``manage.py`` process run
    on the (PostgreSQL) database of ``settings_dict``."""
    url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}"
        f"/{settings_dict['NAME']}"
    )
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", MEASURED_MANAGE, *arguments],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    kib = int(child.stderr.rsplit("PEAK_RSS", 1)[1])
    return kib / 1024, time.perf_counter() - started


def measure_xlsx(sizes):
    """Excel export and import of ``sizes`` clients: time and peak memory of each."""
    from django.core.management import call_command
    from django.db import connection

    from clients.models import Client

    if connection.vendor != "postgresql":
        sys.exit("--xlsx needs DATABASE_URL to name a PostgreSQL server.")
    with tempfile.TemporaryDirectory() as folder:
        for rows in sizes:
            missing = rows - Client.objects.count()
            if missing > 0:
                quiet = io.StringIO()
                call_command("seed_clients", missing, stdout=quiet, stderr=quiet)
            path = Path(folder) / f"clientes-{rows}.xlsx"
            peak, seconds = manage_peak_rss(
                connection.settings_dict, "export_clients", "--output", str(path)
            )
            size = path.stat().st_size / 2**20
            print(
                f"export xlsx of {rows:>9,} clients ({size:5.1f} MiB): {seconds:6.1f} s, "
                f"{rows / seconds:6,.0f} rows/s, peak RSS {peak:6.1f} MiB",
                flush=True,
            )
            peak, seconds = manage_peak_rss(
                connection.settings_dict, "import_clients", str(path), "--update", "--dry-run"
            )
            print(
                f"import xlsx of {rows:>9,} rows (--update --dry-run): {seconds:6.1f} s, "
                f"{rows / seconds:6,.0f} rows/s, peak RSS {peak:6.1f} MiB",
                flush=True,
            )
            path.unlink()
    show_name_sort_plans()


def show_name_sort_plans():
    """EXPLAIN ANALYZE of the list's page query sorted by name, first and deepest page."""
    from django.db import connection

    from clients import columns
    from clients.models import Client
    from clients.pagination import CappedCountPaginator

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE clients_client")
    deepest = CappedCountPaginator.count_limit - 25
    for sort in ("name", "-name"):
        for offset in (0, deepest):
            page = Client.objects.order_by(*columns.ordering(sort))[offset : offset + 25]
            sql, params = page.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {sql}", params)
                plan = [row[0] for row in cursor.fetchall()]
            print(f"\nsort={sort}, rows {offset + 1}-{offset + 25}:")
            print("\n".join(f"    {line}" for line in plan))


def measure_memory(sizes):
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("--memory needs DATABASE_URL to name a PostgreSQL server.")
    peaks = []
    with tempfile.TemporaryDirectory() as folder:
        for rows in sizes:
            path = Path(folder) / f"clients-{rows}.csv"
            write_source(path, rows)
            peaks.append(import_peak_rss(path, connection.settings_dict))
            size = path.stat().st_size / 2**20
            print(
                f"import of {rows:>9,} rows ({size:5.1f} MiB file): peak RSS {peaks[-1]:7.1f} MiB",
                flush=True,
            )
            path.unlink()
    print(f"largest file's peak / smallest file's: {peaks[-1] / peaks[0]:.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--existing", type=int, default=0, help="clients already stored")
    parser.add_argument("--memory", help="comma-separated row counts: peak memory of each import")
    parser.add_argument("--xlsx", help="comma-separated client counts: Excel export and import")
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
        if arguments.memory:
            measure_memory([int(size) for size in arguments.memory.split(",")])
            return
        if arguments.xlsx:
            measure_xlsx(sorted(int(size) for size in arguments.xlsx.split(",")))
            return
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
