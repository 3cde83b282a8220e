"""Everything a stored client derives from the values people give it, in one place.

A client reaches the database by two roads: ``Client.save()`` (the pages, the
Django admin, ``set_client_status``, ``load_demo``) and ``bulk.BulkWriter``
(``import_clients``, ``seed_clients``). Both ask this module for the columns
nobody types (the search key, timestamps, authors, the version) and for what
a history row records about the change, so a rule changed here changes for
every road. ``tests/test_writing.py`` stores the same clients by each road and
compares the rows.
"""

from .fields import normalize_for_search

#: The version of a new client; each change adds one (optimistic locking).
FIRST_VERSION = 1
#: django-simple-history's marks for a created and a changed record.
CREATED, CHANGED = "+", "~"


def derived_values(values):
    """The columns computed from the typed ones: ``{column: value}``."""
    return {"name_search": normalize_for_search(values["name"])}


def stamps(*, created, now, user_id, version=None):
    """When and by whom: the timestamps, authors and version a change stores.

    ``version`` is the one the change was based on (ignored when created).
    """
    values = {
        "updated_at": now,
        "updated_by_id": user_id,
        "version": FIRST_VERSION if created else version + 1,
    }
    if created:
        values.update(created_at=now, created_by_id=user_id)
    return values


def stored_values(values, *, created, now, user_id, version=None):
    """Every column a change writes: the typed ``values``, what derives from
    them, and the stamps."""
    return {
        **values,
        **derived_values(values),
        **stamps(created=created, now=now, user_id=user_id, version=version),
    }


def history_values(*, created, now, user_id, batch_id=None):
    """What a history row records about the change, beside a copy of the client
    as stored (the layout of django-simple-history's ``HistoricalClient``), and
    the batch (``Batch``) it belongs to, if any."""
    return {
        "history_date": now,
        "history_type": CREATED if created else CHANGED,
        "history_user_id": user_id,
        "history_change_reason": None,
        "batch_id": batch_id,
    }
