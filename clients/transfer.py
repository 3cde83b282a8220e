"""The clients file: its columns, and how rows are read from and written to CSV,
JSON and Excel (.xlsx).

The one definition of the format that ``export_clients``, ``import_clients`` and
any future download share, so that what one writes the other reads back
unchanged. Values are only carried here, never judged: the model's rules decide
whether a row is a valid client.
"""

import csv
import json
import re
import sys
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

import ijson
import ijson.common
import openpyxl
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .fields import normalize_for_search
from .formats import grouped
from .models import CLIENT_FIELDS, Client

#: The columns, in file order; the SPEC's field names, part of the contract.
FIELDS = CLIENT_FIELDS
#: Columns a file may leave out or leave empty: new clients get the model's
#: default, updated ones keep their value.
OPTIONAL_FIELDS = ("status",)
REQUIRED_FIELDS = tuple(field for field in FIELDS if field not in OPTIONAL_FIELDS)

FORMATS = ("csv", "json", "xlsx")
#: How a spreadsheet tells a formula from text (OWASP's list). A CSV cell
#: starting so, even behind apostrophes, gets one more apostrophe in front:
#: spreadsheets show it as the text it is instead of running it, and the
#: import takes that apostrophe off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITERS = (",", ";")
EXPORT_CHUNK_SIZE = 2_000


class UnreadableFile(Exception):
    """The input cannot be taken as rows of clients, so no row of it is judged."""


class TooManyForExcel(Exception):
    """More clients than the rows of an Excel sheet (``XLSX_MAX_ROWS``); the
    argument is the most clients a sheet holds."""


def format_of(path, requested=None):
    """The format asked for, or else the one the file name suggests (CSV by default)."""
    if requested:
        return requested
    suffix = Path(path).suffix.lower() if path else ""
    return {".json": "json", ".xlsx": "xlsx"}.get(suffix, "csv")


#: The language of an Excel file's headers and statuses, whoever exports it:
#: the file is passed between administrators and read back by the importer,
#: so it is one format, like the CSV's field names, not a page that follows
#: the reader's language. The contract's labels are Spanish.
XLSX_LANGUAGE = "es"


def column_labels(language=XLSX_LANGUAGE):
    """``{field: label}``: the column headers of an Excel file ("Código", …), from
    the model's own field names in ``language``."""
    with translation.override(language):
        return {name: str(capfirst(Client._meta.get_field(name).verbose_name)) for name in FIELDS}


@cache
def column_names():
    """What a header cell may say for each field, folded: the field's name, or
    its label in any of the site's languages (the same for CSV and Excel)."""
    names = {}
    for language, _language_name in settings.LANGUAGES:
        for field, label in column_labels(language).items():
            names[normalize_for_search(label)] = field
    names.update((normalize_for_search(field), field) for field in FIELDS)
    return names


def header_field(text):
    """The field a header cell names, in any case and with or without its accents
    ("codigo" is "Código", as people type it); anything else as typed, for
    ``check_columns()``."""
    text = text.strip()
    return column_names().get(normalize_for_search(text), text)


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

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The rows of an Excel sheet, the header's included.
XLSX_MAX_ROWS = 1_048_576
XLSX_SHEET_TITLE = "Clientes"
#: Column widths, in characters: the header's length, and room for the names.
XLSX_MIN_WIDTH, XLSX_NAME_WIDTH = 10, 45


