"""Gunicorn settings for production: ``gunicorn config.wsgi`` (``make serve``).

Environment: ``BIND`` (``host:port``; else all interfaces on ``PORT``, as
platforms that set it expect, else 127.0.0.1:8000 for a local reverse proxy),
``WEB_CONCURRENCY`` (workers; default two per CPU plus one), ``LOG_LEVEL`` and
``LOG_FORMAT`` (as for Django).
"""

import multiprocessing
import os

from config.logs import logging_config

if "BIND" in os.environ:
    bind = os.environ["BIND"]
elif "PORT" in os.environ:
    bind = f"0.0.0.0:{os.environ['PORT']}"
else:
    bind = "127.0.0.1:8000"

workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))

# Access and error logs go to stdout, in the same format as the app's own.
accesslog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
logconfig_dict = logging_config(propagating=["gunicorn.access", "gunicorn.error"])

# No gunicornc control socket: one fixed path under $HOME would be shared by
# every instance on the host (and $HOME may be read-only in a container).
control_socket_disable = True
