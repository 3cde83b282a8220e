"""Logging for Django and gunicorn alike: every record one line on stdout,
plain text or, with ``LOG_FORMAT=json``, JSON lines for log collectors.

Every line starts with its time in ISO 8601 with the offset
(``2026-11-27T10:01:02.123-05:00``), on the clock of ``TIME_ZONE``, in
gunicorn's master (which never loads Django) as in the app.
"""

import json
import logging
import os
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured

DEFAULT_TIME_ZONE = "America/Bogota"


class TimeFormatter(logging.Formatter):
    """A formatter whose time is ISO 8601 with its offset, in ``TIME_ZONE``.

    ``logging`` would write local time without an offset, and the local time
    differs between processes: Django sets the process's zone from
    ``TIME_ZONE``, gunicorn's master keeps the system's (often UTC).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(os.environ.get("TIME_ZONE", DEFAULT_TIME_ZONE))

    def formatTime(self, record, datefmt=None):
        moment = datetime.fromtimestamp(record.created, self.zone)
        return moment.isoformat(timespec="milliseconds")


class PlainFormatter(TimeFormatter):
    """``time level logger message``, one line per record (plus a traceback)."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")


class JsonFormatter(TimeFormatter):
    """One JSON object per record, so collectors need no parsing rules."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def logging_config(propagating=()):
    """A ``dictConfig`` from ``LOG_LEVEL`` and ``LOG_FORMAT``: the root logger
    writes to stdout, and the ``propagating`` loggers drop their own handlers
    to go through it (gunicorn's, whose master process never loads Django)."""
    # Built afresh on each call: dictConfig consumes the dictionaries it is given.
    formatters = {
        "plain": {"()": PlainFormatter},
        "json": {"()": JsonFormatter},
    }
    log_format = os.environ.get("LOG_FORMAT", "plain")
    if log_format not in formatters:
        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(formatters)}.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatters[log_format]},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "default",
            }
        },
        "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
        "loggers": {name: {"handlers": [], "propagate": True} for name in propagating},
    }
