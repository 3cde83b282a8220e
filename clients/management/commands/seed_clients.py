"""Realistic clients in bulk, for demos and benchmarks."""

import random
from itertools import islice

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from tqdm import tqdm

from clients import bulk
from clients.models import BOUNDS, CLIENT_FIELDS, Client, normalize_for_search

KINDS = [
    "Distribuidora",
    "Comercializadora",
    "Inversiones",
    "Transportes",
    "Clínica",
    "Farmacéutica",
    "Tecnología",
    "Constructora",
    "Aerolínea",
    "Banco",
    "Cooperativa",
    "Energía",
    "Telecomunicaciones",
    "Seguros",
    "Almacenes",
    "Logística",
]
NAMES = [
    "Telefónica",
    "Ñandú",
    "Andina",
    "del Pacífico",
    "Bogotá",
    "Medellín",
    "Cóndor",
    "Orquídea",
    "Guadalupe",
    "Peñalisa",
    "Caribe",
    "Montaña Azul",
    "San José",
    "Los Álamos",
    "Santa Lucía",
    "Río Magdalena",
    "Éxito",
    "Colón",
    "Mérida",
    "Córdoba",
]
SUFFIXES = ["S.A.S.", "S.A.", "Ltda.", "y Cía.", "de Colombia", "Internacional", ""]


def fake_client_fields(rng):
    """One client's values, valid by construction (the model would accept them)."""
    optimal = rng.randint(5, 600)
    return {
        "name": " ".join(
            part for part in (rng.choice(KINDS), rng.choice(NAMES), rng.choice(SUFFIXES)) if part
        ),
        "sla_optimal_seconds": optimal,
        "sla_low_seconds": rng.randint(optimal + 1, min(optimal * 4, BOUNDS["sla_low_seconds"][1])),
        "max_history_conversations": rng.randint(*BOUNDS["max_history_conversations"]),
        "inactivity_alert_attempts": rng.randint(*BOUNDS["inactivity_alert_attempts"]),
        "max_inactivity_seconds": rng.choice([60, 120, 300, 600, 900, 1800, 3600]),
        "status": Client.Status.ACTIVE if rng.random() < 0.8 else Client.Status.INACTIVE,
    }


class Command(BaseCommand):
    help = "Create N realistic clients in bulk, with codes after the highest in use."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="how many clients to create")
        parser.add_argument("--seed", type=int, default=None, help="repeatable randomness")
        parser.add_argument("--batch-size", type=int, default=20_000)

    def handle(self, count, seed, batch_size, **options):
        if count < 1:
            raise CommandError("count must be at least 1.")
        first_code = (Client.objects.aggregate(highest=Max("code"))["highest"] or 0) + 1
        last_code = first_code + count - 1
        if last_code > BOUNDS["code"][1]:
            raise CommandError(f"Not enough free codes after {first_code - 1}.")
        rng = random.Random(seed)
        clients = (
            {"code": code, **fake_client_fields(rng)} for code in range(first_code, last_code + 1)
        )
        on_postgresql = connection.vendor == "postgresql"
        progress = tqdm(total=count, unit=" clients", file=self.stderr, disable=count < 10_000)
        with transaction.atomic():
            rebuild = on_postgresql and count >= REBUILD_INDEXES_FROM
            indexes = drop_secondary_indexes() if rebuild else []
            with progress:
                while batch := list(islice(clients, batch_size)):
                    insert_batch(batch)
                    progress.update(len(batch))
            if indexes:
                self.stderr.write(f"Rebuilding {len(indexes)} indexes…")
                recreate_indexes(indexes)
        self.stdout.write(
            self.style.SUCCESS(f"Created {count:,} clients, codes {first_code} to {last_code}.")
        )


#: From this many new rows on, PostgreSQL builds the indexes once at the end,
#: which is much faster than updating ten indexes row by row.
REBUILD_INDEXES_FROM = 100_000


def drop_secondary_indexes():
    """Drop the table's indexes except the primary key and unique ones; return
    their definitions. Inside the seeding transaction: readers wait, and a
    failure rolls the drop back too."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT indexname, indexdef FROM pg_indexes
            WHERE tablename = %s AND indexdef NOT LIKE 'CREATE UNIQUE INDEX%%'
            """,
            [Client._meta.db_table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes]


def recreate_indexes(definitions):
    with connection.cursor() as cursor:
        # Deferred foreign-key checks must run before an index can be built.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)


#: What a seeded row sets; the rest comes from the columns' database defaults.
SEEDED_FIELDS = [*CLIENT_FIELDS, "name_search", "created_at", "updated_at"]


def insert_batch(rows):
    """Write generated rows with the import's bulk loader (COPY on PostgreSQL).

    It skips the model, so the values ``save()`` computes are set here; the
    database's constraints still check every row.
    """
    now = timezone.now()
    for row in rows:
        row.update(name_search=normalize_for_search(row["name"]), created_at=now, updated_at=now)
    fields = [Client._meta.get_field(name) for name in SEEDED_FIELDS]
    with connection.cursor() as cursor:
        bulk.load(
            cursor, Client._meta.db_table, fields, ([row[n] for n in SEEDED_FIELDS] for row in rows)
        )
