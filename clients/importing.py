"""Import rows of a clients file with the model's own rules, all of them or none.

Each row gets the checks ``Client.full_clean()`` makes: each field's own
(``Field.clean()``: type, bounds, choices) and the model's ``clean()`` (the SLA
order). Only uniqueness is checked apart, within the file and against the
database with one query a chunk of rows, because ``full_clean()`` would ask
the database once per row.

A row's way: ``transfer`` reads it, ``importing`` judges it with the model's
rules, ``bulk`` stages and writes it with the columns ``writing`` derives.
"""

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from . import bulk
from .models import CLIENT_FIELDS as FIELDS
from .models import Client

#: Rows judged, looked up and staged at a time.
CHUNK_SIZE = 5_000
#: Distinct values of a column whose check is remembered (see ``RowRules``).
REMEMBERED_VALUES = 4_096


#: Columns that hold text: a number there is taken as its text.
TEXT_FIELDS = ("name",)


def not_whole_message(number):
    """A whole-number column given a fraction: ``int()`` would silently cut 300.5 to 300."""
    return _("%(value)s has decimals; enter a whole number.") % {
        "value": formats.number_format(number, use_l10n=True)
    }


@dataclass(frozen=True, order=True)
class Rejection:
    row: int
    column: str
    message: str


def batched(iterable, size):
    """Lists of ``size`` items of ``iterable`` (``itertools.batched`` from Python 3.12)."""
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


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
            if isinstance(raw, float):  # A spreadsheet's number with decimals.
                if name not in TEXT_FIELDS:
                    errors[name] = [not_whole_message(raw)]
                    continue
                raw = str(raw)
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
    """What importing some rows does: clients created, updated, left unchanged, rejected.

    ``run()`` judges the rows a chunk at a time and stages the valid ones in a
    ``bulk.BulkWriter``, so memory stays flat whatever the number of rows;
    once a row is rejected nothing more is staged, since nothing will be
    written. The caller owns the transaction and decides whether to apply.
    """

    update: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    #: Called with each chunk's rejections, in row order, as they are found.
    on_rejections: object = None
    #: Called after each chunk of rows is judged.
    on_progress: object = None
    #: Called with ``(row number, stored values, new values)`` of each client a row changes.
    on_update: object = None
    _first_row_of: dict = field(default_factory=dict)

    @property
    def codes(self):
        """The codes of the rows judged so far (each once)."""
        return self._first_row_of.keys()

    def run(self, rows, writer=None):
        """Judge ``(row number, {column: value})`` pairs, and stage the valid ones
        in ``writer`` (none for a dry run)."""
        rules = RowRules()
        for chunk in batched(rows, CHUNK_SIZE):
            valid, rejections = [], []
            for number, values in chunk:
                cleaned, errors = rules.check(values)
                if "code" not in errors:
                    first = self._first_row_of.setdefault(cleaned["code"], number)
                    if first != number:
                        errors["code"] = [_("Repeats the code of row %(row)s.") % {"row": first}]
                if errors:
                    rejections.append((number, errors))
                else:
                    valid.append((number, cleaned))
            stored = bulk.stored_clients([cleaned["code"] for _, cleaned in valid], FIELDS)
            for number, cleaned in valid:
                # What the row leaves out: a new client's default, an updated one's value.
                current = stored.get(cleaned["code"])
                if current is None:
                    self.created += 1
                    values = {**rules.defaults, **cleaned}
                elif not self.update:
                    rejections.append((number, {"code": [code_in_use_message()]}))
                    continue
                elif any(current[name] != value for name, value in cleaned.items()):
                    self.updated += 1
                    values = {name: cleaned.get(name, current[name]) for name in FIELDS}
                    if self.on_update:
                        self.on_update(number, current, values)
                else:
                    self.unchanged += 1
                    continue
                if writer and not self.rejected and not rejections:
                    writer.add(values, current)
            self.reject(rejections)
            if self.on_progress:
                self.on_progress()

    def reject(self, rejections):
        if not rejections:
            return
        self.rejected += len(rejections)
        if self.on_rejections:
            self.on_rejections(
                sorted(
                    Rejection(number, column, message)
                    for number, errors in rejections
                    for column, messages in errors.items()
                    for message in messages
                )
            )


def code_in_use_message():
    """The message the model's unique constraint gives for a taken code."""
    (constraint,) = (c for c in Client._meta.total_unique_constraints if c.fields == ("code",))
    return constraint.get_violation_error_message()
