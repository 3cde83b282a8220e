"""Webhooks: every change of the feed POSTed to each active subscription,
signed, retried, in order.

**State.** A subscription (``WebhookSubscription``) keeps its ``position`` in
the change feed (``clients.changes``: the ``history_id`` of the last change
delivered) and the state of its *head*, the next change after it: failed
attempts, when the next one is due, since when it fails. Each attempt sends
the head and nothing else, so a subscription's changes arrive in feed order
(commit order), and a receiver that fails holds back its own queue only.

**One claim** (``deliver_next``): claim a subscription that is active, not
failing, due and behind the feed; POST its head; on a 2xx move ``position``
past it and go on with the next change, else schedule a retry with
exponential backoff (``RETRY_BASE`` doubling up to ``RETRY_CAP``); once the
head has failed for ``GIVE_UP_AFTER`` the subscription is marked failing and
waits for ``webhooks retry ID``.

**Claims.** On PostgreSQL the subscription's row is claimed with ``SELECT …
FOR UPDATE SKIP LOCKED`` and the lock is held, in a transaction, through the
POST until its outcome is saved: two workers never send the same change, and
a worker killed mid-request releases the lock as its connection drops, with
``position`` unmoved, so the change is sent again (at-least-once, nothing
skipped). A claim sends up to ``BATCH`` changes in a row (or for
``BATCH_SECONDS``) and saves the new position once, when its transaction
commits: a crash repeats at most those. The open transaction lasts at most
``BATCH_SECONDS`` plus one request's timeout. SQLite
has no row locks, and holding a transaction there through a request would
block every writer of the database: the worker reads, POSTs, then saves, so
run a single worker on SQLite.

**Wake-up** (``Waiter``): on PostgreSQL a trigger NOTIFYs the channel
``clients_changes`` when a transaction that wrote history commits, and the
worker LISTENs on a connection of its own; it also polls, as a fallback, and
on SQLite polling is all there is (every ``POLL_SQLITE`` seconds).
"""

import contextlib
import datetime
import hashlib
import hmac
import http.client
import logging
import os
import select
import time
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from . import changes
from .migrations._triggers import NOTIFY_CHANNEL
from .models import Client, WebhookSubscription
from .serializers import ChangeSerializer

logger = logging.getLogger(__name__)

#: Seconds; each can be changed in the settings (``WEBHOOKS_TIMEOUT`` …).
DEFAULTS = {
    "TIMEOUT": 10.0,  # no answer within this: a failed attempt
    "RETRY_BASE": 2.0,  # first retry after this, then doubling …
    "RETRY_CAP": 600.0,  # … up to this
    "GIVE_UP_AFTER": 24 * 3600.0,  # the head failing this long: the subscription is failing
    "POLL_SQLITE": 0.25,  # without LISTEN/NOTIFY
    "POLL_NOTIFY": 5.0,  # with it, in case a notification is lost
    "BATCH": 20,  # changes sent to one subscription in a row, at most …
    "BATCH_SECONDS": 0.5,  # … and for this long, before the next one's turn
}
#: Bytes of an answer's body read (to name the result); the rest is never read.
MAX_BODY_READ = 1024
USER_AGENT = "Clientes-Webhooks/1"


def setting(name):
    return float(getattr(settings, f"WEBHOOKS_{name}", DEFAULTS[name]))


# --- The request ----------------------------------------------------------------


def body_of(row):
    """The change's JSON, byte for byte the feed's item (same serializer, same renderer)."""
    return JSONRenderer().render(ChangeSerializer(row).data)


def signature(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def delivery_id(subscription, row):
    """The same on every attempt of one change to one subscription."""
    return f"{subscription.pk}-{row.history_id}"


def headers_for(subscription, row, body):
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Clientes-Event": f"client.{changes.ACTIONS[row.history_type]}",
        "X-Clientes-Delivery": delivery_id(subscription, row),
        "X-Clientes-Signature": signature(subscription.secret, body),
    }


@dataclass
class Outcome:
    ok: bool
    result: str  # for people: "200", "HTTP 500", "timeout (10 s)", …


