#!/usr/bin/env python
"""Webhook delivery lag (commit → receiver) and throughput, with one worker.

    DATABASE_URL=postgres://… .venv/bin/python bench/webhooks.py [--changes 1000]
        [--subscriptions 3] [--rate 0] [--backlog]

Writes ``--changes`` client changes, each in its own transaction (``--rate``
per second, 0 for as fast as possible), while one ``manage.py
deliver_webhooks`` process sends them to ``--subscriptions`` subscriptions on
a receiver in this process (127.0.0.1). The lag of a delivery is the time from
its change's commit to the receiver reading the request. Works on a throw-away
copy of the database (Django's test database, created and dropped here).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class Receiver:
    def __init__(self):
        self.arrivals = {}  # delivery id -> time
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                now = time.time()
                with receiver.lock:
                    receiver.arrivals.setdefault(self.headers["X-Clientes-Delivery"], now)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def count(self):
        with self.lock:
            return len(self.arrivals)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--subscriptions", type=int, default=3)
    parser.add_argument("--rate", type=float, default=0, help="changes per second; 0: no pause")
    parser.add_argument(
        "--backlog",
        action="store_true",
        help="write every change first, then start the worker: its throughput alone",
    )
    arguments = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from clients.models import Client, WebhookSubscription

    vendor = connection.vendor
    if vendor == "sqlite":
        # A file, so that the worker's process sees the same database.
        folder = tempfile.mkdtemp()
        connection.settings_dict["TEST"]["NAME"] = str(Path(folder) / "bench.sqlite3")
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    test_name = connection.settings_dict["NAME"]
    if vendor == "sqlite":
        database_url = f"sqlite:///{test_name}"
    else:
        params = connection.settings_dict
        database_url = (
            f"postgres://{params['USER']}:{params['PASSWORD'] or ''}@{params['HOST']}:"
            f"{params['PORT'] or 5432}/{test_name}"
        )
    receiver = Receiver()
    worker = None
    try:
        for number in range(arguments.subscriptions):
            WebhookSubscription.objects.create(url=receiver.url, name=f"bench {number}")
        env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}

        def start_worker():
            process = subprocess.Popen(
                [sys.executable, "manage.py", "deliver_webhooks"],
                cwd=BASE_DIR,
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            print(process.stdout.readline().strip(), flush=True)
            return process

        if not arguments.backlog:
            worker = start_worker()
        committed = {}  # history id -> commit time
        pause = 1 / arguments.rate if arguments.rate else 0
        started = time.time()
        for code in range(1, arguments.changes + 1):
            client = Client(
                code=code,
                name=f"Compañía {code}",
                sla_optimal_seconds=20,
                sla_low_seconds=60,
                max_history_conversations=10,
                inactivity_alert_attempts=3,
                max_inactivity_seconds=300,
            )
            client.save()  # autocommit: committed when save() returns
            committed[client.history.latest().history_id] = time.time()
            if pause:
                time.sleep(max(0.0, started + code * pause - time.time()))
        written = time.time()
        if arguments.backlog:
            worker = start_worker()
        expected = arguments.changes * arguments.subscriptions
        deadline = time.time() + 300
        while receiver.count() < expected and time.time() < deadline:
            time.sleep(0.05)
        finished = time.time()
        lags = [
            arrived - committed[int(delivery.split("-")[1])]
            for delivery, arrived in receiver.arrivals.items()
        ]
        first = min(receiver.arrivals.values())
        last = max(receiver.arrivals.values())
        print(
            f"database {vendor}; {arguments.changes} changes x {arguments.subscriptions} "
            f"subscriptions, rate {arguments.rate or 'max'}/s; written in "
            f"{written - started:.1f} s ({arguments.changes / (written - started):.0f} changes/s)"
        )
        print(f"delivered {len(lags)} of {expected} in {finished - started:.1f} s")
        print(
            "lag (commit → receiver): "
            f"p50 {percentile(lags, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(lags, 0.95) * 1000:.0f} ms, "
            f"p99 {percentile(lags, 0.99) * 1000:.0f} ms, "
            f"max {max(lags) * 1000:.0f} ms, mean {statistics.mean(lags) * 1000:.0f} ms"
        )
        if arguments.backlog:
            print("(backlog: the lag includes the wait for the worker to start)")
        print(f"throughput: {len(lags) / max(last - first, 1e-9):.0f} deliveries/s")
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(30)
        receiver.server.shutdown()
        connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
