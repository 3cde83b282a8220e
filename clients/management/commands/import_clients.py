"""``manage.py import_clients FILE``: create, or update, clients from a CSV, JSON or Excel file."""

import sys
from contextlib import nullcontext
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.management.base import CommandError
from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from tqdm import tqdm

from clients.bulk import BulkWriter
from clients.formats import grouped
from clients.importing import ClientImport
from clients.models import Batch, ClientChangedError
from clients.transfer import FORMATS, RowsFile, UnreadableFile, format_of

from ..base import ClientChangeCommand, system_user

#: Exit codes besides 0: some rows were rejected, or the file could not be read.
REJECTED, UNREADABLE = 1, 2
#: Files larger than this (about 2,000 rows) show a progress bar on stderr.
PROGRESS_MIN_BYTES = 200_000


class Command(ClientChangeCommand):
    help = gettext_lazy(
        "Import clients from a CSV, JSON or Excel (xlsx) file. Every row is checked with the "
        "rules of the form; if any is rejected nothing is written. Exit status: 0 imported, "
        "1 rows rejected, 2 unreadable file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            metavar="FILE",
            help=_("UTF-8 CSV (',' or ';' delimited), JSON list, or Excel workbook (.xlsx)."),
        )
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help=_("Default: json for a .json file, xlsx for a .xlsx one, else csv."),
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help=_("Update the clients whose code exists instead of rejecting those rows."),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Check and report, but write nothing.")
        )
        super().add_arguments(parser)

    def handle(self, *args, path, update, dry_run, **options):
        user = self.named_user(options["user"])
        job = ClientImport(update=update, on_rejections=self.print_rejections)
        try:
            with (
                RowsFile(path, format_of(path, options["format"])) as rows,
                self.progress_bar(rows) as bar,
                transaction.atomic(),
            ):
                job.on_progress = lambda: bar.update(rows.position - bar.n)
                # A dry run judges the rows and stages nothing.
                with nullcontext() if dry_run else self.writer(user, path) as writer:
                    job.run(rows, writer)
                    large_file = not bar.disable
                    bar.update(bar.total - bar.n)
                    bar.close()
                    if writer and not job.rejected:
                        if large_file:  # The bar is full, but writing takes a few seconds more.
                            tqdm.write(_("Writing to the database…"), file=sys.stderr)
                        writer.apply()
                if job.rejected or dry_run:
                    transaction.set_rollback(True)
        except UnreadableFile as error:
            raise CommandError(str(error), returncode=UNREADABLE) from None
        except (IntegrityError, DataError) as error:
            # Another change took one of the codes between checking and writing, or a
            # value the rules let through does not fit a column: never a traceback.
            message = _("The database refused the import, nothing was written: %(error)s")
            raise CommandError(
                message % {"error": str(error).splitlines()[0]}, returncode=REJECTED
            ) from None
        except ClientChangedError:
            message = _(
                "Another user changed some of these clients while they were being imported; "
                "nothing was written. Run the import again."
            )
            raise CommandError(message, returncode=REJECTED) from None
        self.report(job, dry_run)

    def writer(self, user, path):
        """Writes the import as a batch, so it can be seen and undone from the browser."""
        description = f"import_clients {Path(path).name}"[: Batch.description.field.max_length]
        return BulkWriter(user or system_user(), kind=Batch.Kind.COMMAND, description=description)

    def progress_bar(self, rows):
        """A bar on stderr that follows the reading of a large file, in bytes."""
        return tqdm(
            total=rows.size,
            disable=rows.size < PROGRESS_MIN_BYTES,
            unit="B",
            unit_scale=True,
            file=sys.stderr,
        )

    def print_rejections(self, rejections):
        for rejection in rejections:
            if rejection.column == NON_FIELD_ERRORS:
                line = _("Row %(row)s: %(message)s")
            else:
                line = _("Row %(row)s, column %(column)s: %(message)s")
            self.stdout.write(line % vars(rejection))

    def report(self, job, dry_run):
        if job.rejected:
            # Nothing was written: say so, then which rows stopped it.
            summary = _("Created: 0, updated: 0, rejected: %(rejected)s.")
            self.stdout.write(summary % {"rejected": grouped(job.rejected)})
            message = ngettext(
                "%(count)s row rejected: nothing was imported.",
                "%(count)s rows rejected: nothing was imported.",
                job.rejected,
            )
            raise CommandError(message % {"count": grouped(job.rejected)}, returncode=REJECTED)
        summary = _(
            "Created: %(created)s, updated: %(updated)s, unchanged: %(unchanged)s, "
            "rejected: %(rejected)s."
        )
        counts = ("created", "updated", "unchanged", "rejected")
        self.stdout.write(summary % {name: grouped(getattr(job, name)) for name in counts})
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
