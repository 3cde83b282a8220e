import pytest

from .commands import manage_process
from .factories import ClientFactory, UserFactory, form_data


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
    return form_data()


@pytest.fixture
def client_record(db):
    return ClientFactory(code=700, name="Ñandú S.A.S.")


@pytest.fixture(scope="module")
def manage(tmp_path_factory):
    """Run ``manage.py`` in a process of its own, on a migrated SQLite file."""
    manage = manage_process(f"sqlite:///{tmp_path_factory.mktemp('db') / 'db.sqlite3'}")
    assert manage("migrate", "--noinput").returncode == 0
    return manage
