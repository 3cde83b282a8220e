"""Gunicorn settings for production: ``gunicorn config.wsgi`` (``make serve``).

Environment: ``BIND`` (``host:port``; else all interfaces on ``PORT``, as
platforms that set it expect, else 127.0.0.1:8000 for a local reverse proxy),
``WEB_CONCURRENCY`` (workers; default two per CPU plus one), ``LOG_LEVEL`` and
``LOG_FORMAT`` (as for Django), ``DB_STATEMENT_TIMEOUT`` (seconds; default 10
here, see below).
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

# A worker silent for this long on one request is killed, and its client gets a
# closed connection instead of an answer...
timeout = 30
# ...so the database must give up well before: PostgreSQL cancels a request's
# statement (a wait for a lock included) after 10 s, and connecting gives up
# after DB_CONNECT_TIMEOUT (5 s, settings.py); either way the answer is the 503
# page, or the API's JSON 503. Set here, for the workers only: commands run long
# statements on purpose. (settings.py reads the variable when a worker loads the app.)
os.environ.setdefault("DB_STATEMENT_TIMEOUT", "10")

# Access and error logs go to stdout, in the same format as the app's own.
accesslog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
logconfig_dict = logging_config(propagating=["gunicorn.access", "gunicorn.error"])

# No gunicornc control socket: one fixed path under $HOME would be shared by
# every instance on the host (and $HOME may be read-only in a container).
control_socket_disable = True
