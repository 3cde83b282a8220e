"""The clients table: columns, sorting (``sort``) and pagination (``page``)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .durations import humanize_seconds
from .models import Client


class DurationColumn(tables.Column):
    """Seconds shown as people read them ("1 min 30 s"); sorting still uses the seconds."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return humanize_seconds(value)


class ClientTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"))
    name = tables.Column(verbose_name=_("Name"))
    sla_optimal_seconds = DurationColumn(verbose_name=_("Optimal SLA"))
    sla_low_seconds = DurationColumn(verbose_name=_("Low SLA"))
    max_history_conversations = tables.Column(verbose_name=_("Max. history"))
    inactivity_alert_attempts = tables.Column(verbose_name=_("Attempts"))
    max_inactivity_seconds = DurationColumn(verbose_name=_("Inactivity"))
    status = tables.TemplateColumn(
        template_name="clients/includes/status_badge.html", verbose_name=_("Status")
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
        attrs = {"class": "table table-striped table-hover align-middle mb-0"}
        empty_text = _("There are no clients.")
