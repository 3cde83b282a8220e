#!/usr/bin/env python
"""Benchmark of bulk edit and undo (issue #15) on PostgreSQL: a bulk edit of
``--selected`` clients (1,000) and its undo, at each table size.

For each table size it seeds the clients (``seed_clients``), then repeats
``--rounds`` times, through Django's test client logged in as a manager, the
way a browser does it:

* the preview (``POST /administracion/clientes/lote/`` with ``step=preview``)
  of new SLA bajo and max. historical conversations for ``--selected`` codes
  drawn at random from the whole table;
* its Confirmar (``step=confirm``), which writes the batch;
* the batch's page (``/administracion/lotes/<id>/``, first 50 clients);
* Deshacer (``POST /administracion/lotes/<id>/deshacer/``).

Each step's time (median and worst of the rounds) and its number of SQL
queries, which must not depend on the number of clients (also measured with
``--selected`` / 10 clients). Targets: confirm and undo ≤ 2 s each.

Usage (from the project root, with the venv's Python)::

    python bench/batches.py                                    # 100,000 and 1,000,000
    python bench/batches.py --sizes 20000 --rounds 3 --output bench/RESULTS.md

It uses its own database (``--database-url``, default ``clientes_bench_batches``),
never the app's. With ``--output`` its report replaces its own section of that
file, below the ``bench/import_export.py`` marker (``bench/list_pages.py``
rewrites everything above it).
"""

import argparse
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import list_pages  # the list benchmark's database set-up and seeding

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/clientes_bench_batches"
STEPS = ["preview", "confirm", "batch page", "undo"]
TARGET_SECONDS = {"confirm": 2.0, "undo": 2.0}
SECTION_START = "<!-- bench/batches.py: its own section, rewritten by it -->"
SECTION_END = "<!-- /bench/batches.py -->"


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--selected", type=int, default=1000, help="clients per bulk edit")
    parser.add_argument("--rounds", type=int, default=5, help="bulk edits (and undos) per size")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--output", help="write the report into this results file too")
    return parser.parse_args()


def seed(size):
    """``list_pages.seed``, after emptying the batches too (their history goes with
    it, and the web imports that name them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE clients_client, clients_historicalclient, clients_batch, "
            "clients_pendingimport RESTART IDENTITY"
        )
    return list_pages.seed(size)


def manager_browser():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.test import Client as Browser

    user, _ = get_user_model().objects.get_or_create(username="bench-manager")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_client", "change_client"])
    )
    browser = Browser()
    browser.force_login(user)
    return browser


def measured(action):
    """``(result, seconds, queries)`` of ``action()``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - started
    return result, seconds, len(captured)


def confirm_data(html):
    """The preview's Confirmar form, as the browser posts it."""
    form = html[html.index('id="bulk-confirm"') : html.index("</form>", html.index("bulk-confirm"))]
    data = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        data.setdefault(name, []).append(value.replace("&quot;", '"').replace("&amp;", "&"))
    return data


