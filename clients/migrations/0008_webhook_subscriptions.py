"""Webhook subscriptions, and the NOTIFY that wakes their worker on PostgreSQL."""

import django.utils.timezone
from django.db import migrations, models

import clients.models
from clients.migrations._triggers import create_change_notify, drop_change_notify


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0007_change_counter"),
    ]

    operations = [
        migrations.CreateModel(
            name="WebhookSubscription",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(blank=True, max_length=100, verbose_name="name")),
                (
                    "url",
                    models.CharField(
                        help_text="http:// or https://; each change is POSTed to it as JSON.",
                        max_length=2000,
                        validators=[clients.models.validate_webhook_url],
                        verbose_name="URL",
                    ),
                ),
                (
                    "secret",
                    models.CharField(
                        default=clients.models.generate_webhook_secret,
                        help_text="Key of the HMAC-SHA256 signature in X-Clientes-Signature.",
                        max_length=200,
                        verbose_name="secret",
                    ),
                ),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="created at"
                    ),
                ),
                (
                    "position",
                    models.BigIntegerField(
                        editable=False,
                        help_text="History id of the last change delivered; new subscriptions start at the end.",
                        verbose_name="last change delivered",
                    ),
                ),
                (
                    "attempts",
                    models.PositiveIntegerField(
                        default=0, editable=False, verbose_name="failed attempts"
                    ),
                ),
                (
                    "next_attempt_at",
                    models.DateTimeField(editable=False, null=True, verbose_name="next attempt"),
                ),
                (
                    "failing_since",
                    models.DateTimeField(editable=False, null=True, verbose_name="failing since"),
                ),
                (
                    "failing",
                    models.BooleanField(
                        default=False,
                        editable=False,
                        help_text="Retries gave up; 'webhooks retry ID' resumes the deliveries.",
                        verbose_name="failing",
                    ),
                ),
                (
                    "last_attempt_at",
                    models.DateTimeField(editable=False, null=True, verbose_name="last delivery"),
                ),
                (
                    "last_result",
                    models.CharField(
                        blank=True, editable=False, max_length=200, verbose_name="last result"
                    ),
                ),
            ],
            options={
                "verbose_name": "webhook",
                "verbose_name_plural": "webhooks",
                "ordering": ["id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("url__istartswith", "http://"),
                            ("url__istartswith", "https://"),
                            _connector="OR",
                        ),
                        name="clients_webhook_url_http",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("secret", ""), _negated=True),
                        name="clients_webhook_secret_not_empty",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_change_notify, drop_change_notify),
    ]
