"""``manage.py webhooks add|list|remove|retry``: who receives the client changes."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients import webhooks
from clients.models import WebhookSubscription

from ..base import ClientCommand


class Command(ClientCommand):
    help = gettext_lazy("Manage the webhook subscriptions: add, list, remove, retry.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", metavar="{add,list,remove,retry}")
        actions.required = True
        add = actions.add_parser("add", help=_("Subscribe URL to every client change."))
        add.add_argument("url", metavar="URL")
        add.add_argument("--secret", help=_("HMAC key (default: a random one, printed once)."))
        add.add_argument("--name", default="", help=_("A name to tell it apart."))
        actions.add_parser("list", help=_("Show the subscriptions and how their delivery stands."))
        for action, text in [
            ("remove", _("Delete the subscription ID.")),
            ("retry", _("Resume the deliveries of a failing subscription ID.")),
        ]:
            actions.add_parser(action, help=text).add_argument("id", metavar="ID")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_add(self, url, secret, name, **options):
        subscription = WebhookSubscription(url=url, name=name)
        if secret is not None:
            subscription.secret = secret
        try:
            subscription.full_clean()
        except ValidationError as error:
            messages = [
                f"{WebhookSubscription._meta.get_field(field).verbose_name}: {message}"
                if field in {"url", "secret", "name"}
                else message
                for field, field_messages in error.message_dict.items()
                for message in field_messages
            ]
            raise CommandError(" ".join(messages)) from None
        subscription.save()
        self.stdout.write(_("Webhook %(id)s created.") % {"id": subscription.pk})
        if secret is None:
            self.stdout.write(
                _("Secret (keep it; it will not be shown again): %(secret)s")
                % {"secret": subscription.secret}
            )

    def handle_list(self, **options):
        subscriptions = list(WebhookSubscription.objects.all())
        if not subscriptions:
            self.stdout.write(_("No webhooks."))
            return
        header = [_("ID"), _("Name"), _("URL"), _("Active"), _("Last delivery"), _("Pending")]
        rows = [header]
        for subscription in subscriptions:
            rows.append(
                [
                    str(subscription.pk),
                    subscription.name or "-",
                    subscription.url,
                    _("yes") if subscription.active else _("no"),
                    last_delivery(subscription),
                    str(subscription.pending()),
                ]
            )
        widths = [max(len(row[column]) for row in rows) for column in range(len(header) - 1)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[-1]]))

    def handle_remove(self, id, **options):
        subscription = self.subscription(id)
        subscription.delete()
        self.stdout.write(_("Webhook %(id)s removed.") % {"id": id})

    def handle_retry(self, id, **options):
        subscription = self.subscription(id)
        if not subscription.failing:
            self.stdout.write(
                _("Webhook %(id)s was not failing; its next delivery is due now.") % {"id": id}
            )
        else:
            self.stdout.write(_("Webhook %(id)s resumed: deliveries start again.") % {"id": id})
        webhooks.resume(subscription)

    def subscription(self, id):
        try:
            number = int(id)
        except ValueError:
            number = None
        if number is None or number < 1:
            raise CommandError(_("Invalid webhook id %(id)s: a whole number.") % {"id": id})
        try:
            return WebhookSubscription.objects.get(pk=number)
        except WebhookSubscription.DoesNotExist:
            raise CommandError(_("No webhook has id %(id)s.") % {"id": id}) from None


def last_delivery(subscription):
    """When the last attempt was and how it went, or that it is failing."""
    if subscription.last_attempt_at is None:
        text = _("never")
    else:
        when = date_format(timezone.localtime(subscription.last_attempt_at), "Y-m-d H:i:s")
        text = f"{when} {subscription.last_result}"
    if subscription.failing:
        text = _("FAILING (webhooks retry %(id)s): %(last)s") % {
            "id": subscription.pk,
            "last": text,
        }
    elif subscription.attempts:
        text = _("%(last)s, retry %(attempt)s") % {
            "last": text,
            "attempt": subscription.attempts + 1,
        }
    return text
