#!/usr/bin/env python
"""Benchmark of the Clientes list against Django admin and raw SQL, on PostgreSQL.

For each table size it seeds the clients (``seed_clients``), then measures
each scenario three ways, side by side in the same run:

* in-process, through Django's test client, logged in: our page, Django
  admin's changelist doing the same query, and the raw SQL our page runs;
* under load: gunicorn with 2 workers on a loopback port, driven by ``wrk``.

It writes a Markdown report (default ``bench/RESULTS.md``) with p50/p95
latency, requests per second and the ratios, the growth from the smallest to
the largest table, and PostgreSQL's EXPLAIN of each list query on the largest.

Usage (from the project root, with the venv's Python, wrk installed)::

    python bench/list_pages.py                       # 1,000 / 100,000 / 1,000,000
    python bench/list_pages.py --sizes 1000,20000 --requests 30 --load-seconds 3

It uses its own database (``--database-url``; created if missing), never the
app's.
"""

import argparse
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/clientes_bench"
STATIC_ROOT = Path(tempfile.gettempdir()) / "clientes-bench-static"
ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "0",  # production settings: no query log, no debug toolbar costs
    "SECRET_KEY": "benchmark-only-secret-key-not-used-anywhere-else-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "STATIC_ROOT": str(STATIC_ROOT),
    "LOG_LEVEL": "WARNING",
    "AXES_FAILURE_LIMIT": "1000000",
}

# name: (our URL, Django admin's URL for the same query). {code} is a code in
# the middle of the table; {deep} is the deepest page the list offers (its
# count stops at CappedCountPaginator.count_limit rows), or the last page of a
# smaller table.
SCENARIOS = {
    "list page 1": ("/administracion/clientes/", "/admin/clients/client/"),
    "deep page": (
        "/administracion/clientes/?page={deep}",
        "/admin/clients/client/?p={deep}",
    ),
    "name search (andina)": (
        "/administracion/clientes/?name=andina",
        "/admin/clients/client/?q=andina",
    ),
    "code search": (
        "/administracion/clientes/?code={code}",
        "/admin/clients/client/?q={code}",
    ),
    "status filter (inactive)": (
        "/administracion/clientes/?status=inactive",
        "/admin/clients/client/?status__exact=inactive",
    ),
}
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH p50=%d p95=%d rps=%.1f errors=%d non2xx=%d\\n",
    latency:percentile(50), latency:percentile(95),
    summary.requests / (summary.duration / 1e6),
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.errors.status))
end
"""


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--requests", type=int, default=60, help="in-process, per scenario")
    parser.add_argument("--load-seconds", type=int, default=8, help="wrk, per scenario")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    return parser.parse_args()


def setup_django(database_url):
    os.environ.update(ENVIRONMENT, DATABASE_URL=database_url)
    sys.path.insert(0, str(ROOT))
    ensure_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)


def ensure_database(database_url):
    """Create the benchmark's database if missing. CREATE DATABASE needs
    autocommit, which psycopg2's ``with connection`` block would not give."""
    import psycopg2

    name = database_url.rsplit("/", 1)[1]
    admin = psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres")
    try:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not cursor.fetchone():
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        admin.close()


def seed(size):
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE clients_client, clients_historicalclient RESTART IDENTITY")
    started = time.perf_counter()
    call_command("seed_clients", str(size), "--seed", "1", stdout=open(os.devnull, "w"))  # noqa: SIM115
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE clients_client")
    return seconds


def timed(action, repeat):
    action()  # warm up caches and connections
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return summary(samples)


def summary(samples_ms):
    ordered = sorted(samples_ms)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "rps": 1000 / statistics.fmean(ordered),
    }


