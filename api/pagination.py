"""Keyset pages: every page of the list costs the same, the first or the last."""

from django import forms
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from clients.models import BOUNDS

DEFAULT_LIMIT = 100
MAX_LIMIT = 1_000


def limit_field():
    return forms.IntegerField(min_value=1, max_value=MAX_LIMIT, required=False)


class KeysetForm(forms.Form):
    after = forms.IntegerField(min_value=0, max_value=BOUNDS["code"][1], required=False)
    limit = limit_field()


def validated(form_class, request):
    """The query's cleaned values, or a 400 with the messages by parameter."""
    form = form_class(request.query_params)
    if not form.is_valid():
        raise ValidationError(form.errors)
    return form.cleaned_data


class CodeKeysetPagination(BasePagination):
    """Clients in code order after ``after`` (a code), ``limit`` at a time.

    One indexed range read per page (``code > after ORDER BY code LIMIT n + 1``):
    no OFFSET to walk and no total to count. ``next`` is the same URL with
    ``after`` set to the last code of this page, ``null`` on the last page.
    """

    def validate(self, request):
        return validated(KeysetForm, request)

    def paginate_queryset(self, queryset, request, view=None):
        query = self.validate(request)
        limit = query["limit"] or DEFAULT_LIMIT
        if query["after"] is not None:
            queryset = queryset.filter(code__gt=query["after"])
        rows = list(queryset.order_by("code")[: limit + 1])
        page = rows[:limit]
        self.next_url = None
        if len(rows) > limit:
            self.next_url = replace_query_param(
                request.build_absolute_uri(), "after", page[-1].code
            )
        return page

    def get_paginated_response(self, data):
        return Response({"next": self.next_url, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "This query's next page; null on the last one.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "after",
                "required": False,
                "in": "query",
                "description": (
                    "Only the clients whose code follows this one; "
                    "the previous page's `next` sets it."
                ),
                "schema": {"type": "integer", "minimum": 0, "maximum": BOUNDS["code"][1]},
            },
            {
                "name": "limit",
                "required": False,
                "in": "query",
                "description": "Clients per page.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_LIMIT,
                    "default": DEFAULT_LIMIT,
                },
            },
        ]
