"""Import rows of a clients file with the model's own rules, all of them or none.

Each row goes through ``Client.full_clean()``, the rules the forms and the
admin apply. Only uniqueness is checked here instead, for the whole file at
once, within the file and against the database in as few queries as it
allows, because ``full_clean()`` would ask the database once per row.
"""

from dataclasses import dataclass, field
from itertools import chain

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import bulk
from .models import Client
from .transfer import FIELDS

#: Fields no file carries; ``full_clean()`` leaves them alone (checking the
#: user of an existing client would cost a query per row).
NOT_IN_FILE = [f.name for f in Client._meta.concrete_fields if f.name not in FIELDS]
#: What updating a client writes: its columns but the code, which never
#: changes, and the fields ``save()`` keeps in step with them.
UPDATED_FIELDS = [
    *(name for name in FIELDS if name != "code"),
    "name_search",
    "updated_at",
    "updated_by",
    "version",
]


@dataclass(frozen=True, order=True)
class Rejection:
    row: int
    column: str
    message: str


@dataclass
class ClientImport:
    """What importing some rows does: clients to create, to update, and rejections.

    ``validate()`` only reads the database; ``save()`` writes, and only makes
    sense when nothing was rejected (the caller owns the transaction).
    """

    update: bool = False
    to_create: list = field(default_factory=list)
    to_update: list = field(default_factory=list)
    unchanged: int = 0
    rejections: list = field(default_factory=list)

    @property
    def rejected(self):
        return len({rejection.row for rejection in self.rejections})

    def validate(self, rows):
        """Judge ``(row number, {column: value})`` pairs, keeping the valid ones."""
        first_row_of = {}
        valid = []
        for number, values in rows:
            client = Client(**values)
            errors = errors_of(client)
            if "code" not in errors:
                first = first_row_of.setdefault(client.code, number)
                if first != number:
                    errors["code"] = [_("Repeats the code of row %(row)s.") % {"row": first}]
            if errors:
                self.reject(number, errors)
            else:
                valid.append((number, client, values.keys()))

        codes = [client.code for _, client, _ in valid]
        existing = Client.objects.in_bulk(codes, field_name="code")
        for number, client, columns in valid:
            current = existing.get(client.code)
            if current is None:
                self.to_create.append(client)
            elif not self.update:
                self.reject(number, {"code": [code_in_use_message()]})
            elif copy_columns(client, current, columns):
                self.to_update.append(current)
            else:
                self.unchanged += 1
        self.rejections.sort()

    def reject(self, number, errors):
        self.rejections.extend(
            Rejection(number, column, message)
            for column, messages in errors.items()
            for message in messages
        )

    def save(self, user):
        for client in chain(self.to_create, self.to_update):
            client.record_change_by(user)
        for client in self.to_update:
            client.version += 1  # editors holding the old version must reload
        if self.to_create:
            bulk.create(self.to_create)
            bulk.record_history(self.to_create, "+", user)
        if self.to_update:
            bulk.update(self.to_update, UPDATED_FIELDS)
            bulk.record_history(self.to_update, "~", user)


def errors_of(client):
    """The model's messages for ``client``, by column; empty when it is valid."""
    try:
        client.full_clean(exclude=NOT_IN_FILE, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return error.message_dict
    return {}


def code_in_use_message():
    """The message the model's unique constraint gives for a taken code."""
    (constraint,) = (c for c in Client._meta.total_unique_constraints if c.fields == ("code",))
    return constraint.get_violation_error_message()


def copy_columns(source, target, columns):
    """Copy the file's columns (never the code) to ``target``; tell whether anything changed."""
    changed = False
    for name in FIELDS:
        if name != "code" and name in columns and getattr(target, name) != getattr(source, name):
            setattr(target, name, getattr(source, name))
            changed = True
    return changed