def post(url, body, headers, timeout):
    """POST ``body``; never follows a redirect, reads at most ``MAX_BODY_READ`` bytes
    of the answer, and gives up ``timeout`` seconds after starting."""
    parts = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + timeout
    https = parts.scheme.lower() == "https"
    connection_class = http.client.HTTPSConnection if https else http.client.HTTPConnection
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    conn = connection_class(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("POST", target, body=body, headers={**headers, "Connection": "close"})
        # Kept: getresponse() drops conn.sock when the server says it will close.
        sock = conn.sock
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        response = conn.getresponse()
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        response.read(MAX_BODY_READ)  # a huge body is cut off here
        status = response.status
    except TimeoutError:
        return Outcome(False, f"timeout ({timeout:g} s)")
    except (OSError, http.client.HTTPException) as error:
        return Outcome(False, f"connection error: {error.__class__.__name__}: {error}"[:200])
    finally:
        conn.close()
    if time.monotonic() > deadline:
        return Outcome(False, f"timeout ({timeout:g} s)")
    if 200 <= status < 300:
        return Outcome(True, str(status))
    if 300 <= status < 400:
        return Outcome(False, f"HTTP {status} (redirects are not followed)")
    return Outcome(False, f"HTTP {status}")


# --- One attempt -------------------------------------------------------------------


def behind_the_feed():
    history = Client.history.model.objects.filter(history_id__gt=OuterRef("position"))
    return Exists(history)


def due(now):
    """Subscriptions with a change to send now."""
    return (
        WebhookSubscription.objects.filter(active=True, failing=False)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(behind_the_feed())
        .order_by(F("last_attempt_at").asc(nulls_first=True), "id")
    )


def retry_delay(attempts):
    """Seconds before attempt ``attempts + 1``, after ``attempts`` failures."""
    return min(setting("RETRY_BASE") * 2 ** (attempts - 1), setting("RETRY_CAP"))


def record(subscription, outcome, head, now):
    """Save the attempt's outcome: past the head, or its retry."""
    subscription.last_attempt_at = now
    subscription.last_result = outcome.result[:200]
    if outcome.ok:
        subscription.position = head.history_id
        subscription.attempts = 0
        subscription.next_attempt_at = subscription.failing_since = None
    else:
        subscription.attempts += 1
        subscription.failing_since = subscription.failing_since or now
        give_up = datetime.timedelta(seconds=setting("GIVE_UP_AFTER"))
        if now - subscription.failing_since >= give_up:
            subscription.failing = True
            subscription.next_attempt_at = None
            since = subscription.failing_since
            logger.warning("Webhook %s failing since %s", subscription.pk, since)
        else:
            delay = datetime.timedelta(seconds=retry_delay(subscription.attempts))
            subscription.next_attempt_at = now + delay
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        **{field: getattr(subscription, field) for field in WebhookSubscription.DELIVERY_STATE}
    )


class Bodies(dict):
    """The bodies of the changes a round of deliveries has sent, by history id:
    each change is serialized once, whatever the number of subscriptions."""

    def of(self, row):
        body = self.get(row.history_id)
        if body is None:
            if len(self) >= 1000:
                self.clear()
            body = self[row.history_id] = body_of(row)
        return body


def attempt(subscription, should_stop=lambda: False, bodies=None):
    """POST the subscription's next changes in order, recording each outcome,
    until one fails, ``BATCH`` were sent or ``BATCH_SECONDS`` passed (so
    that the other subscriptions get their turn); how many requests were made."""
    rows = changes.changes_after(subscription.position, int(setting("BATCH")))
    deadline = time.monotonic() + setting("BATCH_SECONDS")
    made, unsaved = 0, None
    for row in rows:
        body = (bodies if bodies is not None else Bodies()).of(row)
        outcome = post(
            subscription.url, body, headers_for(subscription, row, body), setting("TIMEOUT")
        )
        made += 1
        log = logger.debug if outcome.ok else logger.info
        log("Webhook %s: change %s → %s", subscription.pk, row.history_id, outcome.result)
        if outcome.ok and connection.in_atomic_block:
            # Saved once, at the end: the claim's transaction commits them together.
            unsaved = (outcome, row, timezone.now())
        else:
            if unsaved and not outcome.ok:
                record(subscription, *unsaved)
            unsaved = None
            record(subscription, outcome, row, timezone.now())
        if not outcome.ok or should_stop() or time.monotonic() > deadline:
            break
    if unsaved:
        record(subscription, *unsaved)
    return made


