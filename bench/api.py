#!/usr/bin/env python
"""Benchmark of the read API (issue #13) on PostgreSQL: each request's cost as
a ratio to one client's detail, measured in the same run, and how it grows
with the table.

For each table size it seeds the clients (``seed_clients``) and measures, with
a service's token:

* one client (``/api/clients/<code>/``), the first list page, a deep page
  (``after=`` near the end), a 304 revalidation of the list, ``name=andina``,
  and a feed poll at the tail (``/api/changes/?after=<newest cursor>``);
* in-process (Django's test client, p50 of ``--requests``) and under load
  (gunicorn with 2 workers, ``wrk``).

Usage (from the project root, with the venv's Python, wrk installed)::

    python bench/api.py                                  # 100,000 and 1,000,000
    python bench/api.py --sizes 1000,20000 --requests 30 --load-seconds 3

It uses its own database (``--database-url``, default ``clientes_bench_api``),
never the app's, and writes ``--output`` (default: print only).
"""

import argparse
import math
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import list_pages  # the list benchmark's seeding, timing and load helpers

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/clientes_bench_api"
SCENARIOS = [
    "one client",
    "list page 1",
    "deep page",
    "304 revalidation",
    "name=andina",
    "feed tail",
]
#: Ratio to one client's detail, in the same run.
TARGETS = {
    "list page 1": 3,
    "deep page": 3,
    "304 revalidation": 1.5,
    "name=andina": 6,
    "feed tail": 3,
}
MAX_GROWTH = 1.3


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--requests", type=int, default=200, help="in-process, per scenario")
    parser.add_argument("--load-seconds", type=int, default=6, help="wrk, per scenario")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--output", help="write the Markdown report here too")
    return parser.parse_args()


def requests_for(size, token):
    """``{scenario: (path, headers)}`` on the freshly seeded table."""
    from django.test import Client as Browser

    from clients import changes
    from clients.models import Client

    codes = Client.objects.order_by("code").values_list("code", flat=True)
    middle, near_end = codes[size // 2], codes[max(0, size - 150)]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    newest = Client.history.model.objects.order_by("-history_id").values_list(
        "history_id", flat=True
    )[0]
    etag = Browser().get("/api/clients/", **auth)["ETag"]
    return {
        "one client": (f"/api/clients/{middle}/", auth),
        "list page 1": ("/api/clients/", auth),
        "deep page": (f"/api/clients/?after={near_end}", auth),
        "304 revalidation": ("/api/clients/", {**auth, "HTTP_IF_NONE_MATCH": etag}),
        "name=andina": ("/api/clients/?name=andina", auth),
        "feed tail": (f"/api/changes/?after={changes.encode_cursor(newest)}", auth),
    }


def measure_size(size, arguments, wrk_script):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.test import Client as Browser
    from rest_framework.authtoken.models import Token

    seconds = list_pages.seed(size)
    user, _ = get_user_model().objects.get_or_create(username="bench-service")
    user.user_permissions.add(Permission.objects.get(codename="view_client"))
    token, _ = Token.objects.get_or_create(user=user)
    browser = Browser()
    results = {}
    server = None
    try:
        for name, (path, headers) in requests_for(size, token.key).items():
            expected = 304 if "HTTP_IF_NONE_MATCH" in headers else 200
            assert browser.get(path, **headers).status_code == expected, path
            results[name] = {
                "in_process": list_pages.timed(
                    lambda p=path, h=headers: browser.get(p, **h), arguments.requests
                ),
                "path": path,
                "headers": headers,
            }
        server = list_pages.Gunicorn()
        for outcome in results.values():
            warm_up(f"http://127.0.0.1:{server.port}{outcome['path']}", outcome["headers"])
            outcome["load"] = wrk(
                f"http://127.0.0.1:{server.port}{outcome['path']}",
                outcome["headers"],
                arguments,
                wrk_script,
            )
    finally:
        if server:
            server.stop()
    return {"seed_seconds": seconds, "results": results}


def http_headers(headers):
    """Django's ``HTTP_IF_NONE_MATCH`` style names as HTTP header names."""
    return {key[5:].replace("_", "-").title(): value for key, value in headers.items()}


