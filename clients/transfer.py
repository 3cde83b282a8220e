"""The clients file: its columns, and how rows are read from and written to CSV and JSON.

The one definition of the format that ``export_clients``, ``import_clients`` and
any future download share, so that what one writes the other reads back
unchanged. Values are only carried here, never judged: the model's rules decide
whether a row is a valid client.
"""

import csv
import json
from decimal import Decimal
from itertools import chain
from pathlib import Path

import ijson
from django.utils.translation import gettext as _

from .models import CLIENT_FIELDS

#: The columns, in file order; the SPEC's field names, part of the contract.
FIELDS = CLIENT_FIELDS
#: Columns a file may leave out or leave empty: new clients get the model's
#: default, updated ones keep their value.
OPTIONAL_FIELDS = ("status",)
REQUIRED_FIELDS = tuple(field for field in FIELDS if field not in OPTIONAL_FIELDS)

FORMATS = ("csv", "json")
#: How a spreadsheet tells a formula from text (OWASP's list). A CSV cell
#: starting so, even behind apostrophes, gets one more apostrophe in front:
#: spreadsheets show it as the text it is instead of running it, and the
#: import takes that apostrophe off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITERS = (",", ";")
EXPORT_CHUNK_SIZE = 2_000


class UnreadableFile(Exception):
    """The input cannot be taken as rows of clients, so no row of it is judged."""


def format_of(path, requested=None):
    """The format asked for, or else the one the file name suggests (CSV by default)."""
    if requested:
        return requested
    return "json" if path and Path(path).suffix.lower() == ".json" else "csv"


# --- Writing -----------------------------------------------------------------


def client_values(queryset):
    """The exported values of each client, in code order, fetched in chunks.

    Streaming keeps memory flat however many clients there are, and the fixed
    order makes two exports of the same data identical.
    """
    return queryset.order_by("code").values_list(*FIELDS).iterator(chunk_size=EXPORT_CHUNK_SIZE)


class _LineBuffer:
    """What ``csv.writer`` writes to when each line is wanted back, not stored."""

    def write(self, line):
        return line


def csv_lines(queryset):
    """The CSV file, line by line: streamed to a file, stdout or a web response."""
    writer = csv.writer(_LineBuffer(), lineterminator="\n")
    yield writer.writerow(FIELDS)
    for values in client_values(queryset):
        yield writer.writerow([defused(value) for value in values])


def looks_like_formula(text):
    return text.lstrip("'").startswith(FORMULA_STARTS)


def defused(value):
    """``value`` as a CSV cell that no spreadsheet runs as a formula."""
    return f"'{value}" if isinstance(value, str) and looks_like_formula(value) else value


def restored(cell):
    """The value a CSV cell holds, without the apostrophe ``defused()`` put in front."""
    return cell[1:] if cell.startswith("'") and looks_like_formula(cell) else cell


def write_csv(queryset, stream):
    """The CSV file to ``stream``; returns how many clients it wrote."""
    lines = csv_lines(queryset)
    stream.write(next(lines))  # the header
    written = 0
    for line in lines:
        stream.write(line)
        written += 1
    return written


def write_json(queryset, stream):
    """A JSON list with one client per line, written as the rows arrive; returns
    how many clients it wrote."""
    separator, written = "\n", 0
    stream.write("[")
    for values in client_values(queryset):
        client = dict(zip(FIELDS, values, strict=True))
        stream.write(separator + json.dumps(client, ensure_ascii=False))
        separator = ",\n"
        written += 1
    stream.write("]\n" if separator == "\n" else "\n]\n")
    return written


WRITERS = {"csv": write_csv, "json": write_json}


# --- Reading -----------------------------------------------------------------


