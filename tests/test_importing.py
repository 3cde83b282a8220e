"""The import's row checks are the model's own, and its writes are a few statements."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import event, given, settings
from hypothesis import strategies as st

from clients.bulk import BulkWriter
from clients.importing import ClientImport, RowRules
from clients.models import BOUNDS, CLIENT_FIELDS, Client
from clients.transfer import OPTIONAL_FIELDS

from .factories import ClientFactory, UserFactory

#: What a file's reader hands over for a cell: text, a JSON number or null.
cell = st.one_of(
    st.integers(min_value=-5, max_value=BOUNDS["sla_low_seconds"][1] + 5),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.integers(min_value=-5, max_value=200).map(str),
    st.sampled_from(
        ["", " ", "  7 ", "abc", "1.5", "1e3", "\x00", "active", "inactive", "x" * 121]
    ),
    st.text(max_size=10),
    st.none(),
)


def fitting(name):
    """A cell that passes the field's own checks."""
    if name in BOUNDS:
        number = st.integers(*BOUNDS[name])
        return st.one_of(number, number.map(str), number.map(lambda n: f" {n} "))
    if name == "status":
        return st.sampled_from(Client.Status.values)
    return st.text(min_size=1, max_size=20).filter(str.strip)


required = [name for name in CLIENT_FIELDS if name not in OPTIONAL_FIELDS]
#: Rows whose fields pass, often in the wrong SLA order, then with any cells swapped in.
row = st.builds(
    lambda good, bad: {**good, **bad},
    st.fixed_dictionaries(
        {name: fitting(name) for name in required},
        optional={name: fitting(name) for name in OPTIONAL_FIELDS},
    ),
    st.dictionaries(st.sampled_from(CLIENT_FIELDS), cell, max_size=3),
)


def full_clean(values):
    """What ``full_clean()`` makes of a row: its clean values, or its messages."""
    client = Client(**values)
    try:
        client.full_clean(
            exclude=[f.name for f in Client._meta.fields if f.name not in CLIENT_FIELDS],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        return None, error.message_dict
    return {name: getattr(client, name) for name in values}, {}


@settings(max_examples=400, deadline=None)
@given(rows=st.lists(row, min_size=1, max_size=4))
def test_row_checks_give_full_cleans_verdict_on_any_row(rows):
    rules = RowRules()  # One for all the rows, as in an import.
    for values in rows:
        cleaned, errors = rules.check(values)
        expected_values, expected_errors = full_clean(values)
        assert errors == expected_errors
        if not errors:
            assert cleaned == expected_values
        event("valid" if not errors else "rejected")


def test_a_value_refused_once_is_refused_again():
    rules = RowRules()
    values = {"code": 1, "name": "Uno", "sla_optimal_seconds": "0", "sla_low_seconds": 60}
    values |= {"max_history_conversations": 1, "inactivity_alert_attempts": 1}
    values |= {"max_inactivity_seconds": 60}
    first, second = rules.check(values)[1], rules.check({**values, "code": 2})[1]
    assert first == second == {"sla_optimal_seconds": ["Entre 1 y 86.400 segundos (24 horas)."]}


def file_rows(valid_data, first, *codes):
    """Rows as a file's reader gives them, with the create form's valid values:
    ``first`` renamed, then one new client per code."""
    renamed = (first, {**valid_data, "code": str(first), "name": "Cambiado"})
    return [renamed, *((code, {**valid_data, "code": str(code)}) for code in codes)]


def queries_to_import(rows, user):
    job = ClientImport(update=True)
    with CaptureQueriesContext(connection) as captured, BulkWriter(user) as writer:
        job.run(rows, writer)
        writer.apply()
    assert not job.rejected
    return len(captured)


@pytest.mark.django_db
def test_an_import_costs_the_same_few_queries_for_ten_rows_or_a_thousand(valid_data):
    user = UserFactory()
    for code in (1, 2, 2_001, 2_002):
        ClientFactory(code=code)
    few = file_rows(valid_data, 1, *range(3, 12))
    many = file_rows(valid_data, 2_001, *range(3_000, 4_000))
    assert queries_to_import(few, user) == queries_to_import(many, user) <= 16
    assert Client.objects.count() == 4 + 9 + 1_000
