"""Whatever anyone types or sends, the answer is a page or a form with errors; never a 500.

Hypothesis generates the inputs: huge and negative numbers, floats, blanks,
NUL bytes, long strings, SQL and HTML fragments, any Unicode, repeated
parameters. Three tests x 340 examples = 1,020 requests per run. A NUL byte,
which no one can type, gets the 400 page before any view sees it
(config/middleware.py).
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clients.models import CLIENT_FIELDS, Client

from .factories import ClientFactory

EXAMPLES = 340
nasty_text = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "1\x00",
            "x" * 10_000,
            "' OR 1=1 --",
            "1; DROP TABLE clients_client",
            "<script>alert(1)</script>",
            "١٢٣",  # Arabic-Indic digits
            "1e400",
            "0x10",
            "active",
            "inactive",
            "%",
            "_",
        ]
    ),
    st.text(max_size=200),
)
field_values = st.one_of(nasty_text, st.lists(nasty_text, min_size=2, max_size=3))
form_data = st.dictionaries(st.sampled_from([*CLIENT_FIELDS, "version", "next"]), field_values)
query = st.dictionaries(st.sampled_from(["code", "name", "status", "sort", "page"]), field_values)

run = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def carries_nul(data):
    values = [
        value for item in data.values() for value in (item if isinstance(item, list) else [item])
    ]
    return any("\x00" in value for value in values)


@pytest.fixture
def browser(manager_client):
    manager_client.raise_request_exception = True  # a 500 fails loudly
    ClientFactory(code=700)
    return manager_client


@pytest.mark.django_db
@run
@given(data=form_data)
def test_create_form_never_breaks(browser, data):
    response = browser.post("/administracion/clientes/crear/", data)
    if carries_nul(data):
        assert response.status_code == 400
        return
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors
    else:  # what was stored passes every rule
        Client.objects.latest("id").full_clean()


@pytest.mark.django_db
@run
@given(data=form_data)
def test_edit_form_never_breaks(browser, data):
    response = browser.post("/administracion/clientes/700/editar/", data)
    assert response.status_code in ((400,) if carries_nul(data) else (200, 302))
    Client.objects.get(code=700).full_clean()


@pytest.mark.django_db
@run
@given(params=query)
def test_list_query_never_breaks(browser, params):
    response = browser.get("/administracion/clientes/", params)
    assert response.status_code == (400 if carries_nul(params) else 200)