def bulk_edit_round(browser, codes, round_number):
    """One preview, confirm, batch page and undo: ``{step: (seconds, queries)}``."""
    from clients.bulk_edit import EDITABLE_FIELDS
    from clients.models import Batch

    values = dict.fromkeys(EDITABLE_FIELDS, "")
    # Valid for every seeded client: its optimal SLA stays below any low SLA this high.
    values.update(sla_low_seconds=str(86_400 - round_number), max_history_conversations="42")
    data = {"codes": [str(code) for code in codes], "step": "preview", **values}
    steps = {}
    response, *steps["preview"] = measured(
        lambda: browser.post("/administracion/clientes/lote/", data)
    )
    assert response.status_code == 200 and 'id="bulk-confirm"' in response.content.decode()
    posted = confirm_data(response.content.decode())
    response, *steps["confirm"] = measured(
        lambda: browser.post("/administracion/clientes/lote/", posted)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = Batch.objects.get(kind="bulk_edit", token__isnull=False, undone_by__isnull=True)
    assert batch.client_count == len(codes)
    response, *steps["batch page"] = measured(lambda: browser.get(batch.get_absolute_url()))
    assert response.status_code == 200
    response, *steps["undo"] = measured(
        lambda: browser.post(f"/administracion/lotes/{batch.pk}/deshacer/")
    )
    assert response.status_code == 302
    assert Batch.objects.get(undoes=batch).client_count == len(codes)
    return steps


def measure_size(size, arguments):
    from clients.models import Client

    seconds = seed(size)
    browser = manager_browser()
    all_codes = list(Client.objects.values_list("code", flat=True))
    draw = random.Random(size)
    rounds = [
        bulk_edit_round(browser, sorted(draw.sample(all_codes, arguments.selected)), number)
        for number in range(arguments.rounds)
    ]
    few = max(1, arguments.selected // 10)
    small = bulk_edit_round(browser, sorted(draw.sample(all_codes, few)), arguments.rounds)
    return {"seed_seconds": seconds, "rounds": rounds, "small": small, "few": few}


def report(arguments, results):
    import platform

    from django.db import connection

    lines = [
        SECTION_START,
        "## Bulk edit and undo (`bench/batches.py`, issue #15)",
        "",
        f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python bench/batches.py --sizes "
        f"{arguments.sizes} --selected {arguments.selected} --rounds {arguments.rounds}`. "
        f"Machine: {list_pages.os.cpu_count()} cores shared with other work, Python "
        f"{platform.python_version()}, PostgreSQL {connection.pg_version // 10000}.",
        "",
        f"Each round: the preview and Confirmar of a bulk edit of {arguments.selected:,} "
        "clients drawn at random from the whole table (new SLA bajo and max. historical "
        "conversations), the batch's page, and Deshacer; through Django's test client, as a "
        "browser posts them. Times are the median and the worst of the rounds; queries are "
        f"per request, also with {arguments.selected // 10:,} clients (they must be equal).",
        "",
    ]
    for size, data in results.items():
        lines += [
            f"### {size:,} clients",
            "",
            f"Seeded in {data['seed_seconds']:.1f} s.",
            "",
            f"| step | median s | worst s | target | queries ({arguments.selected:,}) "
            f"| queries ({data['few']:,}) |",
            "|---|---|---|---|---|---|",
        ]
        for step in STEPS:
            times = [round_[step][0] for round_ in data["rounds"]]
            queries = {round_[step][1] for round_ in data["rounds"]}
            target = TARGET_SECONDS.get(step)
            verdict = ""
            if target:
                verdict = f"≤ {target:g} s " + ("met" if max(times) <= target else "**missed**")
            lines.append(
                f"| {step} | {statistics.median(times):.2f} | {max(times):.2f} | {verdict} "
                f"| {', '.join(map(str, sorted(queries)))} | {data['small'][step][1]} |"
            )
        lines.append("")
    lines.append(SECTION_END)
    return "\n".join(lines)


def write_section(path, text):
    """Replace this benchmark's section of ``path`` (or append it at the end, which
    is below the marker that ``list_pages.py`` keeps)."""
    content = path.read_text(encoding="utf-8") if path.exists() else ""
    if SECTION_START in content:
        before = content[: content.index(SECTION_START)]
        after = content[content.index(SECTION_END) + len(SECTION_END) :]
        content = before + text + after
    else:
        content = content.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(content, encoding="utf-8")


def main():
    arguments = parse_arguments()
    list_pages.setup_django(arguments.database_url)  # creates the database if missing
    results = {}
    for size in map(int, arguments.sizes.split(",")):
        results[size] = measure_size(size, arguments)
        print(f"measured {size:,}", file=sys.stderr)
    text = report(arguments, results)
    print(text)
    if arguments.output:
        write_section(Path(arguments.output), text)


if __name__ == "__main__":
    main()
