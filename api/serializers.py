from rest_framework import serializers

from clients.models import Client


class ClientSerializer(serializers.ModelSerializer):
    """A client with the SPEC's field names, read-only."""

    class Meta:
        model = Client
        fields = [
            "code",
            "name",
            "sla_optimal_seconds",
            "sla_low_seconds",
            "max_history_conversations",
            "inactivity_alert_attempts",
            "max_inactivity_seconds",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
