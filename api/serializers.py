from rest_framework import serializers

from clients.models import CLIENT_FIELDS, Client


class ClientSerializer(serializers.ModelSerializer):
    """A client with the SPEC's field names, read-only."""

    class Meta:
        model = Client
        fields = [*CLIENT_FIELDS, "created_at", "updated_at"]
        read_only_fields = fields
