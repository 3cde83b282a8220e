#!/usr/bin/env python
"""Our list page in two checkouts, timed side by side, alternating.

For a change to the list page (a template, a view), on a shared, noisy machine:
one warm Django process per checkout, both on the same seeded PostgreSQL
database, take turns request by request (one GET each, back to back, the order
swapped every other pair) at our page's scenarios from ``list_pages.py``,
in-process through Django's test client, logged in as a superuser, with the
same settings. A burst of load from elsewhere hits both sides of a pair alike,
so the median of the pairs' ratios is steadier than the ratio of two separate
runs. It prints each scenario's p50 for both sides and the ratios.

Usage (from the project root, with the venv's Python)::

    git worktree add --detach /tmp/base main     # the code to compare against
    python bench/compare_list.py --base /tmp/base --size 1000000
    git worktree remove /tmp/base

It uses its own database (``--database-url``; created if missing), never the
app's, and seeds it with this checkout's ``seed_clients``.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from list_pages import DEFAULT_DATABASE_URL, ENVIRONMENT, ROOT, SCENARIOS, ensure_database

#: Runs in each checkout's own process: sets Django up from that checkout, then
#: answers one JSON command a line on stdin with one JSON answer on stdout.
WORKER = r"""
import json, os, sys, time
root = sys.argv[1]
sys.path.insert(0, root)
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client as Browser

def seed(size):
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE clients_client, clients_historicalclient RESTART IDENTITY")
    call_command("seed_clients", str(size), "--seed", "1", stdout=open(os.devnull, "w"))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE clients_client")

def places():
    from clients.models import Client
    from clients.pagination import CappedCountPaginator
    size = Client.objects.count()
    code = Client.objects.order_by("code").values_list("code", flat=True)[size // 2]
    deep = max(1, min(size, CappedCountPaginator.count_limit) // 25)
    return {"size": size, "code": code, "deep": deep}

user, _ = get_user_model().objects.get_or_create(
    username="bench", defaults={"is_staff": True, "is_superuser": True})
browser = Browser()
browser.force_login(user)
for line in sys.stdin:
    command = json.loads(line)
    if "seed" in command:
        if command["seed"] is not None:
            seed(command["seed"])
        answer = places()
    else:
        started = time.perf_counter()
        response = browser.get(command["url"])
        answer = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, command["url"]
    print(json.dumps(answer), flush=True)
"""


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the other checkout's folder")
    parser.add_argument("--size", type=int, default=1_000_000, help="clients to seed")
    parser.add_argument("--no-seed", action="store_true", help="keep the clients already there")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40, help="per scenario, side and round")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    return parser.parse_args()


class Worker:
    def __init__(self, root, database_url):
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(root)],
            cwd=root,
            env={**os.environ, **ENVIRONMENT, "DATABASE_URL": database_url},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, **command):
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def main():
    arguments = parse_arguments()
    ensure_database(arguments.database_url)
    for command in ("migrate", "collectstatic"):  # once, before both processes start
        subprocess.run(
            [sys.executable, "manage.py", command, "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env={**os.environ, **ENVIRONMENT, "DATABASE_URL": arguments.database_url},
            check=True,
        )
    base, this = (
        Worker(Path(arguments.base).resolve(), arguments.database_url),
        Worker(ROOT, arguments.database_url),
    )
    try:
        places = this.ask(seed=None if arguments.no_seed else arguments.size)
        urls = {name: ours.format(**places) for name, (ours, _admin) in SCENARIOS.items()}
        for url in urls.values():  # warm up both
            base.ask(url=url), this.ask(url=url)
        samples = {name: {"base": [], "this": [], "ratios": []} for name in urls}
        for number in range(arguments.rounds):
            for name, url in urls.items():
                for request in range(arguments.requests):
                    # One request each, back to back, in turns: both see the same machine.
                    pair = [("base", base), ("this", this)]
                    if (number + request) % 2:
                        pair.reverse()
                    timed = {side: worker.ask(url=url) for side, worker in pair}
                    for side, milliseconds in timed.items():
                        samples[name][side].append(milliseconds)
                    samples[name]["ratios"].append(timed["this"] / timed["base"])
            print(f"round {number + 1}/{arguments.rounds} done", file=sys.stderr)
    finally:
        base.stop()
        this.stop()

    print(
        f"{places['size']:,} clients; {arguments.rounds} rounds of {arguments.requests} requests"
        f" per scenario and side; {platform.node()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}."
    )
    print()
    print(
        "| scenario | base p50 (ms) | this p50 (ms) | this / base (p50s)"
        " | this / base (median of pairs) | pairs' ratios, middle half |"
    )
    print("|---|---|---|---|---|---|")
    for name, sample in samples.items():
        old, new = statistics.median(sample["base"]), statistics.median(sample["this"])
        low, middle, high = statistics.quantiles(sample["ratios"], n=4)
        print(
            f"| {name} | {old:.1f} | {new:.1f} | {new / old:.3f} | {middle:.3f}"
            f" | {low:.2f} to {high:.2f} |"
        )


if __name__ == "__main__":
    main()
