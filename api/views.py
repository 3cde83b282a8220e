"""Read-only endpoints that services poll, answering 304 when nothing changed."""

import functools
import hashlib

from django import forms
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ReadOnlyModelViewSet

from clients import changes
from clients.filters import ClientFilter
from clients.models import Client
from clients.serializers import ChangeSerializer, ClientSerializer

from .pagination import DEFAULT_LIMIT, CodeKeysetPagination, limit_field, validated
from .schema import change_feed_schema, client_schema


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
    pagination_class = CodeKeysetPagination
    lookup_field = "code"
    lookup_value_converter = "int"

    def list(self, request, *args, **kwargs):
        """Clients in code order, `limit` a page (100 unless said, at most 1,000),
        with the list page's query: `code`, `name` (part of it, ignoring case and
        accents) and `status`, combined with AND. `after` gives the clients whose
        code follows it; `next` is this URL with `after` set to the page's last
        code (no page numbers, no total: every page costs the same).

        Poll with the last `ETag` in `If-None-Match`: 304 while nothing changed.
        """
        # Validate the query first: a bad one is a 400 even to a poller
        # holding a current ETag.
        self.filter_queryset(self.get_queryset())
        self.paginator.validate(request)
        # The table's change counter moves with every committed write of any
        # client, by any road (clients.changes): one primary-key read, whatever
        # the table's size. It is read before the page, so a change committing
        # in between gives the new page under the old ETag (one extra 200
        # later), never the old page under the new one.
        counter, changed_at = changes.table_state()
        respond = functools.partial(super().list, request, *args, **kwargs)
        return conditional(request, respond, changed_at, counter, request.get_full_path())

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


CURSOR_MESSAGE = _("Unknown or damaged cursor: use a next_cursor this API gave, or none.")


class CursorField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if len(value) > 200:
            raise forms.ValidationError(CURSOR_MESSAGE, code="cursor")
        try:
            return changes.decode_cursor(value)
        except changes.BadCursor:
            raise forms.ValidationError(CURSOR_MESSAGE, code="cursor") from None


class ChangeFeedForm(forms.Form):
    after = CursorField(required=False)
    limit = limit_field()


@change_feed_schema
class ChangeFeedView(APIView):
    """Every change to a client, in commit order."""

    queryset = Client.objects.all()  # whose view permission reading needs

    def get(self, request):
        """Every change to a client, in commit order, from the first one recorded
        (clients that existed before appear through their history).

        Store `next_cursor` and ask again with it in `after`: when nothing is new,
        `results` is empty and `next_cursor` is the same. Delivery is
        at-least-once: a consumer that crashes before storing the cursor sees
        those changes again.
        """
        query = validated(ChangeFeedForm, request)
        position = query["after"] or 0
        rows = changes.changes_after(position, query["limit"] or DEFAULT_LIMIT)
        if rows:
            position = rows[-1].history_id
        elif not changes.is_known(position):
            raise ValidationError({"after": [CURSOR_MESSAGE]})
        # Signing is deterministic: with nothing new, the same cursor comes back.
        data = {
            "results": ChangeSerializer(rows, many=True).data,
            "next_cursor": changes.encode_cursor(position),
        }
        delivered = [row.history_id for row in rows]
        return conditional(
            request, lambda: Response(data), None, request.get_full_path(), delivered
        )