def page_queries(browser, url):
    """The SQL our page runs against the clients table (count and rows)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    return [q["sql"] for q in captured if 'FROM "clients_client"' in q["sql"]]


def run_sql(statements):
    from django.db import connection

    def action():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    return action


def explain(statements):
    from django.db import connection

    plans = []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {sql}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def create_post_action(browser, url, form_prefix=""):
    """POST the create form with a new code each time (as a person would)."""
    from django.db.models import Max

    from clients.models import Client

    next_code = [(Client.objects.aggregate(top=Max("code"))["top"] or 0) + 1_000_000]

    def action():
        next_code[0] += 1
        data = {
            "code": next_code[0],
            "name": f"Benchmark Ñandú {next_code[0]}",
            "sla_optimal_seconds": 20,
            "sla_low_seconds": 60,
            "max_history_conversations": 10,
            "inactivity_alert_attempts": 3,
            "max_inactivity_seconds": 300,
            "status": "active",
        }
        response = browser.post(url, data)
        assert response.status_code == 302, response.status_code

    return action


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    def __init__(self):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2"],
            cwd=ROOT,
            env={**os.environ, "BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "2"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def warm_up(self, paths, cookie):
        """Boot both workers and compile their templates before wrk times anything:
        on a busy machine a cold worker's first answer can outlast wrk's timeout."""
        for path in paths:
            for _ in range(4):
                request = urllib.request.Request(
                    f"http://127.0.0.1:{self.port}{path}", headers={"Cookie": cookie}
                )
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def wrk(url, cookie, seconds, connections, script):
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            "--timeout",
            "10s",  # a slow answer on a shared machine is a latency, not an error
            f"-d{seconds}s",
            "-s",
            script,
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"BENCH p50=(\d+) p95=(\d+) rps=([\d.]+) errors=(\d+) non2xx=(\d+)", output)
    p50, p95, rps, errors, non2xx = found.groups()
    if int(errors) or int(non2xx):
        raise RuntimeError(f"wrk saw {errors} errors and {non2xx} non-2xx answers on {url}")
    return {"p50": int(p50) / 1000, "p95": int(p95) / 1000, "rps": float(rps)}


def measure_size(size, arguments, wrk_script):
    from django.contrib.auth import get_user_model
    from django.test import Client as Browser

    from clients.models import Client
    from clients.pagination import CappedCountPaginator

    seconds = seed(size)
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    browser = Browser()
    browser.force_login(user)
    code = Client.objects.order_by("code").values_list("code", flat=True)[size // 2]
    results, plans = {}, {}
    for name, (ours, admins) in SCENARIOS.items():
        deepest = min(size, CappedCountPaginator.count_limit) // 25
        places = {"code": code, "deep": max(1, deepest)}
        ours, admins = ours.format(**places), admins.format(**places)
        assert browser.get(admins).status_code == 200, admins
        statements = page_queries(browser, ours)
        results[name] = {
            "ours": timed(lambda url=ours: browser.get(url), arguments.requests),
            "admin": timed(lambda url=admins: browser.get(url), arguments.requests),
            "sql": timed(run_sql(statements), arguments.requests),
            "urls": (ours, admins),
        }
        plans[name] = list(zip(statements, explain(statements), strict=True))
    results["create form POST"] = {
        "ours": timed(
            create_post_action(browser, "/administracion/clientes/crear/"), arguments.requests
        ),
        "admin": timed(
            create_post_action(browser, "/admin/clients/client/add/"), arguments.requests
        ),
        "sql": None,
        "urls": ("/administracion/clientes/crear/", "/admin/clients/client/add/"),
    }

    cookie = f"sessionid={browser.cookies['sessionid'].value}"
    server = Gunicorn()
    try:
        server.warm_up(
            [path for outcome in results.values() if outcome["sql"] for path in outcome["urls"]],
            cookie,
        )
        for outcome in results.values():
            if outcome["sql"] is None:
                continue  # POSTs are measured in-process only
            base = f"http://127.0.0.1:{server.port}"
            ours, admins = outcome["urls"]
            outcome["load_ours"] = wrk(
                base + ours, cookie, arguments.load_seconds, arguments.connections, wrk_script
            )
            outcome["load_admin"] = wrk(
                base + admins, cookie, arguments.load_seconds, arguments.connections, wrk_script
            )
    finally:
        server.stop()
    return {"seed_seconds": seconds, "results": results, "plans": plans}


def ratio(numerator, denominator):
    return f"{numerator / denominator:.2f}x" if denominator else "n/a"


#: The issue's targets, on the largest table.
P50_TARGET_MS = 30
THROUGHPUT_TARGET = 2.0
GROWTH_TARGET = 3.0


def targets(small, large, smallest, largest):
    """Each target, met or missed by how much; for a miss, where the time goes."""
    lines = [
        f"## Targets on {largest:,} clients",
        "",
        "| scenario | p50 ≤ 30 ms in-process | ≥ 2x admin's throughput under load "
        f"| growth {smallest:,} → {largest:,} < 3x | where the p50 goes (SQL / Python) |",
        "|---|---|---|---|---|",
    ]
    for name, outcome in large["results"].items():
        if outcome["sql"] is None:
            continue  # the create POST is compared with admin, not held to these targets
        p50 = outcome["ours"]["p50"]
        throughput = outcome["load_ours"]["rps"] / outcome["load_admin"]["rps"]
        growth = p50 / small["results"][name]["ours"]["p50"]
        sql = outcome["sql"]["p50"]
        cells = [
            name,
            verdict(p50 <= P50_TARGET_MS, f"{p50:.1f} ms", f"{p50 - P50_TARGET_MS:+.1f} ms"),
            verdict(
                throughput >= THROUGHPUT_TARGET,
                f"{throughput:.2f}x",
                f"{throughput / THROUGHPUT_TARGET:.0%} of it",
            ),
            verdict(growth < GROWTH_TARGET, f"{growth:.2f}x", f"{growth - GROWTH_TARGET:+.2f}x"),
            f"{sql:.1f} ms / {max(p50 - sql, 0):.1f} ms",
        ]
        lines.append(f"| {' | '.join(cells)} |")
    return [*lines, ""]


#: Issue 13: a name search costs at most twice the plain list page, and at
#: most half of Django admin's search, from 300,000 clients on.
SEARCH_TO_LIST_TARGET = 2.0
SEARCH_TO_ADMIN_TARGET = 0.5
SEARCH_TARGETS_FROM = 300_000


def search_targets(measured):
    """The name search against the plain list page and admin's search, side by
    side in each run (in-process p50)."""
    lines = [
        "## Name search against the plain list and admin's search (in-process p50)",
        "",
        f"| clients | name search / list page 1 (≤ {SEARCH_TO_LIST_TARGET:g}x) "
        f"| name search / admin's search (≤ {SEARCH_TO_ADMIN_TARGET:g}x) |",
        "|---|---|---|",
    ]
    for size, data in measured.items():
        if size < SEARCH_TARGETS_FROM:
            continue
        search = data["results"]["name search (andina)"]
        to_list = search["ours"]["p50"] / data["results"]["list page 1"]["ours"]["p50"]
        to_admin = search["ours"]["p50"] / search["admin"]["p50"]
        cells = [
            f"{size:,}",
            verdict(to_list <= SEARCH_TO_LIST_TARGET, f"{to_list:.2f}x", "over"),
            verdict(to_admin <= SEARCH_TO_ADMIN_TARGET, f"{to_admin:.2f}x", "over"),
        ]
        lines.append(f"| {' | '.join(cells)} |")
    return [*lines, ""]


def verdict(met, value, miss):
    return f"met ({value})" if met else f"**missed** ({value}; {miss})"


def report(sizes, measured, arguments):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    lines = [
        "# Benchmark: Clientes list vs Django admin vs raw SQL",
        "",
        f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python bench/list_pages.py"
        f" --sizes {arguments.sizes} --requests {arguments.requests}"
        f" --load-seconds {arguments.load_seconds} --connections {arguments.connections}`.",
        f"Machine: {platform.node()}, {os.cpu_count()} cores, {platform.machine()},"
        f" Python {platform.python_version()}, PostgreSQL {postgres.split()[0]}.",
        "",
        "*In-process*: Django's test client, logged in as a superuser, "
        f"{arguments.requests} requests per cell after one warm-up; rps = 1 / mean latency. "
        "*Raw SQL*: the queries our page sends to the clients table (capped count + page), "
        "run directly. *Under load*: gunicorn with 2 workers on loopback, "
        f"wrk with {arguments.connections} connections for {arguments.load_seconds} s per cell. "
        "Latencies in ms. Admin runs the same query on the same data "
        "(`/admin/clients/client/?q=...`).",
        "",
    ]
    for size in sizes:
        data = measured[size]
        lines += [
            f"## {size:,} clients",
            "",
            f"Seeded in {data['seed_seconds']:.1f} s.",
            "",
            "| scenario | ours p50 | ours p95 | admin p50 | admin p95 | raw SQL p50 "
            "| ours / admin (p50) | ours / raw SQL (p50) | load: ours rps | load: admin rps "
            "| throughput vs admin | load: ours p50 / p95 |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, outcome in data["results"].items():
            ours, admin, sql = outcome["ours"], outcome["admin"], outcome["sql"]
            load_ours, load_admin = outcome.get("load_ours"), outcome.get("load_admin")
            lines.append(
                "| "
                + " | ".join(
                    [
                        name,
                        f"{ours['p50']:.1f}",
                        f"{ours['p95']:.1f}",
                        f"{admin['p50']:.1f}",
                        f"{admin['p95']:.1f}",
                        f"{sql['p50']:.2f}" if sql else "—",
                        ratio(ours["p50"], admin["p50"]),
                        ratio(ours["p50"], sql["p50"]) if sql else "—",
                        f"{load_ours['rps']:.0f}" if load_ours else "—",
                        f"{load_admin['rps']:.0f}" if load_admin else "—",
                        ratio(load_ours["rps"], load_admin["rps"]) if load_ours else "—",
                        f"{load_ours['p50']:.1f} / {load_ours['p95']:.1f}" if load_ours else "—",
                    ]
                )
                + " |"
            )
        lines.append("")
    smallest, largest = sizes[0], sizes[-1]
    if smallest != largest:
        lines += [
            f"## Growth from {smallest:,} to {largest:,} clients (in-process p50)",
            "",
            "| scenario | ours | admin |",
            "|---|---|---|",
        ]
        for name in measured[largest]["results"]:
            small = measured[smallest]["results"][name]
            large = measured[largest]["results"][name]
            lines.append(
                f"| {name} | {ratio(large['ours']['p50'], small['ours']['p50'])} "
                f"| {ratio(large['admin']['p50'], small['admin']['p50'])} |"
            )
        lines.append("")
    lines += targets(measured[smallest], measured[largest], smallest, largest)
    lines += search_targets(measured)
    lines += [f"## Query plans on {largest:,} clients (EXPLAIN ANALYZE)", ""]
    for name, plans in measured[largest]["plans"].items():
        lines += [f"### {name}", ""]
        for sql, plan in plans:
            lines += ["```sql", textwrap.fill(sql, 100), "```", "```", plan, "```", ""]
    return "\n".join(lines)


#: Where the other benchmarks' sections begin in the results file; rewriting
#: the list's figures keeps everything from there on.
OTHER_BENCHMARKS = "<!-- bench/import_export.py"


def kept_sections(path):
    """The other benchmarks' sections of the results file, to keep."""
    text = path.read_text() if path.exists() else ""
    start = text.find(OTHER_BENCHMARKS)
    return "\n" + text[start:] if start >= 0 else ""


def main():
    arguments = parse_arguments()
    sizes = sorted(int(size) for size in arguments.sizes.split(","))
    setup_django(arguments.database_url)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    measured = {}
    for size in sizes:
        print(f"{size:,} clients…", file=sys.stderr)
        measured[size] = measure_size(size, arguments, script.name)
    output = Path(arguments.output)
    kept = kept_sections(output)
    output.write_text(report(sizes, measured, arguments) + "\n" + kept)
    print(f"Wrote {arguments.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