def warm_up(url, headers, times=4):
    """A few requests first, so that each worker has started and connected."""
    import urllib.error
    import urllib.request

    for _ in range(times):
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers=http_headers(headers)))
        except urllib.error.HTTPError as error:  # the 304
            assert error.code == 304, error


def wrk(url, headers, arguments, script):
    """list_pages.wrk, with this request's headers instead of a session cookie."""
    import re
    import subprocess

    header_arguments = []
    for key, value in http_headers(headers).items():
        header_arguments += ["-H", f"{key}: {value}"]
    output = subprocess.run(
        [
            *["wrk", "-t2", f"-c{arguments.connections}", f"-d{arguments.load_seconds}s"],
            *["-s", script, *header_arguments, url],
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"BENCH p50=(\d+) p95=(\d+) rps=([\d.]+) errors=(\d+) non2xx=(\d+)", output)
    p50, p95, rps, errors, non2xx = found.groups()
    if int(errors) or int(non2xx) or not float(rps):
        raise RuntimeError(f"wrk saw {errors} errors and {non2xx} bad answers on {url}: {output}")
    return {"p50": int(p50) / 1000, "p95": int(p95) / 1000, "rps": float(rps)}


def report(arguments, measured):
    import platform

    from django.db import connection

    lines = [
        "# Benchmark: the read API (issue #13)",
        "",
        f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python bench/api.py --sizes "
        f"{arguments.sizes} --requests {arguments.requests} --load-seconds "
        f"{arguments.load_seconds} --connections {arguments.connections}`. Machine: "
        f"{platform.node()}, {list_pages.os.cpu_count()} cores, Python "
        f"{platform.python_version()}, PostgreSQL {connection.pg_version // 10000}.",
        "",
        "In-process: Django's test client with a service token, p50 of "
        f"{arguments.requests} requests after a warm-up. Under load: gunicorn with 2 workers, "
        f"wrk with {arguments.connections} connections for {arguments.load_seconds} s. "
        "Ratios are to one client's detail in the same run (targets in brackets).",
        "",
    ]
    for size, data in measured.items():
        detail = data["results"]["one client"]
        lines += [
            f"## {size:,} clients",
            "",
            f"Seeded in {data['seed_seconds']:.1f} s.",
            "",
            "| request | p50 ms | p95 ms | ratio (target) | load p50 ms | load rps | load ratio |",
            "|---|---|---|---|---|---|---|",
        ]
        for name in SCENARIOS:
            outcome = data["results"][name]
            inproc, load = outcome["in_process"], outcome["load"]
            target = f" (≤ {TARGETS[name]}x)" if name in TARGETS else ""
            lines.append(
                f"| {name} | {inproc['p50']:.2f} | {inproc['p95']:.2f} | "
                f"{inproc['p50'] / detail['in_process']['p50']:.2f}x{target} | "
                f"{load['p50']:.2f} | {load['rps']:.0f} | "
                f"{detail['load']['rps'] / load['rps']:.2f}x |"
            )
        lines.append("")
    sizes = list(measured)
    if len(sizes) > 1:
        small, large = measured[sizes[0]], measured[sizes[-1]]
        lines += [
            f"## Growth from {sizes[0]:,} to {sizes[-1]:,} clients (in-process p50; "
            f"target ≤ {MAX_GROWTH}x per doubling)",
            "",
            "| request | growth | per doubling |",
            "|---|---|---|",
        ]
        for name in SCENARIOS:
            growth = (
                large["results"][name]["in_process"]["p50"]
                / small["results"][name]["in_process"]["p50"]
            )
            doublings = math.log2(sizes[-1] / sizes[0])
            lines.append(f"| {name} | {growth:.2f}x | {growth ** (1 / doublings):.2f}x |")
        lines.append("")
    lines.append("Load ratio: one client's rps divided by the request's rps.")
    return "\n".join(lines) + "\n"


def main():
    arguments = parse_arguments()
    list_pages.setup_django(arguments.database_url)  # creates the database if missing
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(list_pages.WRK_SCRIPT)
    measured = {}
    for size in map(int, arguments.sizes.split(",")):
        measured[size] = measure_size(size, arguments, script.name)
        print(f"measured {size:,}", file=sys.stderr)
    text = report(arguments, measured)
    print(text)
    if arguments.output:
        Path(arguments.output).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
