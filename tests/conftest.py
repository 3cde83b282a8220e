import pytest
from django.db import DataError, IntegrityError

from clients.bulk import BulkWriter

from .commands import manage_process
from .factories import ClientFactory, UserFactory, form_data


@pytest.fixture(autouse=True)
def spanish_by_default(settings):
    """Tests read the UI as a Spanish-speaking user sees it unless they say otherwise."""
    settings.LANGUAGE_CODE = "es"


@pytest.fixture(autouse=True)
def same_clients_every_run():
    """A test's clients do not depend on the tests that ran before it."""
    ClientFactory.reset_sequence()


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


#: What PostgreSQL says when a write breaks one of its rules: never shown to users.
DATABASE_WORDS = 'new row for relation "clients_client" violates check constraint'


@pytest.fixture(params=[IntegrityError, DataError], ids=["integrity", "data"])
def refusing_database(request, monkeypatch):
    """Call it, and from then on the bulk writer writes its rows, then the database
    refuses (as in a race with another writer): what was written must be rolled
    back. Returns the database's words, which users must not see."""
    original = BulkWriter.apply

    def apply(self):
        original(self)
        raise request.param(DATABASE_WORDS)

    def refuse():
        monkeypatch.setattr(BulkWriter, "apply", apply)
        return DATABASE_WORDS

    return refuse
