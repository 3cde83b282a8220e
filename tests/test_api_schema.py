"""Property-based check of the API against its own OpenAPI schema (schemathesis).

The app runs in-process through its WSGI entry point, so the database is used
as under a real server, without a wrapping test transaction.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application

from .factories import ClientFactory, UserFactory


@pytest.fixture
def auth(transactional_db):
    ClientFactory(code=700, name="Ñandú S.A.S.")
    ClientFactory(code=701, status="inactive")
    token = Token.objects.create(user=UserFactory(permissions=["view_client"]))
    return {"Authorization": f"Token {token.key}"}


@pytest.fixture
def api_schema(auth):
    return schemathesis.openapi.from_wsgi("/api/schema/", application, headers=auth)


@pytest.mark.parametrize(
    ("mode", "validation"),
    [
        # Valid requests get the documented answers: status, content type and
        # body. (The schema leaves out some rules of the query, such as no NUL
        # in a name, so a few "valid" ones get a documented 400.)
        (GenerationMode.POSITIVE, {"excluded_checks": [positive_data_acceptance]}),
        # Invalid ones never get a server error. Nothing stricter: as on the list
        # page an empty `status` means all, and an invalid code (-1, "abc")
        # matches no URL, so the project's JSON 404 answers, undocumented.
        (GenerationMode.NEGATIVE, {"checks": [not_a_server_error]}),
    ],
    ids=["positive", "negative"],
)
@given(data=st.data())
@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema_and_never_fails(api_schema, auth, mode, validation, data):
    case = data.draw(api_schema.as_strategy(mode, headers=auth))
    case.call_and_validate(**validation)
