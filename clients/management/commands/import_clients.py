"""``manage.py import_clients FILE``: create, or update, clients from a CSV or JSON file."""

import sys

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from clients.importing import ClientImport
from clients.models import ClientChangedError
from clients.transfer import FORMATS, UnreadableFile, format_of, read_rows

from ..base import ClientChangeCommand, system_user

#: Exit codes besides 0: some rows were rejected, or the file could not be read.
REJECTED, UNREADABLE = 1, 2
#: Files with more rows than this show a progress bar on stderr.
PROGRESS_MIN_ROWS = 2_000


class Command(ClientChangeCommand):
    help = (
        "Import clients from a CSV or JSON file. Every row is checked with the rules of the "
        "form; if any is rejected nothing is written. Exit status: 0 imported, 1 rows "
        "rejected, 2 unreadable file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", metavar="FILE", help="UTF-8 CSV (',' or ';' delimited) or JSON list."
        )
        parser.add_argument(
            "--format", choices=FORMATS, help="Default: json for a .json file, else csv."
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Update the clients whose code exists instead of rejecting those rows.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, but write nothing."
        )
        super().add_arguments(parser)

    def handle(self, *args, path, update, dry_run, **options):
        try:
            rows = read_rows(path, format_of(path, options["format"]))
        except UnreadableFile as error:
            raise CommandError(str(error), returncode=UNREADABLE) from None
        user = self.named_user(options["user"])
        job = ClientImport(update=update)
        try:
            with transaction.atomic():
                large_file = len(rows) > PROGRESS_MIN_ROWS
                job.validate(tqdm(rows, disable=not large_file, unit=_("rows")))
                if not job.rejections and not dry_run:
                    if large_file:  # The bar is full, but writing takes a few seconds more.
                        tqdm.write(_("Writing to the database…"), file=sys.stderr)
                    job.save(user or system_user())
        except IntegrityError as error:
            # Another change took one of the codes between checking and writing.
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

    def report(self, job, dry_run):
        for rejection in job.rejections:
            if rejection.column == NON_FIELD_ERRORS:
                line = _("Row %(row)s: %(message)s")
            else:
                line = _("Row %(row)s, column %(column)s: %(message)s")
            self.stdout.write(line % vars(rejection))
        summary = _(
            "Created: %(created)s, updated: %(updated)s, unchanged: %(unchanged)s, "
            "rejected: %(rejected)s."
        )
        self.stdout.write(
            summary
            % {
                "created": len(job.to_create),
                "updated": len(job.to_update),
                "unchanged": job.unchanged,
                "rejected": job.rejected,
            }
        )
        if job.rejections:
            message = ngettext(
                "%(count)s row rejected: nothing was imported.",
                "%(count)s rows rejected: nothing was imported.",
                job.rejected,
            )
            raise CommandError(message % {"count": job.rejected}, returncode=REJECTED)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
