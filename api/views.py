"""Read-only endpoints that services poll, answering 304 when nothing changed."""

import functools
import hashlib

from django.db.models import Count, Max, Sum
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from rest_framework.response import Response
from rest_framework.viewsets import ReadOnlyModelViewSet

from clients.filters import ClientFilter
from clients.models import Client

from .schema import client_schema
from .serializers import ClientSerializer


def conditional(request, respond, last_modified, *state):
    """Answer 304 when the caller's copy is current, else ``respond()``.

    The validators come from ``last_modified`` and whatever else changes with
    the representation (``state``), not from the body: a 304 costs a small
    query and no serialization. Called after authentication and permission
    checks, so it tells nothing to a caller who may not read the data.
    """
    digest = hashlib.md5(repr((last_modified, *state)).encode(), usedforsecurity=False)
    etag = f'W/"{digest.hexdigest()}"'
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp) or respond()
    response.headers["ETag"] = etag
    if timestamp is not None:
        response.headers["Last-Modified"] = http_date(timestamp)
    # Per-user data: private caches only, and revalidated before every use.
    patch_cache_control(response, private=True, no_cache=True)
    return response


@client_schema
class ClientViewSet(ReadOnlyModelViewSet):
    """Client settings, read-only: writes go through the pages, admin and commands.

    The method docstrings are the operations' descriptions in the schema.
    """

    queryset = Client.objects.all()
    serializer_class = ClientSerializer
    filterset_class = ClientFilter
    lookup_field = "code"
    lookup_value_converter = "int"

    def list(self, request, *args, **kwargs):
        """Clients in code order, with the list page's query: `code`, `name` (part of
        it, ignoring case and accents) and `status`, combined with AND.

        Poll with the last `ETag` in `If-None-Match`: 304 while nothing changed.
        """
        # Validate the query first: a bad one is a 400 even to a poller
        # holding a current ETag.
        self.filter_queryset(self.get_queryset())
        # Clients are never deleted and every change adds one to a version, so
        # the count and the sum of versions change whenever any page of any
        # query could, even when a change commits with an older timestamp
        # than the newest one (a long import). One query.
        table = self.get_queryset().aggregate(
            count=Count("pk"), changes=Sum("version"), last_modified=Max("updated_at")
        )
        respond = functools.partial(super().list, request, *args, **kwargs)
        return conditional(
            request, respond, table["last_modified"], table["count"], table["changes"]
        )

    def retrieve(self, request, *args, **kwargs):
        """One client by its code.

        Poll with the last `ETag` in `If-None-Match`: 304 while it is unchanged.
        """
        client = self.get_object()
        return conditional(
            request,
            lambda: Response(self.get_serializer(client).data),
            client.updated_at,
            client.version,
        )
