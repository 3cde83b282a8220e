"""The name's fields: what a name may hold, and room for its search key."""

import sys
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from clients.fields import (
    FOLDING_GROWTH,
    VisibleTextValidator,
    normalize_for_search,
    spanish_sort_key,
)
from clients.models import NAME_MAX_LENGTH, Client

from .commands import csv_file, row, run
from .factories import ClientFactory, form_data

CONTROL = "Quite los caracteres de control (como saltos de línea o tabulaciones) del texto."
EDGES = "El texto no puede empezar ni terminar con un carácter invisible."
NOT_VISIBLE = "Escriba al menos un carácter visible."


def test_no_character_folds_to_more_than_the_search_key_allows():
    """The search key column is FOLDING_GROWTH times the name: no code point needs more."""
    growth = max(
        len(normalize_for_search(chr(point)))
        for point in range(sys.maxunicode + 1)
        if unicodedata.category(chr(point)) != "Cs"  # lone surrogates are not text
    )
    assert growth == FOLDING_GROWTH
    assert Client._meta.get_field("name_search").max_length == NAME_MAX_LENGTH * FOLDING_GROWTH


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("\u200b", EDGES),
        ("\ufeffTelefónica", EDGES),
        ("Telefónica\u200d", EDGES),
        ("\x1b[31mred", CONTROL),
        ("a\r\nb", CONTROL),
        ("a\tb", CONTROL),
        ("\x7f", CONTROL),
        ("a\x85b", CONTROL),
        ("a\ud800b", CONTROL),  # a lone surrogate (JSON's "\ud800"): was stored as "a?b"
        ("\u0301\u0301", NOT_VISIBLE),
    ],
)
def test_names_that_look_empty_or_carry_control_characters_are_refused(name, message):
    with pytest.raises(ValidationError) as caught:
        VisibleTextValidator()(name)
    assert caught.value.messages == [message]


@pytest.mark.parametrize(
    "name",
    ["Telefónica", "Ñandú S.A.S.", "Jose\u0301", "a\u200db", "👩‍💻 Soporte", "ß" * 120, "ﷺ"],
)
def test_ordinary_and_odd_but_visible_names_pass(name):
    VisibleTextValidator()(name)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["a\x1bb", "a\r\nb", "x\x7f"])
def test_the_database_refuses_control_characters_whatever_the_path(name):
    client = Client(
        code=1,
        name=name,
        sla_optimal_seconds=1,
        sla_low_seconds=2,
        max_history_conversations=0,
        inactivity_alert_attempts=0,
        max_inactivity_seconds=1,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        client.save()
    ClientFactory()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE clients_client SET name = %s", [name])


@pytest.mark.django_db
def test_the_form_says_why_next_to_the_name(manager_client):
    response = manager_client.post("/administracion/clientes/crear/", form_data(name="a\r\nb"))
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [CONTROL]
    response = manager_client.post("/administracion/clientes/crear/", form_data(name="\u200b"))
    assert response.context["form"].errors["name"] == [EDGES]
    assert not Client.objects.exists()


@pytest.mark.django_db
def test_the_import_says_why_in_the_row_report(tmp_path):
    path = csv_file(tmp_path, row(1, "\ufeffUno"), row(2, "\x1b[31mrojo"), row(3, "Tres"))
    status, out, _ = run("import_clients", path)
    assert status == 1
    assert out.splitlines()[:2] == [
        f"Fila 2, columna name: {EDGES}",
        f"Fila 3, columna name: {CONTROL}",
    ]
    assert not Client.objects.exists()


# --- Spanish alphabetical order ---------------------------------------------------------

SPANISH_ORDER = [
    "Alvaro",
    "Álvaro",
    "álvaro",
    "Ana",
    "Ana María",
    "Anabel",
    "beta",
    "Nube",
    "nzeta",
    "Ñandú",
    "ñu",
    "Ocaso",
    "Ｚｅｔａ",  # noqa: RUF001 (full-width letters on purpose: they sort as the letters)
]


def test_the_sort_key_puts_names_in_spanish_alphabetical_order():
    assert sorted(reversed(SPANISH_ORDER), key=spanish_sort_key) == SPANISH_ORDER


def test_the_sort_key_of_any_name_fits_its_column_and_an_index_entry():
    longest = max(
        (spanish_sort_key(chr(point) * NAME_MAX_LENGTH) for point in range(0x20, 0x3000)),
        key=lambda key: len(key.encode()),
    )
    field = Client._meta.get_field("name_sort")
    assert len(longest) <= field.max_length
    assert len(longest.encode()) < 2_704  # PostgreSQL's largest B-tree entry, in bytes.
