"""``manage.py deliver_webhooks [--once]``: the worker that POSTs the client changes."""

import signal

from django.core.management.base import CommandError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients import webhooks
from clients.formats import grouped

from ..base import ClientCommand


class Command(ClientCommand):
    help = gettext_lazy(
        "Deliver every client change to the webhook subscriptions; runs until SIGTERM "
        "or SIGINT (the request in flight is finished first)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help=_("Deliver what is due now, then exit.")
        )
        parser.add_argument(
            "--poll",
            type=float,
            metavar="SECONDS",
            help=_(
                "Look for changes at least this often (default: 0.25 s, 5 s with "
                "PostgreSQL LISTEN/NOTIFY)."
            ),
        )

    def handle(self, *args, once, poll, **options):
        if poll is not None and poll <= 0:
            raise CommandError(_("--poll must be a positive number of seconds."))
        stopping = []
        waiter = None if once else webhooks.Waiter(poll)

        def stop(signum, frame):
            stopping.append(signum)
            if waiter is not None:
                waiter.wake()

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            if once:
                made = webhooks.deliver_due(lambda: bool(stopping))
                self.stdout.write(_("Delivery attempts: %(count)s.") % {"count": grouped(made)})
            else:
                self.run_worker(waiter, stopping)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if waiter is not None:
                waiter.close()
                connection.close()

    def run_worker(self, waiter, stopping):
        how = _("LISTEN/NOTIFY") if waiter.listening else _("polling")
        self.stdout.write(
            _("Delivering webhooks (%(how)s, every %(poll)s s at most); stop with Ctrl+C.")
            % {"how": how, "poll": f"{waiter.poll:g}"}
        )
        self.stdout.flush()
        webhooks.run(lambda: bool(stopping), waiter)
        self.stdout.write(_("Stopped."))