def write_xlsx(queryset, target):
    """An Excel workbook of the clients to ``target`` (a path, or a binary file).

    Headers are the Spanish labels (``column_labels()``), numbers are numbers,
    the status is its label ("Activo"), the header row is frozen and carries
    a filter. openpyxl's write-only mode streams the rows to a temporary file
    as they arrive, so memory stays flat however many clients there are.
    Names are always text cells: "=1+1" or "#N/A" stay names, never a
    formula or an error value. More clients than a sheet holds raise
    ``TooManyForExcel`` before anything is saved to ``target``. Returns how
    many clients it wrote.
    """
    if queryset[:XLSX_MAX_ROWS].count() == XLSX_MAX_ROWS:  # Say so before the work.
        raise TooManyForExcel(XLSX_MAX_ROWS - 1)
    labels = column_labels()
    with translation.override(XLSX_LANGUAGE):
        statuses = {value: str(label) for value, label in Client.Status.choices}
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(XLSX_SHEET_TITLE)
    sheet.freeze_panes = "A2"
    for index, field in enumerate(FIELDS, start=1):
        width = XLSX_NAME_WIDTH if field == "name" else max(XLSX_MIN_WIDTH, len(labels[field]) + 4)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([header_cell(sheet, labels[field]) for field in FIELDS])
    rows = 1
    name_index, status_index = FIELDS.index("name"), FIELDS.index("status")
    for values in client_values(queryset):
        if rows == XLSX_MAX_ROWS:  # Clients added since the count.
            sheet.close()
            sheet._writer.cleanup()  # openpyxl's temporary file of the sheet.
            raise TooManyForExcel(XLSX_MAX_ROWS - 1)
        values = list(values)
        values[name_index] = text_cell(sheet, values[name_index])
        values[status_index] = statuses.get(values[status_index], values[status_index])
        sheet.append(values)
        rows += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(FIELDS))}{rows}"
    workbook.save(target)
    return rows - 1


def header_cell(sheet, label):
    cell = WriteOnlyCell(sheet, value=label)
    cell.font = Font(bold=True)
    return cell


def text_cell(sheet, text):
    """A cell that holds ``text`` as text, whatever it starts with."""
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


# --- Reading -----------------------------------------------------------------


