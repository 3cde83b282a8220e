"""Import rows of a clients file with the model's own rules, all of them or none.

Each row gets the checks ``Client.full_clean()`` makes: each field's own
(``Field.clean()``: type, bounds, choices) and the model's ``clean()`` (the SLA
order). Only uniqueness is checked apart, for the whole file at once, within
the file and against the database in one query, because ``full_clean()``
would ask the database once per row.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import bulk
from .models import Client, normalize_for_search
from .transfer import FIELDS

#: What is stored of each row besides its columns.
STORED_FIELDS = (*FIELDS, "name_search")
#: Distinct values of a column whose check is remembered (see ``RowRules``).
REMEMBERED_VALUES = 4_096


@dataclass(frozen=True, order=True)
class Rejection:
    row: int
    column: str
    message: str


class RowRules:
    """``full_clean()`` for rows of values, without an instance per row.

    A field's checks depend on its value alone, and a file repeats values
    (thousands of clients share an SLA), so each column remembers the outcome
    for recent values. The model's ``clean()`` reads nothing but the
    instance's attributes, so one instance takes each row's values in turn.
    A test compares the verdicts with ``full_clean()`` on generated rows.
    """

    def __init__(self):
        self.instance = Client()
        self.defaults = {name: Client._meta.get_field(name).get_default() for name in FIELDS}
        self.clean_value = {
            name: lru_cache(maxsize=REMEMBERED_VALUES, typed=True)(
                Client._meta.get_field(name).clean
            )
            for name in FIELDS
        }

    def check(self, values):
        """``(clean values, {column: [message, ...]})`` of one row; no errors when valid."""
        cleaned, errors = {}, {}
        for name, raw in values.items():
            try:
                cleaned[name] = self.clean_value[name](raw, None)
            except ValidationError as error:
                errors[name] = error.messages
        # As in full_clean(), clean() runs even when fields failed, seeing their raw values.
        for name, value in {**self.defaults, **values, **cleaned}.items():
            setattr(self.instance, name, value)
        try:
            self.instance.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        return cleaned, errors


@dataclass
class ClientImport:
    """What importing some rows does: clients to create, to update, and rejections.

    ``validate()`` only reads the database; ``save()`` writes, and only makes
    sense when nothing was rejected (the caller owns the transaction). Rows
    to write are dicts of ``STORED_FIELDS``; those to update also hold the
    client's ``id`` and the ``version`` read.
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
        rules = RowRules()
        first_row_of = {}
        valid = []
        for number, values in rows:
            cleaned, errors = rules.check(values)
            if "code" not in errors:
                first = first_row_of.setdefault(cleaned["code"], number)
                if first != number:
                    errors["code"] = [_("Repeats the code of row %(row)s.") % {"row": first}]
            if errors:
                self.reject(number, errors)
            else:
                valid.append((number, cleaned))

        stored = bulk.stored_clients([cleaned["code"] for _, cleaned in valid], STORED_FIELDS)
        for number, cleaned in valid:
            current = stored.get(cleaned["code"])
            if current is None:
                self.to_create.append(new_client(cleaned, rules.defaults))
            elif not self.update:
                self.reject(number, {"code": [code_in_use_message()]})
            elif changed := updated_client(current, cleaned):
                self.to_update.append(changed)
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
        bulk.write(self.to_create, self.to_update, STORED_FIELDS, user)


def new_client(cleaned, defaults):
    """The stored values of a new client: its row, and defaults for what the row leaves out."""
    return with_search_key({**defaults, **cleaned})


def updated_client(current, cleaned):
    """``current`` with the row's values, or None when the row changes nothing.

    The code is what found the client, so it never changes.
    """
    client = with_search_key({**current, **cleaned})
    return client if client != current else None


def with_search_key(client):
    """``client`` with the folded name ``save()`` would store for the name search."""
    return {**client, "name_search": normalize_for_search(client["name"])}


def code_in_use_message():
    """The message the model's unique constraint gives for a taken code."""
    (constraint,) = (c for c in Client._meta.total_unique_constraints if c.fields == ("code",))
    return constraint.get_violation_error_message()
