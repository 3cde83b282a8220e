"""Imports from the browser: a preview of what a file would do, then Confirmar.

The engine is ``import_clients``'s: ``transfer.RowsFile`` reads the rows,
``importing.ClientImport`` judges them with the model's rules and
``bulk.BulkWriter`` writes them, all or none, a chunk of rows at a time. What
the web adds is the pause between looking and writing: the uploaded file waits
in a ``PendingImport`` (in the database, with an expiry, never sent back to the
browser), and Confirmar applies it only if none of its clients changed since
the preview, so what is written is what the preview showed.
"""

import logging
import tempfile
from contextlib import contextmanager
from datetime import timedelta
from itertools import groupby
from operator import attrgetter
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .bulk import BulkWriter
from .history import changes_between, label
from .importing import ClientImport
from .models import (
    Batch,
    Client,
    ClientChangedError,
    PendingImport,
    latest_history_id,
)
from .progress import CHECK, IMPORT, SAVE
from .transfer import RowsFile, UnreadableFile, format_of

logger = logging.getLogger(__name__)

#: How long an uploaded file waits for its Confirmar.
LIFETIME = timedelta(hours=2)
#: Expired files are deleted this long after expiring (till then their page says so).
KEPT_AFTER_EXPIRY = timedelta(days=1)
#: Unconfirmed uploads kept per user: a newer upload deletes the older ones
#: (each may hold a 50 MB file for its 2 hours).
KEPT_PER_USER = 3
#: Changed clients and rejected rows listed on the preview (the counts are complete).
SHOWN_ROWS = 1_000
#: Clients named when Confirmar is refused because they changed.
SHOWN_CONFLICTS = 50


class ImportRefused(Exception):
    """Confirmar applied nothing: ``message`` says why, ``clients`` lists
    ``(code, name)`` of the clients that changed since the preview (``more``
    of them not listed)."""

    def __init__(self, message, clients=(), more=0):
        super().__init__(message)
        self.message, self.clients, self.more = message, list(clients), more


class AlreadyApplied(Exception):
    """A second Confirmar of the same preview: the first one applied it."""


@contextmanager
def rows_of(content, file_name):
    """The rows of an uploaded file, read by ``RowsFile`` from a temporary copy
    (with the file's extension, which some readers go by). Messages name the
    file as the user called it, not the copy."""
    with tempfile.NamedTemporaryFile(suffix=Path(file_name).suffix.lower()[:10]) as copy:
        copy.write(content)
        copy.flush()
        try:
            with RowsFile(copy.name, format_of(file_name)) as rows:
                yield rows
        except UnreadableFile as error:
            raise UnreadableFile(str(error).replace(copy.name, file_name)) from None


def _label(column):
    return "" if column == NON_FIELD_ERRORS else str(label(column))


class PreviewReport:
    """What the preview page lists: each changed client's old → new fields,
    and each rejected row's reasons, both in row order and up to ``SHOWN_ROWS``."""

    def __init__(self):
        self.changes, self.rejections = [], []

    def add_update(self, number, current, values):
        if len(self.changes) >= SHOWN_ROWS:
            return
        # Kept as JSON in the pending import's report, shaped as a Change for the
        # include that shows one (templates/clients/includes/change.html).
        fields = [
            {"label": str(c.label), "old": c.old, "new": c.new}
            for c in changes_between(current, values)
        ]
        self.changes.append(
            {"row": number, "code": values["code"], "name": values["name"], "fields": fields}
        )

    def add_rejections(self, rejections):
        for row, reasons in groupby(rejections, key=attrgetter("row")):
            if len(self.rejections) >= SHOWN_ROWS:
                return
            self.rejections.append(
                {"row": row, "reasons": [[_label(r.column), r.message] for r in reasons]}
            )


def preview(user, file_name, content, update, progress=None):
    """Judge an uploaded file without writing any client, and keep it for Confirmar.

    Returns the saved ``PendingImport``, its ``report`` holding the counts and
    lists; raises ``UnreadableFile`` when the file cannot be read as clients.
    ``progress`` (a ``progress.Tracker``) hears how much of the file is read.
    """
    # Taken before any row is read: a change from here on is one the preview may have missed.
    seen = latest_history_id()
    report = PreviewReport()
    job = ClientImport(
        update=update, on_update=report.add_update, on_rejections=report.add_rejections
    )
    with rows_of(content, file_name) as rows:
        if progress:
            job.on_progress = lambda: progress(CHECK, rows.position, rows.size)
        job.run(rows)
    counts = {name: getattr(job, name) for name in ("created", "updated", "unchanged", "rejected")}
    if not any(counts.values()):
        raise UnreadableFile(_("The file has no clients: only a header, or blank rows."))
    now = timezone.now()
    PendingImport.objects.filter(expires_at__lt=now - KEPT_AFTER_EXPIRY).delete()
    pending = PendingImport.objects.create(
        owner=user,
        file_name=file_name[:255],
        # A file with rejected rows can never be confirmed: its bytes need not wait.
        content=b"" if job.rejected else content,
        update=update,
        seen_history_id=seen,
        report={**counts, "changes": report.changes, "rejections": report.rejections},
        created_at=now,
        expires_at=now + LIFETIME,
    )
    forget_older_uploads(user)
    return pending


