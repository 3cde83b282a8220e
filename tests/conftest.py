import pytest

from .factories import ClientFactory, UserFactory


@pytest.fixture(autouse=True)
def spanish_by_default(settings):
    """Tests read the UI as a Spanish-speaking user sees it unless they say otherwise."""
    settings.LANGUAGE_CODE = "es"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    def make(*codenames, **kwargs):
        return UserFactory(permissions=list(codenames), **kwargs)

    return make


@pytest.fixture
def manager(make_user):
    """A user with every permission the clients pages know."""
    return make_user("view_client", "add_client", "change_client")


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def valid_data():
    """The POST body of a correct create form."""
    return {
        "code": "501",
        "name": "Telefónica",
        "sla_optimal_seconds": "20",
        "sla_low_seconds": "60",
        "max_history_conversations": "10",
        "inactivity_alert_attempts": "3",
        "max_inactivity_seconds": "300",
    }


@pytest.fixture
def client_record(db):
    return ClientFactory(code=700, name="Ñandú S.A.S.")