class RowsFile:
    """The rows of a clients file, read as they are needed: memory stays flat
    whatever the file's size.

    Opening checks what can be checked up front (the file is there, its
    columns); iterating gives ``(row number, {column: value})`` pairs and may
    still raise ``UnreadableFile`` further on (bad UTF-8, broken JSON). Row
    numbers are what the operator sees: the spreadsheet row of a CSV or an
    Excel sheet (the header is row 1) or the position of the object in a JSON
    list. Optional columns left empty are left out. ``size`` and ``position``
    (in bytes; in a workbook, how far its zipped sheet has been read) let a
    progress bar follow the reading.
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
        self.on_close = []
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
        for close in self.on_close:
            close()
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
    if "\r" in header_line.rstrip("\r\n"):  # Read by "\n": CR-only files are one line.
        raise UnreadableFile(
            _(
                "The file's lines end in a carriage return alone (CR); save it as CSV UTF-8 "
                "with ordinary line breaks."
            )
        )
    # Column names and labels contain neither delimiter, so the header tells which one is used.
    delimiter = next((d for d in CSV_DELIMITERS if d in header_line), CSV_DELIMITERS[0])
    try:
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
    except csv.Error as error:  # A cell past the csv module's field limit, say.
        raise UnreadableFile(_("Malformed CSV: %(error)s") % {"error": error}) from error
    header = [header_field(name) for name in cells]
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
                    % {
                        "row": number,
                        "found": grouped(len(cells)),
                        "expected": grouped(len(header)),
                    }
                )
            yield number, present(zip(header, cells, strict=True))
    except csv.Error as error:
        raise UnreadableFile(_("Malformed CSV: %(error)s") % {"error": error}) from error


def read_json(source):
    """The items of a JSON list, parsed one at a time (ijson)."""
    refuse_long_numbers(source.file)
    events = depth_guarded(ijson.basic_parse(source.file))
    try:
        first = next(events, None)
    except ijson.JSONError as error:
        raise malformed_json(error) from error
    if first is None or first[0] != "start_array":
        raise UnreadableFile(_("The JSON file must hold a list of clients, one object each."))
    return json_rows(events)


def refuse_long_numbers(file):
    """Refuse a run of more digits than Python's ``int()`` takes, before ijson's C
    parser meets it: its error then leaked out of the parser, to surface as a
    SystemError wherever the next function returned. One pass, at the speed of
    a regular expression; the file is then read from its start again."""
    limit = sys.get_int_max_str_digits()
    too_long = re.compile(rb"[0-9]{%d}" % (limit + 1))
    carried = b""
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        chunk = carried + chunk
        if too_long.search(chunk):
            file.seek(0)
            raise UnreadableFile(
                _("Malformed JSON: a number with more than %(digits)s digits.")
                % {"digits": grouped(limit)}
            )
        carried = chunk[len(chunk.rstrip(b"0123456789")) :]
    file.seek(0)


#: Levels of nesting a clients file may use: the list, its objects, and room for a
#: value that is wrongly a list or an object (rejected like any wrong value).
JSON_MAX_DEPTH = 20


def depth_guarded(events):
    """ijson's plain events, refused beyond ``JSON_MAX_DEPTH`` levels (ijson's
    prefixed events keep each level's path: memory grew with the square of the
    depth, 1 GB for 20 KB of "[")."""
    depth = 0
    for event, value in events:
        if event in ("start_array", "start_map"):
            depth += 1
            if depth > JSON_MAX_DEPTH:
                raise UnreadableFile(
                    _("Malformed JSON: nested more than %(depth)s levels deep.")
                    % {"depth": JSON_MAX_DEPTH}
                )
        elif event in ("end_array", "end_map"):
            depth -= 1
        yield event, value


def json_items(events):
    """The values of the list whose ``start_array`` was read, one at a time."""
    builder, depth = None, 0
    for event, value in events:
        if depth == 0 and event == "end_array":
            for _rest in events:  # The parser refuses anything after the list.
                pass
            return
        if builder is None:
            builder = ijson.common.ObjectBuilder()
        builder.event(event, value)
        if event in ("start_array", "start_map"):
            depth += 1
        elif event in ("end_array", "end_map"):
            depth -= 1
        if depth == 0:
            yield builder.value
            builder = None
    raise ijson.IncompleteJSONError("premature EOF")


def json_rows(events):
    try:
        for number, item in enumerate(json_items(events), start=1):
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


def read_xlsx(source):
    """The rows of an Excel workbook's sheet "Clientes" (or else its active
    sheet), streamed by openpyxl's read-only mode; row 1 is the header.

    Whatever fails inside openpyxl (not a zip, a part missing, broken XML) means
    the file is not a readable workbook, so every such error is reported alike.
    """
    check_unpacked_sizes(source)
    try:
        workbook = openpyxl.load_workbook(source.file, read_only=True, data_only=True)
    except Exception as error:  # See the docstring.
        raise not_a_workbook(source, error) from error
    source.on_close.append(workbook.close)
    sheet = (
        workbook[XLSX_SHEET_TITLE] if XLSX_SHEET_TITLE in workbook.sheetnames else workbook.active
    )
    if not hasattr(sheet, "iter_rows"):
        raise UnreadableFile(_("%(path)s has no sheet of clients.") % {"path": source.path})
    # The size a sheet declares is not trusted: openpyxl would pad every row, and
    # every missing row, to it (A1:XFD1048576 made 16,384 empty cells a row of a
    # 5 KB file). Without it a row is as wide as its last cell, a missing one empty.
    sheet.reset_dimensions()
    rows = guarded(sheet.iter_rows(values_only=True), source)
    header = [cell_value(cell) for cell in next(rows, ())]
    while header and header[-1] == "":
        header.pop()
    # A column without a header may stay, as long as it stays empty (xlsx_rows).
    header = [header_field(str(cell)) if cell != "" else "" for cell in header]
    check_columns([name for name in header if name])
    return xlsx_rows(rows, header)


#: A workbook's part that unpacks to more than this many times its packed size,
#: and to more than ``XLSX_RATIO_FROM_BYTES``, is a zip bomb, not a sheet: XML of
#: clients packs some 5 to 30 times. openpyxl reads the shared strings whole (a
#: 130 KB file took 340 MB and 20 s), and a sheet's XML takes time to parse.
XLSX_MAX_RATIO = 100
XLSX_RATIO_FROM_BYTES = 10 * 1024 * 1024


def check_unpacked_sizes(source):
    """Refuse a workbook whose parts would unpack to far more than they weigh
    (the sizes a zip declares are the most it gives: ``zipfile`` stops there)."""
    try:
        archive = zipfile.ZipFile(source.file)
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # openpyxl says what is wrong with it, as with any broken workbook.
    with archive:
        for part in archive.infolist():
            unpacked = part.file_size
            if unpacked > XLSX_RATIO_FROM_BYTES and unpacked > XLSX_MAX_RATIO * max(
                part.compress_size, 1
            ):
                message = _(
                    "%(path)s unpacks to far more than a sheet of clients holds (%(part)s: "
                    "%(size)s from %(packed)s): it was not read."
                )
                raise UnreadableFile(
                    message
                    % {
                        "path": source.path,
                        "part": part.filename,
                        "size": filesizeformat(unpacked),
                        "packed": filesizeformat(part.compress_size),
                    }
                )
    source.file.seek(0)


def guarded(rows, source):
    try:
        yield from rows
    except Exception as error:  # See read_xlsx().
        raise not_a_workbook(source, error) from error


def not_a_workbook(source, error):
    message = _("%(path)s is not a readable Excel workbook (.xlsx): %(reason)s")
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return UnreadableFile(message % {"path": source.path, "reason": reason})


def xlsx_rows(rows, header):
    width = len(header)
    for number, cells in enumerate(rows, start=2):
        values = [cell_value(cell) for cell in cells[:width]]
        unnamed = next(
            (index for index, value in enumerate(values) if value != "" and not header[index]),
            None,
        )
        if unnamed is None:
            unnamed = first_beyond(cells, width)
        if unnamed is not None:
            message = _("Row %(row)s has a value in column %(column)s, which has no header.")
            raise UnreadableFile(
                message % {"row": number, "column": get_column_letter(unnamed + 1)}
            )
        values = values[:width] + [""] * (width - len(values))
        if all(value == "" for value in values):  # Rows left empty, at the end or between.
            continue
        yield (
            number,
            present((name, value) for name, value in zip(header, values, strict=True) if name),
        )


def first_beyond(cells, width):
    """The index of the first cell after ``width`` that holds a value, or None.

    A row may reach column XFD (16,384 cells) in a file of a few bytes a row:
    its distinct values are looked at, not each cell.
    """
    beyond = cells[width:]
    filled = [value for value in set(beyond) if cell_value(value) != ""]
    return min((beyond.index(value) + width for value in filled), default=None)


def cell_value(value):
    """A cell's value as the rules judge it: text trimmed, an empty cell as "",
    a whole number as an ``int`` (Excel keeps every number as a float: 300.0),
    any other number as a ``float`` (which the import refuses in a whole-number
    column), and anything else (a date, TRUE) as text, refused like the same
    text in a CSV."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, (datetime, date, time, timedelta)):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    return str(value)


READERS = {"csv": read_csv, "json": read_json, "xlsx": read_xlsx}


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
    return json.dumps(value, default=str)  # Lists and objects may hold Decimals too.


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
    labels = column_labels(translation.get_language() or XLSX_LANGUAGE).values()
    problems.append(
        _("A header may also be the column's label: %(labels)s.") % {"labels": ", ".join(labels)}
    )
    if row is not None:
        problems.insert(0, _("Item %(row)s:") % {"row": row})
    raise UnreadableFile(" ".join(problems))
