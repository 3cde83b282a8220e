"""``manage.py export_clients``: clients as CSV, JSON or Excel, a file import_clients reads back."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from clients.formats import grouped
from clients.models import Client
from clients.transfer import FORMATS, WRITERS, TooManyForExcel, format_of, write_xlsx

from ..base import ClientCommand


class Command(ClientCommand):
    help = gettext_lazy(
        "Export clients in code order as CSV (default), JSON or Excel (xlsx, to --output "
        "only), to stdout or --output."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help=_("Default: json for a .json --output, xlsx for a .xlsx one, else csv."),
        )
        parser.add_argument("--output", "-o", metavar="FILE", help=_("Write here, not to stdout."))
        parser.add_argument("--status", choices=Client.Status.values, help=_("Only these clients."))

    def handle(self, *args, output, status, **options):
        clients = Client.objects.all() if status is None else Client.objects.filter(status=status)
        file_format = format_of(output, options["format"])
        if file_format == "xlsx":
            written = self.write_workbook(clients, output)
        else:
            write = WRITERS[file_format]
            if output is None:
                self.stdout.ending = None  # The writer ends its own lines.
                write(clients, self.stdout)
                return
            try:
                with open(output, "w", encoding="utf-8", newline="") as stream:
                    written = write(clients, stream)
            except OSError as error:
                message = _("Cannot write %(path)s: %(reason)s")
                raise CommandError(message % {"path": output, "reason": error.strerror}) from None
        # stdout is free when the clients went to a file: say what is in it.
        summary = ngettext(
            "Exported %(count)s client to %(path)s.",
            "Exported %(count)s clients to %(path)s.",
            written,
        )
        self.stdout.write(summary % {"count": grouped(written), "path": output})

    def write_workbook(self, clients, output):
        """A workbook is a zip file, no text for a terminal: it needs ``--output``."""
        if output is None:
            raise CommandError(
                _("An Excel file cannot go to the screen: name it with --output FILE.")
            )
        try:
            return write_xlsx(clients, output)
        except TooManyForExcel as error:
            message = _(
                "More than %(count)s clients, the most an Excel sheet holds; nothing was "
                "written. Export them as CSV, or fewer at a time with --status."
            )
            count = grouped(error.args[0])
            raise CommandError(message % {"count": count}) from None
        except OSError as error:
            message = _("Cannot write %(path)s: %(reason)s")
            raise CommandError(message % {"path": output, "reason": error.strerror}) from None
