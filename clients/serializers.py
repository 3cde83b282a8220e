"""How a client and a change of it are shown to the platform's services: by
the read API and its change feed (``api``) and, byte for byte the same, in
the body of a webhook (``webhooks``)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import changes
from .models import CLIENT_FIELDS, Client


class ClientSerializer(serializers.ModelSerializer):
    """A client with the SPEC's field names, read-only."""

    class Meta:
        model = Client
        fields = [*CLIENT_FIELDS, "created_at", "updated_at"]
        read_only_fields = fields


class ChangeSerializer(serializers.Serializer):
    """One change of the feed, from the client's history row: the client as
    that change left it, shown as ``/api/clients/<code>/`` shows a client."""

    cursor = serializers.SerializerMethodField(
        help_text="Where the feed continues after this change (opaque)."
    )
    action = serializers.SerializerMethodField()
    changed_at = serializers.DateTimeField(source="history_date", read_only=True)
    changed_by = serializers.CharField(
        source="history_user.username",
        allow_null=True,
        read_only=True,
        help_text="The username of who made it; null when none was recorded.",
    )
    client = serializers.SerializerMethodField()

    def get_cursor(self, row) -> str:
        return changes.encode_cursor(row.history_id)

    @extend_schema_field(serializers.ChoiceField(choices=list(changes.ACTIONS.values())))
    def get_action(self, row):
        return changes.ACTIONS[row.history_type]

    @extend_schema_field(ClientSerializer)
    def get_client(self, row):
        return ClientSerializer(row).data


class ChangeFeedSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next_cursor = serializers.CharField(
        help_text="Store it; send it back as `after` to get the changes that follow."
    )
