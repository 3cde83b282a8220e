"""Realistic clients in bulk, for demos and benchmarks.

Written by the import's ``BulkWriter``: the same stored columns and history
as any other client, and the indexes built once at the end of a large seed.
"""

import random

from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from clients.bulk import BulkWriter
from clients.formats import grouped
from clients.models import BOUNDS, Client

from ..base import ClientCommand, CountBar

PROGRESS_EVERY = 1_000

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


class Command(ClientCommand):
    help = gettext_lazy("Create N realistic clients in bulk, with codes after the highest in use.")

    def add_arguments(self, parser):
        parser.add_argument("count", metavar="N", type=int, help=_("How many clients to create."))
        parser.add_argument(
            "--seed", type=int, default=None, help=_("Repeatable randomness: the same clients.")
        )

    def handle(self, count, seed, **options):
        if count < 1:
            raise CommandError(_("N must be at least 1."))
        first_code = (Client.objects.aggregate(highest=Max("code"))["highest"] or 0) + 1
        last_code = first_code + count - 1
        if last_code > BOUNDS["code"][1]:
            raise CommandError(
                _("Not enough free codes after %(code)s.") % {"code": first_code - 1}
            )
        rng = random.Random(seed)
        progress = CountBar(
            total=count, unit=" " + _("clients"), file=self.stderr, disable=count < 10_000
        )
        with progress, transaction.atomic(), BulkWriter() as writer:
            for added, code in enumerate(range(first_code, last_code + 1), start=1):
                writer.add({"code": code, **fake_client_fields(rng)})
                if added % PROGRESS_EVERY == 0:
                    progress.update(PROGRESS_EVERY)
            progress.update(count - progress.n)
            writer.apply()
        summary = ngettext(
            "Created %(count)s client, codes %(first)s to %(last)s.",
            "Created %(count)s clients, codes %(first)s to %(last)s.",
            count,
        )
        values = {"count": grouped(count)}
        self.stdout.write(
            self.style.SUCCESS(summary % {**values, "first": first_code, "last": last_code})
        )
