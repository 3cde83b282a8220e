"""Bulk edit: new values for some settings of the selected clients, previewed,
then applied to all or none as a batch.

The browser is not trusted between the two steps. The preview hands out its
codes, values and versions in plain fields, and signed together with a random
token for the user who asked (``Preview.sign()``); Confirmar, by that user, must
send back exactly what was signed,
and everything is then checked again against the database: each client must
still be at the version the preview showed and still be valid with the new
values. The token becomes the batch's, so a second Confirmar of the same
preview finds that batch instead of applying anything again.

Every step reads the clients in one query and writes through the bulk writer:
the number of queries does not grow with the number of clients.
"""

import logging
import secrets
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .batches import named
from .bulk import BulkWriter
from .formats import grouped
from .history import Change, changes_between, label, stored_values
from .models import CLIENT_FIELDS, Batch, Client, ClientChangedError

logger = logging.getLogger(__name__)

#: The settings a bulk edit may change (never the code or the name).
EDITABLE_FIELDS = tuple(name for name in CLIENT_FIELDS if name not in ("code", "name"))
#: Clients one bulk edit may select.
MAX_SELECTED = 1_000

_SALT = "clients.bulk_edit.preview"


class Refused(Exception):
    """Nothing was applied. ``messages`` say why, in the user's language."""

    def __init__(self, *messages):
        super().__init__(" ".join(messages))
        self.messages = list(messages)


class AlreadyApplied(Exception):
    """This preview was confirmed before: ``batch`` is what it applied."""

    def __init__(self, batch):
        super().__init__(batch.pk)
        self.batch = batch


def selected_codes(raw_codes):
    """The client codes the browser posted, as sorted unique numbers; ``Refused``
    when there are none, too many, or one is not a code at all."""
    codes, wrong = set(), []
    for raw in raw_codes:
        try:
            codes.add(Client._meta.get_field("code").clean(raw.strip(), None))
        except ValidationError:
            wrong.append(raw)
    if wrong:
        raise Refused(_("These are not client codes: %(codes)s.") % {"codes": named(wrong)})
    if not codes:
        raise Refused(_("Select at least one client."))
    if len(codes) > MAX_SELECTED:
        raise Refused(
            _("Select at most %(limit)s clients at a time.") % {"limit": grouped(MAX_SELECTED)}
        )
    return sorted(codes)


def stored_clients(codes):
    """The clients with these codes, in code order (one query); ``Refused`` naming
    the codes no client has."""
    clients = list(Client.objects.filter(code__in=codes).order_by("code"))
    unknown = sorted(set(codes) - {client.code for client in clients})
    if unknown:
        raise Refused(
            ngettext(
                "No client has code %(codes)s.",
                "No clients have codes %(codes)s.",
                len(unknown),
            )
            % {"codes": named(unknown)}
        )
    return clients


@dataclass
class Row:
    """One selected client: as stored, the fields the edit changes, and why the
    new values would be invalid (empty when they are fine)."""

    client: Client
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    new_values: dict = field(default_factory=dict)


def preview_rows(clients, values):
    """Each client with ``values`` (``{field: new value}``, only those to change)
    applied and checked by the model's rules, without writing or querying."""
    rows = []
    for client in clients:
        stored = stored_values(client)
        new_values = {**stored, **values}
        row = Row(client, new_values=new_values)
        row.changes = changes_between(stored, new_values, names=values)
        candidate = Client(**new_values)
        errors = candidate.value_errors()
        try:
            candidate.clean_fields(exclude=[n for n in CLIENT_FIELDS if n not in values])
        except ValidationError as error:
            errors.update(error.error_dict)
        row.errors = [
            f"{label(name)}: {message}" if name in CLIENT_FIELDS else message
            for name, error in errors.items()
            for message in ValidationError(error).messages
        ]
        rows.append(row)
    return rows


@dataclass
class Preview:
    """What a preview showed: the codes, the new values and each client's version,
    and the token that names it."""

    codes: list[int]
    values: dict
    versions: dict[int, int]
    token: str = field(default_factory=lambda: secrets.token_hex(16))

    def sign(self, user):
        """Signed for ``user`` alone: another user cannot confirm what this one saw."""
        return signing.dumps(
            {
                "codes": self.codes,
                "values": self.values,
                "versions": {str(code): version for code, version in self.versions.items()},
                "token": self.token,
            },
            salt=f"{_SALT}:{user.pk}",
            compress=True,
        )

    @classmethod
    def unsign(cls, signed, user):
        try:
            data = signing.loads(signed, salt=f"{_SALT}:{user.pk}")
            return cls(
                data["codes"],
                data["values"],
                {int(code): version for code, version in data["versions"].items()},
                data["token"],
            )
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise Refused(
                _("This confirmation is not one this site showed: preview the change again.")
            ) from None


def check_matches(preview, codes, values, versions):
    """``Refused`` unless the codes, values and versions posted with Confirmar
    are exactly those the preview signed."""
    if sorted(preview.codes) != codes or preview.values != values or preview.versions != versions:
        raise Refused(
            _(
                "The confirmation does not match the preview it came from, so nothing was "
                "applied: preview the change again."
            )
        )


def apply(user, preview):
    """Write the previewed change, all or none, as a batch of kind ``bulk_edit``
    (returned). Everything is checked again first: ``Refused`` names the clients
    that changed since the preview or would become invalid; ``AlreadyApplied``
    when this preview was confirmed before."""
    if (done := Batch.objects.filter(token=preview.token).first()) is not None:
        raise AlreadyApplied(done)
    clients = stored_clients(preview.codes)
    moved = [c.code for c in clients if preview.versions.get(c.code) != c.version]
    rows = preview_rows(clients, preview.values)
    invalid = [row for row in rows if row.errors]
    problems = []
    if moved:
        problems.append(
            ngettext(
                "Client %(codes)s changed since the preview.",
                "Clients %(codes)s changed since the preview.",
                len(moved),
            )
            % {"codes": named(moved)}
        )
    problems += [
        _("Client %(code)s: %(reasons)s")
        % {"code": row.client.code, "reasons": " ".join(row.errors)}
        for row in invalid
    ]
    if problems:
        raise Refused(*problems)
    try:
        with (
            transaction.atomic(),
            BulkWriter(user, kind=Batch.Kind.BULK_EDIT, token=preview.token) as writer,
        ):
            for row in rows:
                if row.changes:
                    current = {"id": row.client.pk, "version": row.client.version}
                    writer.add(row.new_values, current)
            writer.apply()
    except ClientChangedError:
        raise Refused(
            _("Another user changed some of these clients meanwhile: nothing was applied.")
        ) from None
    except (IntegrityError, DataError) as error:
        if (done := Batch.objects.filter(token=preview.token).first()) is not None:
            raise AlreadyApplied(done) from None
        # The database's own words (English, naming tables) go to the log, not to the user.
        logger.warning("Bulk edit refused by the database: %s", error)
        raise Refused(
            _(
                "The database refused the change: a value breaks one of its rules, "
                "perhaps because of a change made meanwhile. Nothing was applied: "
                "preview the change again."
            )
        ) from None
    return writer.batch