class RowsFile:
    """The rows of a clients file, read as they are needed: memory stays flat
    whatever the file's size.

    Opening checks what can be checked up front (the file is there, its
    columns); iterating gives ``(row number, {column: value})`` pairs and may
    still raise ``UnreadableFile`` further on (bad UTF-8, broken JSON). Row
    numbers are what the operator sees: the spreadsheet row of a CSV (the
    header is row 1) or the position of the object in a JSON list. Optional
    columns left empty are left out. ``size`` and ``position`` (in bytes) let
    a progress bar follow the reading.
    """

    def __init__(self, path, file_format):
        try:
            self.file = open(path, "rb")  # noqa: SIM115 (closed by close())
        except FileNotFoundError as error:
            raise UnreadableFile(_("File not found: %(path)s") % {"path": path}) from error
        except OSError as error:
            message = _("Cannot read %(path)s: %(reason)s")
            raise UnreadableFile(message % {"path": path, "reason": error.strerror}) from error
        self.path = path
        self.size = Path(path).stat().st_size
        try:
            self.rows = READERS[file_format](self)
        except BaseException:
            self.close()
            raise

    def __iter__(self):
        return self.rows

    @property
    def position(self):
        return self.file.tell()

    def close(self):
        self.file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def text_lines(self):
        """The file's lines as text (UTF-8, with or without BOM), naming the line
        that is not UTF-8."""
        for number, line in enumerate(self.file, start=1):
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as error:
                message = _("%(path)s is not UTF-8 text (line %(line)s); save it as UTF-8.")
                raise UnreadableFile(message % {"path": self.path, "line": number}) from error
            yield text.removeprefix("\ufeff") if number == 1 else text


def read_csv(source):
    lines = source.text_lines()
    header_line = next(lines, "")
    # Column names contain neither delimiter, so the header tells which one is used.
    delimiter = next((d for d in CSV_DELIMITERS if d in header_line), CSV_DELIMITERS[0])
    header = [name.strip() for name in next(csv.reader([header_line], delimiter=delimiter), [])]
    check_columns(header)
    return csv_rows(csv.reader(lines, delimiter=delimiter), header)


def csv_rows(reader, header):
    try:
        for number, cells in enumerate(reader, start=2):
            cells = [restored(cell.strip()) for cell in cells]
            if not any(cells):  # A blank line, or one of empty cells as spreadsheets leave.
                continue
            if len(cells) != len(header):
                raise UnreadableFile(
                    _("Row %(row)s has %(found)s values but the header has %(expected)s columns.")
                    % {"row": number, "found": len(cells), "expected": len(header)}
                )
            yield number, present(zip(header, cells, strict=True))
    except csv.Error as error:
        raise UnreadableFile(_("Malformed CSV: %(error)s") % {"error": error}) from error


def read_json(source):
    """The items of a JSON list, parsed one at a time (ijson)."""
    events = ijson.parse(source.file)
    try:
        first = next(events, None)
    except ijson.JSONError as error:
        raise malformed_json(error) from error
    if first is None or first[1] != "start_array":
        raise UnreadableFile(_("The JSON file must hold a list of clients, one object each."))
    return json_rows(chain([first], events))


def json_rows(events):
    try:
        for number, item in enumerate(ijson.items(events, "item"), start=1):
            if not isinstance(item, dict):
                message = _("Item %(row)s of the list is not an object.")
                raise UnreadableFile(message % {"row": number})
            check_columns(list(item), row=number)
            yield number, present((key, json_value(value)) for key, value in item.items())
    except (ijson.JSONError, RecursionError) as error:
        raise malformed_json(error) from error


def malformed_json(error):
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return UnreadableFile(_("Malformed JSON: %(error)s") % {"error": reason})


READERS = {"csv": read_csv, "json": read_json}


def present(pairs):
    """The row's values, leaving out optional columns that are empty."""
    return {
        column: value
        for column, value in pairs
        if column not in OPTIONAL_FIELDS or value not in ("", None)
    }


def json_value(value):
    """Strings, whole numbers and null as they are; anything else as its JSON text.

    The model would read ``20.7`` as 20 and ``true`` as 1; as text it refuses
    them like the same CSV cell.
    """
    if value is None or isinstance(value, str) or type(value) is int:
        return value
    if isinstance(value, Decimal):  # ijson reads every fraction exactly.
        return str(value)
    return json.dumps(value)


def check_columns(names, row=None):
    """Refuse unknown, repeated or missing columns, naming the expected ones."""
    unknown = [name for name in names if name not in FIELDS]
    repeated = sorted({name for name in names if names.count(name) > 1})
    missing = [field for field in REQUIRED_FIELDS if field not in names]
    problems = [
        message % ", ".join(found)
        for message, found in [
            (_("Unknown columns: %s."), unknown),
            (_("Repeated columns: %s."), repeated),
            (_("Missing required columns: %s."), missing),
        ]
        if found
    ]
    if not problems:
        return
    problems.append(
        _("Required: %(required)s. Optional: %(optional)s.")
        % {"required": ", ".join(REQUIRED_FIELDS), "optional": ", ".join(OPTIONAL_FIELDS)}
    )
    if row is not None:
        problems.insert(0, _("Item %(row)s:") % {"row": row})
    raise UnreadableFile(" ".join(problems))
