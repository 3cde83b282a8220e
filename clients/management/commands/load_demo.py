"""Demo data for a first look: an admin login and a handful of clients."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.formats import grouped
from clients.models import CLIENT_FIELDS, Client

from ..base import ClientCommand

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "admin"  # A local demo login: the command refuses to run with DEBUG off.

#: Values in the order of CLIENT_FIELDS.
DEMO_CLIENTS = [
    (1001, "Telefónica Colombia", 20, 60, 10, 3, 300, "active"),
    (1002, "Ñandú S.A.S.", 30, 90, 5, 2, 600, "active"),
    (1003, "Bancolombia", 15, 45, 20, 3, 180, "active"),
    (1004, "Almacenes Éxito", 25, 75, 10, 1, 900, "active"),
    (1005, "Aerolínea Avianca", 20, 120, 15, 3, 420, "active"),
    (1006, "Cooperativa Cafetera del Quindío", 60, 180, 3, 0, 1800, "inactive"),
    (1007, "Clínica Medellín", 10, 30, 50, 5, 240, "active"),
    (1008, "Energía de Bogotá", 45, 150, 8, 2, 1200, "active"),
]


class Command(ClientCommand):
    help = gettext_lazy(
        "Create the demo admin login and demo clients (development only; idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            default="127.0.0.1:8000",
            help=_("Where the server will listen, for the login line (make run passes its HOST)."),
        )

    def handle(self, *args, host, **options):
        if not settings.DEBUG:
            raise CommandError(_("load_demo only runs with DEBUG on: it creates a known password."))
        with transaction.atomic():
            admin = self.ensure_admin()
            created = 0
            for row in DEMO_CLIENTS:
                values = dict(zip(CLIENT_FIELDS, row, strict=True))
                if Client.objects.filter(code=values["code"]).exists():
                    continue
                client = Client(**values)
                client.full_clean()
                client.record_change_by(admin)
                client.save()
                created += 1
        there = len(DEMO_CLIENTS) - created
        summary = _("Demo clients: %(created)s created, %(there)s already there.")
        self.stdout.write(summary % {"created": grouped(created), "there": grouped(there)})
        if admin.check_password(DEMO_PASSWORD):
            login = f"{DEMO_USERNAME} / {DEMO_PASSWORD}"
        else:
            login = _("%(username)s (with the password you gave it)") % {"username": DEMO_USERNAME}
        line = _("Log in at http://%(host)s/ as %(login)s") % {"host": host, "login": login}
        self.stdout.write(self.style.SUCCESS(line))

    def ensure_admin(self):
        user_model = get_user_model()
        admin, created = user_model.objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"is_staff": True, "is_superuser": True, "first_name": "Admin"},
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        return admin