def deliver_next(now=None, should_stop=lambda: False, bodies=None):
    """Attempts for one due subscription; 0 when none is due."""
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        with transaction.atomic():
            # Losing the last positions to a database crash only means sending
            # those changes again (at-least-once), so no need to wait for the
            # disk on each commit.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
            subscription = due(now).select_for_update(skip_locked=True, of=("self",)).first()
            return 0 if subscription is None else attempt(subscription, should_stop, bodies)
    subscription = due(now).first()
    return 0 if subscription is None else attempt(subscription, should_stop, bodies)


def deliver_due(should_stop=lambda: False):
    """Every attempt due now (retries scheduled later wait); how many were made."""
    start, made, bodies = timezone.now(), 0, Bodies()
    while not should_stop():
        made_now = deliver_next(start, should_stop, bodies)
        if not made_now:
            break
        made += made_now
    return made


def next_retry_in(now=None):
    """Seconds until the earliest retry (0 if one is due already), or None."""
    now = now or timezone.now()
    first = (
        WebhookSubscription.objects.filter(
            active=True, failing=False, next_attempt_at__isnull=False
        )
        .filter(behind_the_feed())
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return None if first is None else max(0.0, (first - now).total_seconds())


def resume(subscription):
    """``webhooks retry``: the head is sent again now, with a fresh 24 hours."""
    subscription.failing = False
    subscription.attempts = 0
    subscription.next_attempt_at = subscription.failing_since = None
    subscription.save(update_fields=["failing", "attempts", "next_attempt_at", "failing_since"])


# --- Waiting for work ----------------------------------------------------------------


class Waiter:
    """Sleeps until a change commits (PostgreSQL NOTIFY), the poll interval
    passes, or ``wake()`` is called (from a signal handler)."""

    def __init__(self, poll=None):
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)
        self._listener = None
        if connection.vendor == "postgresql":
            self._listen()
        default = "POLL_NOTIFY" if self._listener else "POLL_SQLITE"
        self.poll = setting(default) if poll is None else poll

    def _listen(self):
        try:
            raw = connection.get_new_connection(connection.get_connection_params())
            raw.autocommit = True
            with raw.cursor() as cursor:
                cursor.execute(f"LISTEN {NOTIFY_CHANNEL}")
        except Exception:  # polling still delivers
            logger.warning("LISTEN failed; polling only", exc_info=True)
            self._listener = None
        else:
            self._listener = raw

    @property
    def listening(self):
        return self._listener is not None

    def wake(self):
        """Safe in a signal handler."""
        with contextlib.suppress(BlockingIOError):
            os.write(self._write, b"x")

    def wait(self, seconds):
        """Up to ``seconds``; True when woken by a notification or ``wake()``."""
        watched = [self._read] + ([self._listener] if self._listener else [])
        try:
            ready, _, _ = select.select(watched, [], [], max(0.0, seconds))
        except OSError:
            ready = []
        woken = False
        if self._read in ready:
            os.read(self._read, 4096)
            woken = True
        if self._listener is not None and self._listener in ready:
            try:
                self._listener.poll()
                self._listener.notifies.clear()
                woken = True
            except Exception:  # the connection broke: listen again
                logger.warning("LISTEN connection lost; reconnecting", exc_info=True)
                self._close_listener()
                self._listen()
        return woken

    def _close_listener(self):
        if self._listener is not None:
            with contextlib.suppress(Exception):
                self._listener.close()
            self._listener = None

    def close(self):
        self._close_listener()
        os.close(self._read)
        os.close(self._write)


def run(should_stop, waiter):
    """The worker's loop: deliver what is due, then sleep until there may be more."""
    while not should_stop():
        try:
            deliver_due(should_stop)
            retry_in = next_retry_in()
        except DatabaseError:
            # The database went away (a restart, a failover): try again later.
            logger.exception("Database error; retrying in %s s", waiter.poll)
            connection.close()
            retry_in = None
        if should_stop():
            break
        timeout = waiter.poll if retry_in is None else min(waiter.poll, retry_in)
        waiter.wait(timeout)
