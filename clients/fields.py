"""Model fields of the client's name: trimmed as typed, and folded for searching.

They live apart from ``models.py`` so that ``writing.py``, which derives
every stored column, can use them without importing the model.
"""

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

#: The most characters that folding turns one character into: U+FDFA (ﷺ)
#: becomes 18. A search key column this many times the name's length holds
#: the key of any name; a test checks every code point.
FOLDING_GROWTH = 18
#: Control characters (Unicode category Cc but NUL, which no text column
#: takes anyway), as a regular expression both databases understand.
CONTROL_CHARACTERS_PATTERN = r"[\x01-\x1f\x7f-\x9f]"


def normalize_for_search(text):
    """Fold case and accents so that "telefonica" finds "Telefónica"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


#: Where "ñ" goes in a sort key: after "n" and every character that may follow
#: it, so "Nube" < "Ñandú" < "Ocaso". The largest code point sorts last both
#: in Python and byte by byte in UTF-8.
ENYE_WEIGHT = "n\U0010ffff"
#: The folded part of a sort key keeps this many characters (ties beyond are
#: broken by the name itself), so that the key fits a B-tree index entry.
SORT_FOLDED_LENGTH = 240
#: Between the folded name and the name itself: below any character of a name
#: (control characters are refused), so "Ana" sorts before "Ana María".
SORT_SEPARATOR = "\x01"


def spanish_sort_key(name):
    """The key that puts names in Spanish alphabetical order, compared code
    point by code point (Python, SQLite's BINARY, PostgreSQL's "C" collation:
    the same order on every database).

    Case and accents are folded ("Álvaro" with the A's, "alvaro" beside
    "Alvaro"), except the tilde of the ñ, a letter of its own between n and o.
    Names that fold the same are then ordered by the name itself, and the list
    breaks any remaining tie by code. (A PostgreSQL ICU collation would need
    an equivalent on SQLite, and could order differently there; this key is
    pure Python, written by ``writing.derived_values()`` on every road.)
    """
    folded = []
    for char in unicodedata.normalize("NFKD", name.casefold()):
        if not unicodedata.combining(char):
            folded.append(char)
        elif char == "\u0303" and folded and folded[-1] == "n":
            folded[-1] = ENYE_WEIGHT
    return "".join(folded)[:SORT_FOLDED_LENGTH] + SORT_SEPARATOR + name


@deconstructible
class VisibleTextValidator:
    """Text people can read: no control characters (a line break, a terminal
    escape), no invisible format character at either end (a BOM, a zero-width
    space), and at least one visible character."""

    messages = {
        "control_characters": _(
            "Remove the control characters (such as line breaks or tabs) from the text."
        ),
        "invisible_edges": _("The text cannot start or end with an invisible character."),
        "not_visible": _("Enter at least one visible character."),
    }

    def __call__(self, value):
        # Nearly every name: no Cc, Cf or separator but the space, and a visible start.
        if value.isprintable() and value and unicodedata.category(value[0])[0] in "LNPS":
            return
        categories = [unicodedata.category(char) for char in value]
        # A lone surrogate (Cs) is no character: the databases store it as "?".
        if "Cc" in categories or "Cs" in categories:
            code = "control_characters"
        elif categories and "Cf" in (categories[0], categories[-1]):
            code = "invisible_edges"
        elif categories and not any(category[0] in "LNPS" for category in categories):
            code = "not_visible"
        else:
            return
        raise ValidationError(self.messages[code], code=code)

    def __eq__(self, other):
        return isinstance(other, VisibleTextValidator)


class TrimmedCharField(models.CharField):
    """A CharField that drops outer whitespace before validating.

    Doing it in ``to_python`` means the blank and length checks see the
    trimmed value, whether the value came from a form, the admin or a command.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.strip() if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = self.to_python(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


class SearchKeyField(models.CharField):
    """A hidden copy of another text field, folded for searching.

    It holds what ``clients.writing.derived_values()`` computes from its
    ``source``: every way a client is written sets it there, so the field
    itself only marks the column (and keeps it out of forms).
    """

    def __init__(self, *args, source, **kwargs):
        self.source = source
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs.pop("editable", None)
        return name, path, args, kwargs


class SortKeyField(SearchKeyField):
    """A hidden copy of another text field as a sort key (``spanish_sort_key()``).

    Compared byte by byte on both databases, so that the order is the one
    Python computes: SQLite's default BINARY collation does that already, and
    on PostgreSQL the column gets the "C" collation, whatever the database's
    locale.
    """

    def db_parameters(self, connection):
        parameters = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = "C"
        return parameters


class WordChoiceField(models.CharField):
    """A choice that people may type as a word of their language: ``Activo``
    or ``inactivo`` as well as ``active``, in any case.

    ``to_python`` turns the value, or any language's label of it, into the
    value stored; anything else is left as typed, for the choices' check to
    name it.
    """

    @cached_property
    def words(self):
        words = {}
        for value, label in self.flatchoices:
            words[str(value).casefold()] = value
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    words[str(label).casefold()] = value
        return words

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, str):
            return self.words.get(value.strip().casefold(), value)
        return value
