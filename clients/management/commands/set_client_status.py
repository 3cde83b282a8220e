"""``manage.py set_client_status CODE activo|inactivo``: clients are deactivated, never deleted."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from clients.models import Batch, Client

from ..base import ClientChangeCommand, system_user


class Command(ClientChangeCommand):
    help = (
        "Set the status of the client with code CODE to active or inactive "
        "(activo or inactivo, in any case)."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", metavar="CODE")
        parser.add_argument("status", metavar="{activo,inactivo}")
        super().add_arguments(parser)

    def handle(self, *args, code, status, **options):
        user = self.named_user(options["user"])
        client = self.client_with(code)
        try:  # The model's word for it: "Inactivo" is inactive.
            status = Client._meta.get_field("status").clean(status, client)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if client.status == status:
            message = _("Client %(client)s: the status was already %(status)s.")
        else:
            client.status = status
            try:
                client.full_clean()
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            user = user or system_user()
            with transaction.atomic():
                # A batch of its own, so it can be seen and undone from the browser.
                batch = Batch.objects.create(
                    kind=Batch.Kind.COMMAND,
                    created_by=user,
                    client_count=1,
                    description="set_client_status",
                )
                client.record_change_by(user, batch=batch)
                client.save(update_fields=["status", "updated_at", "updated_by"])
            message = _("Client %(client)s: status set to %(status)s.")
        self.stdout.write(message % {"client": client, "status": client.get_status_display()})

    def client_with(self, code):
        """The client with ``code``, checked by the model's rules for a code before asking."""
        try:
            code = Client._meta.get_field("code").clean(code, None)
            return Client.objects.get(code=code)
        except ValidationError as error:
            message = _("Invalid code %(code)s: %(reason)s") % {
                "code": code,
                "reason": " ".join(error.messages),
            }
            raise CommandError(message) from None
        except Client.DoesNotExist:
            raise CommandError(_("No client has code %(code)s.") % {"code": code}) from None