def forget_older_uploads(user):
    """Delete ``user``'s unconfirmed uploads but the ``KEPT_PER_USER`` newest, so
    that nobody keeps more than that many files waiting. Applied ones stay (their
    bytes are gone already; their page links to their batch)."""
    unapplied = PendingImport.objects.filter(owner=user, applied_at__isnull=True)
    kept = list(unapplied.order_by("-created_at", "-pk").values_list("pk", flat=True))
    unapplied.filter(pk__in=kept[KEPT_PER_USER:]).delete()


def confirm(pending, user, progress=None):
    """Apply ``pending`` as its preview showed it, all or nothing.

    Returns the ``BulkWriter`` that wrote it, with its ``batch`` (kind web
    import, described by the file's name). Raises ``AlreadyApplied`` on a
    second Confirmar, and ``ImportRefused`` when nothing was applied: the
    preview expired, or a client of the file changed since the preview (named),
    or the database refused a row. ``progress`` (a ``progress.Tracker``)
    hears how much of the file is read and staged, then that it is being saved.
    """
    if pending.applied_at:
        raise AlreadyApplied
    if pending.expired:
        raise ImportRefused(_("This preview expired; nothing was imported. Upload the file again."))
    try:
        with transaction.atomic():
            # The first Confirmar claims it; a second one waits for the first to
            # commit, then finds it claimed. A failure below rolls the claim back.
            claimed = PendingImport.objects.filter(pk=pending.pk, applied_at__isnull=True)
            if not claimed.update(applied_at=timezone.now()):
                raise AlreadyApplied
            content = PendingImport.objects.values_list("content", flat=True).get(pk=pending.pk)
            job = ClientImport(update=pending.update)
            writer = BulkWriter(
                user, kind=Batch.Kind.WEB_IMPORT, description=pending.file_name[:200]
            )
            with rows_of(bytes(content), pending.file_name) as rows, writer:
                if progress:
                    job.on_progress = lambda: progress(IMPORT, rows.position, rows.size)
                job.run(rows, writer)
                changed, more = changed_since(pending.seen_history_id, job.codes)
                if changed:
                    raise ImportRefused(
                        _(
                            "Nothing was imported: these clients were changed after the "
                            "preview. Upload the file again to see a new preview."
                        ),
                        changed,
                        more,
                    )
                if job.rejected:
                    raise ImportRefused(
                        _("Nothing was imported: the file no longer passes the checks.")
                    )
                if progress:
                    progress(SAVE)
                writer.apply()
            PendingImport.objects.filter(pk=pending.pk).update(content=b"", batch=writer.batch)
    except ClientChangedError:
        raise ImportRefused(
            _(
                "Nothing was imported: another user changed some of these clients while "
                "they were being imported. Upload the file again."
            )
        ) from None
    except (IntegrityError, DataError) as error:
        # The database's own words (English, naming tables) go to the log, not to the user.
        logger.warning("Web import %s refused by the database: %s", pending.pk, error)
        raise ImportRefused(
            _(
                "The database refused the import: a row breaks one of its rules, perhaps "
                "because of a change made meanwhile. Nothing was written: upload the "
                "file again."
            )
        ) from None
    return writer


def changed_since(history_id, codes):
    """``(code, name)`` of the clients among ``codes`` with a history entry after
    ``history_id`` (up to ``SHOWN_CONFLICTS``), and how many more there are.

    History ids grow in commit order (``clients.changes``), so this finds every
    change committed since the preview, by any road, in one query over the
    newest entries, whatever the size of the file.
    """
    recent = Client.history.model.objects.filter(history_id__gt=history_id)
    hit = sorted(set(recent.values_list("code", flat=True)).intersection(codes))
    shown = Client.objects.filter(code__in=hit[:SHOWN_CONFLICTS]).order_by("code")
    return list(shown.values_list("code", "name")), max(len(hit) - SHOWN_CONFLICTS, 0)
