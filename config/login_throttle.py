"""Login throttling with django-axes: whose failures, how many, and the 429 page.

- The client's address comes from the reverse proxy's ``X-Forwarded-For`` when
  ``BEHIND_TLS_PROXY`` is on (every request's peer is then the proxy itself),
  counting ``TRUSTED_PROXY_COUNT`` proxies from the right.
- Five failures for one user name from one address lock that pair (axes'
  own rule), and ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures from one address,
  whatever the user names, lock the address: password spraying.
- The 429 page says when to come back: ``Retry-After``.
"""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render


def client_ip(request):
    """The address login failures are counted for (``AXES_CLIENT_IP_CALLABLE``).

    Behind the reverse proxy every request comes from the proxy, so the peer
    address would count everyone's failures together. Each trusted proxy
    appends the address it saw to ``X-Forwarded-For``, so the client is the
    ``TRUSTED_PROXY_COUNT``-th entry from the right; anything further left was
    written by the client and proves nothing. Without the proxy setting the
    header is ignored, since anyone can send it.
    """
    peer = request.META.get("REMOTE_ADDR")
    if not settings.BEHIND_TLS_PROXY:
        return peer
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    if not hops:
        return peer
    # Fewer hops than proxies: the request skipped one; the first is the best known.
    candidate = hops[-min(settings.TRUSTED_PROXY_COUNT, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer


class LoginThrottle(AxesDatabaseHandler):
    """django-axes' database handler with a second, higher limit per address.

    Axes counts failures by user name and address (``AXES_LOCKOUT_PARAMETERS``)
    against one limit, ``AXES_FAILURE_LIMIT``. Someone trying four passwords on
    each of forty user names stays under it forever. So once one address has
    ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures within the cool-off, whatever the
    user names, its logins count as locked out too, until the cool-off passes
    (each refused attempt starts it again, as for a locked user name).

    A successful login clears only its own user name's failures
    (``AXES_RESET_ON_SUCCESS``), so one valid account does not wipe the count
    of a spray.
    """

    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if failures < limit and self.address_failures(request) >= (
            settings.LOGIN_ADDRESS_FAILURE_LIMIT
        ):
            return limit
        return failures

    @staticmethod
    def address_failures(request):
        recent = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        )
        return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0


def lockout_response(request, original_response=None, credentials=None):
    """The 429 page (``AXES_LOCKOUT_CALLABLE``), with ``Retry-After``: the
    cool-off, which the refused attempt itself started again (an address
    may be let in a little earlier, as its older failures expire)."""
    response = render(request, "registration/locked_out.html", status=429)
    response["Retry-After"] = str(int(get_cool_off(request).total_seconds()))
    return response
