"""How far the web import's check (Vista previa) and Confirmar have got, for
their page to show while the request runs.

The work runs in the request, as before (without JavaScript nothing changes);
the form's page (``static/js/busy-forms.js``) sends a random token with it and
asks ``ImportProgressView`` for that token's progress twice a second. Progress
is counted as ``import_clients`` counts it: bytes of the file read out of its
size, after each chunk of rows (``ClientImport.on_progress``), so it costs no
second pass over the file.

Why a cache, not the database: Confirmar writes inside one transaction, whose
progress rows no other connection would see before the commit (and on SQLite a
second writing connection would wait for it); and gunicorn's workers share no
memory. The ``progress`` cache (settings.CACHES) is therefore a file-based one
every process of the host reads; where the app runs on several hosts, point it
at a shared cache (Redis, memcached).

Why a token and no login check: the token is 128 random bits only the
uploading page knows, and what it reveals is a phase and a percentage. Leaving
the session and the database out of the polls keeps them cheap and answering
even while the import holds the database.
"""

import re

from django.core.cache import caches

#: The form field that carries the page's token.
FIELD = "progress"
#: The cache alias (settings.CACHES) every worker of the host reads.
CACHE = "progress"
#: What the page's token looks like: 32 hex digits.
TOKEN = re.compile(r"[0-9a-f]{32}")
#: Seconds a progress is kept after its last change.
KEPT_SECONDS = 600
#: The phases: checking the upload, reading and staging Confirmar's rows, then
#: writing them (a few statements whose own progress the database does not tell).
CHECK, IMPORT, SAVE = "check", "import", "save"


def _key(token):
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    return f"import-progress:{token}"


class Tracker:
    """Records the progress of one request under the page's ``token`` (none,
    or a malformed one, records nothing). Called as ``tracker(phase, done,
    total)``; writes only when the whole percentage or the phase changes."""

    def __init__(self, token):
        self.key = _key(token)
        self.last = None

    def __call__(self, phase, done=1, total=1):
        if self.key is None:
            return
        percent = min(100, max(0, done * 100 // total)) if total else 100
        state = {"phase": phase, "percent": percent}
        if state != self.last:
            self.last = state
            caches[CACHE].set(self.key, state, KEPT_SECONDS)


def read(token):
    """``{"phase": …, "percent": …}`` recorded under ``token``, or ``None``."""
    key = _key(token)
    return caches[CACHE].get(key) if key else None
