"""Every rule of the Client record, in the model and again in the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone, translation

from clients.fields import spanish_sort_key
from clients.models import BOUNDS, Client, ClientDeletionError, normalize_for_search

from .factories import ClientFactory, UserFactory, valid_client

pytestmark = pytest.mark.django_db

VALID = valid_client(code=42)


def build(**changes):
    values = {**VALID, **changes}
    # Keep the SLA order valid while a test moves one SLA to its bounds.
    if "sla_optimal_seconds" in changes and "sla_low_seconds" not in changes:
        values["sla_low_seconds"] = BOUNDS["sla_low_seconds"][1]
    if "sla_low_seconds" in changes and "sla_optimal_seconds" not in changes:
        values["sla_optimal_seconds"] = BOUNDS["sla_optimal_seconds"][0]
    return Client(**values)


def errors_of(client):
    with pytest.raises(ValidationError) as caught:
        client.full_clean()
    return caught.value.message_dict


def raw_insert(**changes):
    """INSERT straight into the table, past every Python check."""
    now = timezone.now()
    values = {
        **VALID,
        "name_search": "telefonica",
        "name_sort": spanish_sort_key(VALID["name"]),
        "created_at": now,
        "updated_at": now,
        **changes,
    }
    columns = ", ".join(values)
    placeholders = ", ".join(["%s"] * len(values))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO clients_client ({columns}) VALUES ({placeholders})",
            list(values.values()),
        )


# The SLA order narrows the SLA bounds by one: optimal ≤ 86,399 and low ≥ 2.
SLA_ORDER_BOUNDS = {"sla_optimal_seconds": (1, 86_399), "sla_low_seconds": (2, 86_400)}
BOUND_CASES = [(field, *SLA_ORDER_BOUNDS.get(field, bounds)) for field, bounds in BOUNDS.items()]


@pytest.mark.parametrize(("field", "low", "high"), BOUND_CASES)
def test_each_number_accepts_both_of_its_bounds(field, low, high):
    build(**{field: low}).full_clean()
    build(**{field: high}).full_clean()


@pytest.mark.parametrize(("field", "bounds"), BOUNDS.items())
def test_each_number_refuses_values_just_outside_and_negative(field, bounds):
    low, high = bounds
    for bad in (low - 1, high + 1, -5):
        assert field in errors_of(build(**{field: bad})), bad


# Issue 16: the range in an administrator's words, numbers grouped as the
# language writes them, instead of "Asegúrese de que este valor es menor o igual a 86400".
RANGE_MESSAGES = {
    "code": (
        "Escriba un número entero entre 1 y 2.147.483.647.",
        "Enter a whole number between 1 and 2,147,483,647.",
    ),
    "sla_optimal_seconds": (
        "Entre 1 y 86.400 segundos (24 horas).",
        "Between 1 and 86,400 seconds (24 hours).",
    ),
    "sla_low_seconds": (
        "Entre 1 y 86.400 segundos (24 horas).",
        "Between 1 and 86,400 seconds (24 hours).",
    ),
    "max_history_conversations": (
        "Entre 0 y 100 conversaciones.",
        "Between 0 and 100 conversations.",
    ),
    "inactivity_alert_attempts": ("Entre 0 y 10 intentos.", "Between 0 and 10 attempts."),
    "max_inactivity_seconds": (
        "Entre 1 y 86.400 segundos (24 horas).",
        "Between 1 and 86,400 seconds (24 hours).",
    ),
}


@pytest.mark.parametrize(("field", "messages"), RANGE_MESSAGES.items())
def test_out_of_range_says_the_range_in_the_users_language(field, messages):
    spanish, english = messages
    low, high = BOUNDS[field]
    for bad in (low - 1, high + 1):
        # (A low SLA of 0 is also below the optimal one: that message comes second.)
        assert errors_of(build(**{field: bad}))[field][0] == spanish
        with translation.override("en"):
            assert errors_of(build(**{field: bad}))[field][0] == english


@pytest.mark.parametrize("typed", ["abc", "86.400", "1,5", "20.7"])
def test_a_number_that_is_not_whole_says_how_to_write_it_without_repeating_it(typed):
    assert errors_of(build(max_inactivity_seconds=typed))["max_inactivity_seconds"] == [
        "Escriba un número entero, sin puntos ni letras."
    ]


@pytest.mark.parametrize(("field", "bounds"), BOUNDS.items())
def test_database_refuses_out_of_range_numbers_on_a_raw_insert(field, bounds):
    low, high = bounds
    for bad in (low - 1, high + 1):
        # PostgreSQL's integer column overflows (DataError) before the check runs.
        with pytest.raises((IntegrityError, DataError)):
            raw_insert(**{field: bad})
    assert Client.objects.count() == 0


def test_a_valid_raw_insert_is_accepted():
    raw_insert()
    assert Client.objects.get().name == "Telefónica"


def test_optimal_sla_must_be_strictly_below_low_sla():
    assert "sla_low_seconds" in errors_of(build(sla_optimal_seconds=60, sla_low_seconds=60))
    assert "sla_low_seconds" in errors_of(build(sla_optimal_seconds=61, sla_low_seconds=60))
    build(sla_optimal_seconds=59, sla_low_seconds=60).full_clean()


def test_sla_order_is_not_checked_on_values_that_are_not_numbers():
    # Values as read from a file: the bad one gets its own message, no crash.
    errors = errors_of(build(sla_optimal_seconds="abc", sla_low_seconds="60"))
    assert list(errors) == ["sla_optimal_seconds"]


def test_sla_order_message_is_in_spanish():
    message = errors_of(build(sla_optimal_seconds=90, sla_low_seconds=30))["sla_low_seconds"]
    assert message == ["El SLA bajo debe ser mayor que el SLA óptimo."]


def test_database_refuses_optimal_sla_not_below_low_sla():
    with pytest.raises(IntegrityError):
        raw_insert(sla_optimal_seconds=60, sla_low_seconds=60)


@pytest.mark.parametrize("name", ["Telefónica", "Ñandú S.A.S.", "A", "x" * 120, "Société Générale"])
def test_names_with_any_unicode_letters_are_accepted(name):
    build(name=name).full_clean()


def test_name_is_trimmed_before_checking_and_saving():
    client = build(name="   Ñandú S.A.S.  ")
    client.full_clean()
    client.save()
    client.refresh_from_db()
    assert client.name == "Ñandú S.A.S."
    # 120 characters once trimmed is fine, even with spaces around it.
    build(code=43, name=f"  {'x' * 120}  ").full_clean()


@pytest.mark.parametrize("name", ["", "   ", "\t\n", "x" * 121, "bad\x00name"])
def test_blank_too_long_or_nul_names_are_refused(name):
    assert "name" in errors_of(build(name=name))


@pytest.mark.parametrize("name", ["", " padded", "padded ", "x" * 121])
def test_database_refuses_blank_untrimmed_or_too_long_names(name):
    with pytest.raises((IntegrityError, DataError)):  # PostgreSQL: varchar(120) overflow
        raw_insert(name=name)


def test_code_is_unique_with_a_clear_message():
    ClientFactory(code=42, status="inactive")
    assert errors_of(build(code=42))["code"] == ["Este código ya está en uso."]


def test_database_refuses_a_duplicate_code():
    ClientFactory(code=42)
    with pytest.raises(IntegrityError):
        raw_insert(code=42)


def test_code_cannot_change_after_creation():
    client = ClientFactory(code=42)
    client = Client.objects.get(pk=client.pk)
    client.code = 43
    assert errors_of(client)["code"] == ["El código de un cliente existente no se puede cambiar."]
    with pytest.raises(ValidationError):
        client.save()
    assert Client.objects.get(pk=client.pk).code == 42


def test_database_refuses_to_change_a_code():
    ClientFactory(code=42)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE clients_client SET code = 43 WHERE code = 42")
    assert Client.objects.filter(code=42).exists()


def test_other_fields_of_an_existing_client_can_change():
    client = ClientFactory(code=42, name="Viejo")
    client = Client.objects.get(pk=client.pk)
    client.name = "Nuevo"
    client.full_clean()
    client.save()
    assert Client.objects.get(code=42).name == "Nuevo"


def test_status_is_active_by_default_and_limited_to_two_values():
    client = Client(**{key: value for key, value in VALID.items() if key != "status"})
    assert client.status == "active"
    assert "status" in errors_of(build(status="deleted"))
    with pytest.raises(IntegrityError):
        raw_insert(status="deleted")


def test_clients_are_never_deleted():
    client = ClientFactory()
    with pytest.raises(ClientDeletionError):
        client.delete()
    with pytest.raises(ClientDeletionError):
        Client.objects.all().delete()
    assert Client.objects.count() == 1


def test_timestamps_and_authors_are_kept():
    author, editor = UserFactory(), UserFactory()
    client = build()
    client.record_change_by(author)
    client.save()
    created_at = client.created_at
    client.name = "Otro"
    client.record_change_by(editor)
    client.save()
    client.refresh_from_db()
    assert (client.created_by, client.updated_by) == (author, editor)
    assert client.created_at == created_at < client.updated_at


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Telefónica", "telefonica"), ("ÑANDÚ", "nandu"), ("Straße", "strasse"), ("abc", "abc")],
)
def test_search_key_folds_case_and_accents(text, expected):
    assert normalize_for_search(text) == expected


def test_name_search_ignores_case_and_accents_and_keeps_wildcards_literal():
    ClientFactory(name="Telefónica Colombia")
    ClientFactory(name="Ñandú S.A.S.")
    ClientFactory(name="100% Café")
    assert [c.name for c in Client.objects.search_name("TELEFONICA")] == ["Telefónica Colombia"]
    assert [c.name for c in Client.objects.search_name("nandu")] == ["Ñandú S.A.S."]
    assert [c.name for c in Client.objects.search_name("0% caf")] == ["100% Café"]
    assert list(Client.objects.search_name("_")) == []


def test_bulk_create_is_refused_for_the_writer_that_derives_every_column():
    with pytest.raises(NotImplementedError, match="BulkWriter"):
        Client.objects.bulk_create([build(code=1, name="Éxito")])
    with pytest.raises(NotImplementedError, match="BulkWriter"):
        Client.objects.bulk_update([ClientFactory()], ["name"])
    assert Client.objects.count() == 1


# --- Next free code -------------------------------------------------------------

TOP = BOUNDS["code"][1]


@pytest.mark.parametrize(
    ("codes", "proposed"),
    [
        ([], 1),
        ([7], 8),
        ([3, 41, 12], 42),
        ([TOP - 1], TOP),
        # At the top, the lowest free code: a proposal must always be valid.
        ([TOP], 1),
        ([1, 2, 3, 5, TOP], 4),
        ([1, TOP - 1, TOP], 2),
    ],
)
def test_next_free_code(codes, proposed):
    for code in codes:
        ClientFactory(code=code)
    assert Client.objects.next_free_code() == proposed


def test_next_free_code_counts_inactive_clients():
    ClientFactory(code=9, status="inactive")
    assert Client.objects.next_free_code() == 10


def test_next_free_code_is_none_when_every_code_is_taken(monkeypatch):
    monkeypatch.setitem(BOUNDS, "code", (1, 3))
    for code in (1, 2, 3):
        ClientFactory(code=code)
    assert Client.objects.next_free_code() is None
