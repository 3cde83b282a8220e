"""What the OpenAPI schema tells beyond what drf-spectacular infers: the
answers other than 200, so that services can expect and handle them."""

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers

from clients.models import BOUNDS
from clients.serializers import ChangeFeedSerializer, ClientSerializer

PROBLEM = inline_serializer("Problem", {"detail": serializers.CharField()})
FIELD_ERRORS = {
    "type": "object",
    "description": "Messages by query parameter, in the caller's language.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
COMMON = {
    304: OpenApiResponse(description="Not modified: the ETag in If-None-Match is current."),
    401: OpenApiResponse(PROBLEM, description="No valid token or session."),
    403: OpenApiResponse(PROBLEM, description="The user lacks clients.view_client."),
}

CODE = OpenApiParameter(
    "code",
    {"type": "integer", "minimum": BOUNDS["code"][0], "maximum": BOUNDS["code"][1]},
    OpenApiParameter.PATH,
    description="The client's code.",
)

client_schema = extend_schema_view(
    list=extend_schema(
        responses={
            200: ClientSerializer,
            400: OpenApiResponse(FIELD_ERRORS, description="Invalid query values."),
            **COMMON,
        }
    ),
    retrieve=extend_schema(
        parameters=[CODE],
        responses={
            200: ClientSerializer,
            404: OpenApiResponse(PROBLEM, description="No client with that code."),
            **COMMON,
        },
    ),
)

change_feed_schema = extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter(
                "after",
                str,
                description="A `next_cursor` (or a change's `cursor`) this API gave: "
                "only the changes after it. Without it, from the first change.",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
                description="Changes per answer.",
            ),
        ],
        responses={
            200: ChangeFeedSerializer,
            400: OpenApiResponse(FIELD_ERRORS, description="Invalid `after` or `limit`."),
            **COMMON,
        },
    )
)
