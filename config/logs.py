"""Logging for Django and gunicorn alike: every record one line on stdout,
plain text or, with ``LOG_FORMAT=json``, JSON lines for log collectors."""

import json
import logging
import os
from datetime import UTC, datetime

from django.core.exceptions import ImproperlyConfigured


class JsonFormatter(logging.Formatter):
    """One JSON object per record, so collectors need no parsing rules."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
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
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
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
