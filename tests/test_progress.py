"""How far a web import has got, as its page polls it (``clients/progress.py``)."""

import pytest
from django.core.cache import caches
from django.test import Client as Browser

from clients import progress

PROGRESS_URL = "/administracion/clientes/importar/progreso/"
TOKEN = "0123456789abcdef" * 2


@pytest.fixture(autouse=True)
def progress_cache(settings, tmp_path):
    """A file-based cache of the test's own, as every worker of a host shares one."""
    settings.CACHES = {
        **settings.CACHES,
        "progress": {**settings.CACHES["progress"], "LOCATION": str(tmp_path / "progress")},
    }


def test_the_progress_is_kept_as_a_whole_percentage_of_the_bytes_read():
    track = progress.Tracker(TOKEN)
    track(progress.CHECK, 1_234, 10_000)
    assert progress.read(TOKEN) == {"phase": "check", "percent": 12}
    track(progress.SAVE)
    assert progress.read(TOKEN) == {"phase": "save", "percent": 100}


def test_it_is_written_only_when_the_percentage_or_the_phase_changes(monkeypatch):
    writes = []
    cache = caches[progress.CACHE]
    monkeypatch.setattr(cache, "set", lambda *args, **kwargs: writes.append(args[1]))
    track = progress.Tracker(TOKEN)
    for done in (0, 5, 9, 10, 999, 1_000, 1_000):
        track(progress.IMPORT, done, 1_000)
    track(progress.SAVE)
    assert [state["percent"] for state in writes] == [0, 1, 99, 100, 100]
    assert [state["phase"] for state in writes][-2:] == ["import", "save"]


@pytest.mark.parametrize(
    "token", [None, "", "short", "../../etc/passwd", TOKEN.upper(), TOKEN + "0"]
)
def test_a_missing_or_malformed_token_records_and_reads_nothing(token):
    progress.Tracker(token)(progress.CHECK, 5, 10)
    assert progress.read(token) is None


def test_another_process_reads_what_one_wrote(settings):
    """Gunicorn's workers share no memory: the cache lives in files."""
    progress.Tracker(TOKEN)(progress.IMPORT, 3, 4)
    caches[progress.CACHE].close()
    settings.CACHES = {**settings.CACHES}  # a new cache handler, as in another process
    assert progress.read(TOKEN) == {"phase": "import", "percent": 75}


# --- The page's polls ---------------------------------------------------------------


def test_the_poll_answers_the_tokens_progress_without_the_database(
    django_assert_num_queries, manager_client
):
    """Not even the session: the polls answer while the import holds the database."""
    progress.Tracker(TOKEN)(progress.CHECK, 1, 2)
    with django_assert_num_queries(0):
        response = manager_client.get(PROGRESS_URL, {"token": TOKEN})
    assert response.status_code == 200
    assert response.json() == {"phase": "check", "percent": 50}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("query", [{}, {"token": TOKEN}, {"token": "nope"}])
def test_before_the_work_starts_or_for_a_bad_token_the_phase_is_null(db, query):
    response = Browser().get(PROGRESS_URL, query)
    assert response.status_code == 200
    assert response.json() == {"phase": None}


def test_the_poll_only_reads(db):
    assert Browser().post(PROGRESS_URL, {"token": TOKEN}).status_code == 405
