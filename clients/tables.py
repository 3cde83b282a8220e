"""The clients table: columns, sorting (``sort``) and pagination (``page``)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Client


class ClientTable(tables.Table):
    # Each sort breaks ties by code, so pages never repeat or skip a client
    # (and the database reads the matching "column, code" index in order).
    code = tables.Column(verbose_name=_("Code"))
    name = tables.Column(order_by=("name", "code"), verbose_name=_("Name"))
    sla_optimal_seconds = tables.Column(
        order_by=("sla_optimal_seconds", "code"), verbose_name=_("Optimal SLA")
    )
    sla_low_seconds = tables.Column(order_by=("sla_low_seconds", "code"), verbose_name=_("Low SLA"))
    max_history_conversations = tables.Column(
        order_by=("max_history_conversations", "code"), verbose_name=_("Max. history")
    )
    inactivity_alert_attempts = tables.Column(
        order_by=("inactivity_alert_attempts", "code"), verbose_name=_("Attempts")
    )
    max_inactivity_seconds = tables.Column(
        order_by=("max_inactivity_seconds", "code"), verbose_name=_("Inactivity")
    )
    status = tables.TemplateColumn(
        template_name="clients/includes/status_badge.html",
        verbose_name=_("Status"),
        order_by=("status", "code"),
    )
    action = tables.TemplateColumn(
        template_name="clients/includes/edit_link.html",
        verbose_name=_("Action"),
        orderable=False,
        empty_values=(),
    )

    class Meta:
        model = Client
        fields = ()
        sequence = (
            "code",
            "name",
            "sla_optimal_seconds",
            "sla_low_seconds",
            "max_history_conversations",
            "inactivity_alert_attempts",
            "max_inactivity_seconds",
            "status",
            "action",
        )
        attrs = {"class": "table table-striped table-hover align-middle"}
        empty_text = _("There are no clients.")
