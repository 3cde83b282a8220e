"""The Client record and every rule it must keep (see shared/SPEC.md).

Each rule lives here once: field validators and ``clean()`` give the user a
message next to the field; ``Meta.constraints`` repeat the same bounds in the
database so that no path (form, admin, command, raw SQL) can store a client
that breaks them.
"""

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.db.models.functions import Cast, Length, Trim
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from . import writing
from .durations import spell_seconds

# Importable from here too: the migrations name them as ``clients.models.*``.
from .fields import (
    CONTROL_CHARACTERS_PATTERN,
    FOLDING_GROWTH,
    SORT_FOLDED_LENGTH,
    SearchKeyField,
    SortKeyField,
    TrimmedCharField,
    VisibleTextValidator,
    WordChoiceField,
    normalize_for_search,
)
from .formats import grouped

NAME_MAX_LENGTH = 120
ONE_DAY_SECONDS = 86_400

#: Inclusive bounds of each whole-number field; validators and database
#: check constraints are both built from this table.
BOUNDS = {
    "code": (1, 2_147_483_647),
    "sla_optimal_seconds": (1, ONE_DAY_SECONDS),
    "sla_low_seconds": (1, ONE_DAY_SECONDS),
    "max_history_conversations": (0, 100),
    "inactivity_alert_attempts": (0, 10),
    "max_inactivity_seconds": (1, ONE_DAY_SECONDS),
}


CODE_IN_USE_MESSAGE = _("This code is already in use.")
CODE_IMMUTABLE_ERROR = ValidationError(
    _("The code of an existing client cannot be changed."), code="immutable"
)
STALE_ERROR = ValidationError(
    _("Another user changed this client; review the changes."), code="stale"
)


#: The client's fields as the SPEC names them, in its order: the forms, the
#: admin, the API, the files of the operator commands and the history all
#: show these (the same names are the public contract).
CLIENT_FIELDS = (
    "code",
    "name",
    "sla_optimal_seconds",
    "sla_low_seconds",
    "max_history_conversations",
    "inactivity_alert_attempts",
    "max_inactivity_seconds",
    "status",
)


#: How a value out of a field's ``BOUNDS`` is told, in an administrator's
#: words: the numbers come from ``BOUNDS``, grouped as the active language
#: writes them ("86.400" in Spanish, "86,400" in English).
RANGE_MESSAGES = {
    "code": _("Enter a whole number between %(low)s and %(high)s."),
    "sla_optimal_seconds": _("Between %(low)s and %(high)s seconds (%(duration)s)."),
    "sla_low_seconds": _("Between %(low)s and %(high)s seconds (%(duration)s)."),
    "max_history_conversations": _("Between %(low)s and %(high)s conversations."),
    "inactivity_alert_attempts": _("Between %(low)s and %(high)s attempts."),
    "max_inactivity_seconds": _("Between %(low)s and %(high)s seconds (%(duration)s)."),
}
#: What a whole-number field says of "abc" or "86.400" (Django's own repeats the value).
WHOLE_NUMBER_MESSAGE = _("Enter a whole number, without dots or letters.")


def range_message(field_name):
    """The message for a value outside ``field_name``'s bounds, in the active language."""
    low, high = BOUNDS[field_name]
    return gettext(RANGE_MESSAGES[field_name]) % {
        "low": grouped(low),
        "high": grouped(high),
        "duration": spell_seconds(high),
    }


def bounded(field_name):
    """A whole-number field's validators and messages, from ``BOUNDS``.

    One message for both ends, worded when it is shown (so in the user's
    language); the field hands it to the form, the admin, the import and
    the commands alike (``Field.run_validators`` puts it on the validators'
    errors).
    """
    low, high = BOUNDS[field_name]
    out_of_range = lazy(range_message, str)(field_name)
    return {
        "validators": [MinValueValidator(low), MaxValueValidator(high)],
        "error_messages": {
            "invalid": WHOLE_NUMBER_MESSAGE,
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
    }


class ClientQuerySet(models.QuerySet):
    def delete(self):
        raise ClientDeletionError

    def bulk_create(self, *args, **kwargs):
        raise NotImplementedError(BULK_REFUSED)

    def bulk_update(self, *args, **kwargs):
        raise NotImplementedError(BULK_REFUSED)

    def search_name(self, text):
        """Clients whose name contains ``text``, ignoring case and accents."""
        return self.filter(name_search__contains=normalize_for_search(text.strip()))

    def next_free_code(self):
        """The code to propose for a new client: one above the highest in use.

        Codes stay unique among inactive clients too, so call it on all of
        them (``Client.objects``). Once the highest code is the largest one
        allowed, the lowest unused code is proposed instead; ``None`` when
        every code is taken. It is only a proposal: the unique constraint
        still decides when two users save the same code.
        """
        lowest, largest = BOUNDS["code"]
        highest = self.aggregate(highest=models.Max("code"))["highest"]
        if highest is None:
            return lowest
        if highest < largest:
            return highest + 1
        if not self.filter(code=lowest).exists():
            return lowest
        # The first code after a taken one that is not taken itself; counted
        # in 64 bits, since one after the largest code overflows an integer.
        return (
            self.annotate(following=Cast("code", models.BigIntegerField()) + 1)
            .filter(following__lte=largest)
            .exclude(following__in=self.values("code"))
            .aggregate(first=models.Min("following"))["first"]
        )


#: ``bulk_create()`` would skip ``save()``: the derived columns, the stamps, the history.
BULK_REFUSED = "Write many clients with clients.bulk.BulkWriter, which stores what save() would."


class ClientChangedError(Exception):
    """Someone saved the client after this copy was read (optimistic locking)."""


class ClientDeletionError(Exception):
    """Clients are never deleted, only deactivated, so their history stays."""

    def __init__(self):
        super().__init__("Clients cannot be deleted; set their status to inactive instead.")


class ClientStatus(models.TextChoices):
    """Clients are deactivated, never deleted."""

    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")


class Batch(models.Model):
    """A group of client changes made together (a bulk edit, an import, an undo):
    its changes are the history rows that name it, so it can be shown and undone.

    The old values are not stored again: they are each client's history row
    before the batch's (see ``clients.batches``).
    """

    class Kind(models.TextChoices):
        BULK_EDIT = "bulk_edit", _("Bulk edit")
        WEB_IMPORT = "web_import", _("Web import")
        UNDO = "undo", _("Undo")
        COMMAND = "command", _("Command")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    client_count = models.PositiveIntegerField(_("clients"), default=0)
    description = models.CharField(_("description"), max_length=200, blank=True)
    #: The batch this one undid: each batch is undone at most once.
    undoes = models.OneToOneField(
        "self",
        verbose_name=_("undoes"),
        on_delete=models.PROTECT,
        related_name="undone_by",
        null=True,
        blank=True,
        editable=False,
    )
    #: Identifies the preview a bulk edit confirmed: a second Confirmar applies nothing.
    token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="batch_created_idx")]

    def __str__(self):
        return f"{self.pk} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("batches:detail", args=[self.pk])


class BatchedHistory(models.Model):
    """What ``HistoricalClient`` adds to django-simple-history's row: the batch
    the change belongs to, if any (``writing.history_values()`` sets it)."""

    batch = models.ForeignKey(
        Batch,
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        abstract = True


class Client(models.Model):
    Status = ClientStatus

    code = models.IntegerField(
        _("code"),
        **bounded("code"),
        help_text=_("A whole number never used by another client. It cannot be changed later."),
    )
    name = TrimmedCharField(
        _("name"),
        max_length=NAME_MAX_LENGTH,
        validators=[VisibleTextValidator()],
    )
    name_search = SearchKeyField(max_length=NAME_MAX_LENGTH * FOLDING_GROWTH, source="name")
    # What sorting by name orders by: Spanish alphabetical order (fields.spanish_sort_key).
    name_sort = SortKeyField(max_length=SORT_FOLDED_LENGTH + 1 + NAME_MAX_LENGTH, source="name")
    sla_optimal_seconds = models.PositiveIntegerField(
        _("optimal SLA (seconds)"),
        **bounded("sla_optimal_seconds"),
        help_text=_("Answer time that counts as optimal. Must be lower than the low SLA."),
    )
    sla_low_seconds = models.PositiveIntegerField(
        _("low SLA (seconds)"),
        **bounded("sla_low_seconds"),
        help_text=_("Answer time beyond which the service level is breached."),
    )
    max_history_conversations = models.PositiveSmallIntegerField(
        _("max. historical conversations"),
        **bounded("max_history_conversations"),
        help_text=_(
            "How many closed conversations of a contact the agent sees under "
            "“History” in the Inbound panel (0 to 100)."
        ),
    )
    inactivity_alert_attempts = models.PositiveSmallIntegerField(
        _("number of attempts"),
        **bounded("inactivity_alert_attempts"),
        help_text=_("How many inactivity alerts are sent to a contact (0 to 10)."),
    )
    max_inactivity_seconds = models.PositiveIntegerField(
        _("max. inactivity time (seconds)"),
        **bounded("max_inactivity_seconds"),
        help_text=_("Idle time after which the inactivity alert is sent."),
    )
    status = WordChoiceField(
        _("status"),
        max_length=8,
        choices=Status.choices,
        default=Status.ACTIVE,
        error_messages={
            "invalid_choice": _("“%(value)s” is not a status: use active or inactive."),
        },
    )
    # Set by ``save()`` and the bulk writer alike, from ``writing.stamps()``.
    created_at = models.DateTimeField(_("created at"), editable=False)
    updated_at = models.DateTimeField(_("updated at"), editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
    )

    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        db_default=1,
        help_text=_("Goes up by one on every change, so two editors cannot overwrite each other."),
    )

    objects = ClientQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["name_search", "name_sort"], bases=[BatchedHistory]
    )

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                name="clients_client_code_unique",
                violation_error_code="unique",
                violation_error_message=CODE_IN_USE_MESSAGE,
            ),
            *(
                models.CheckConstraint(
                    condition=models.Q(
                        **{f"{field}__gte": low, f"{field}__lte": high},
                    ),
                    name=f"clients_client_{field}_range",
                )
                for field, (low, high) in BOUNDS.items()
            ),
            models.CheckConstraint(
                condition=models.Q(sla_optimal_seconds__lt=models.F("sla_low_seconds")),
                name="clients_client_sla_optimal_below_low",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    GreaterThan(Length("name"), 0),
                    LessThanOrEqual(Length("name"), NAME_MAX_LENGTH),
                    name=Trim("name"),
                ),
                name="clients_client_name_trimmed_not_blank",
            ),
            models.CheckConstraint(
                condition=~models.Q(name__regex=CONTROL_CHARACTERS_PATTERN),
                name="clients_client_name_no_control_characters",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ClientStatus.values),
                name="clients_client_status_valid",
            ),
        ]
        # One index per sortable column, with the code as tie-breaker so that
        # "ORDER BY column, code LIMIT 25 OFFSET n" reads the index in order
        # (forwards or backwards) instead of sorting the table. The status
        # index also serves the status filter. The name *search* has its own
        # trigram index on PostgreSQL (migration 0004). Sorting by name orders by
        # its Spanish sort key (``name_sort``), so that is the column indexed.
        indexes = [
            models.Index(fields=[field, "code"], name=f"client_{short}_code_idx")
            for field, short in [
                ("name_sort", "namesort"),
                ("sla_optimal_seconds", "slaopt"),
                ("sla_low_seconds", "slalow"),
                ("max_history_conversations", "maxhist"),
                ("inactivity_alert_attempts", "attempts"),
                ("max_inactivity_seconds", "inact"),
                ("status", "status"),
            ]
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"

    def save(self, *args, update_fields=None, **kwargs):
        # Unlike the other rules this one is checked on every save: a changed
        # code would silently re-key the client's whole history.
        if self.code_changed:
            raise ValidationError({"code": CODE_IMMUTABLE_ERROR})
        created, read_version = self._state.adding, self.version
        now, user = timezone.now(), getattr(self, "_changed_by", None)
        self.name = self._meta.get_field("name").to_python(self.name)
        typed = {name: getattr(self, name) for name in CLIENT_FIELDS}
        computed = {
            **writing.derived_values(typed),
            **writing.stamps(
                created=created, now=now, user_id=user and user.pk, version=read_version
            ),
        }
        for attname, value in computed.items():
            setattr(self, attname, value)
        # django-simple-history dates the history row with this, and records this user.
        self._history_date, self._history_user = now, user
        batch = getattr(self, "_batch", None)
        self._history_values = writing.history_values(
            created=created, now=now, user_id=user and user.pk, batch_id=batch and batch.pk
        )
        if update_fields is not None:
            update_fields = {*update_fields, *computed}
        # The UPDATE only matches if the stored version is still the one read.
        self._expected_version = None if created else read_version
        try:
            super().save(*args, update_fields=update_fields, **kwargs)
        except BaseException:
            self.version = read_version
            raise
        finally:
            self._expected_version = None
        self._stored_code = self.code

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        expected = getattr(self, "_expected_version", None)
        if expected is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        updated = super()._do_update(
            base_qs.filter(version=expected), using, pk_val, values, update_fields, forced_update
        )
        if not updated:
            raise ClientChangedError
        return updated

    def delete(self, *args, **kwargs):
        raise ClientDeletionError

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_code = instance.__dict__.get("code")
        return instance

    def clean(self):
        errors = {}
        if self.code_changed:
            errors["code"] = CODE_IMMUTABLE_ERROR
        if self.is_stale():
            errors[NON_FIELD_ERRORS] = STALE_ERROR
        errors.update(self.value_errors())
        if errors:
            raise ValidationError(errors)

    def value_errors(self):
        """``{field: ValidationError}`` of the rules between fields: ``clean()``'s
        checks that need no query (a bulk edit runs them on many clients)."""
        errors = {}
        optimal, low = self.sla_optimal_seconds, self.sla_low_seconds
        # clean() also runs when a field failed its own checks and still holds
        # the raw value (say, "abc" from a file): compare only two numbers.
        if isinstance(optimal, int) and isinstance(low, int) and optimal >= low:
            errors["sla_low_seconds"] = ValidationError(
                _("The low SLA must be greater than the optimal SLA."), code="sla_order"
            )
        return errors

    @property
    def code_changed(self):
        stored = getattr(self, "_stored_code", None)
        return not self._state.adding and stored is not None and self.code != stored

    def is_stale(self):
        """True when the stored client has moved on from the version this copy holds."""
        if self._state.adding or self.pk is None:
            return False
        return type(self).objects.filter(pk=self.pk).exclude(version=self.version).exists()

    def record_change_by(self, user, batch=None):
        """Remember who makes the next change; ``save()`` stamps it as its author,
        and its history row as part of ``batch``."""
        self._changed_by = user
        self._batch = batch


# --- Webhooks -------------------------------------------------------------------

WEBHOOK_URL_MAX_LENGTH = 2000


def validate_webhook_url(value):
    """An ``http`` or ``https`` URL with a host and no credentials in it.

    Hand-written rather than Django's ``URLValidator``, which refuses the
    dotless host names (``http://inbound-panel:8080/hooks``) that services
    inside the platform's network have.
    """
    if any(character.isspace() or ord(character) < 32 for character in value):
        raise ValidationError(_("The URL cannot contain spaces."), code="spaces")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValidationError(_("This is not a valid URL."), code="invalid") from None
    if parts.scheme.lower() not in {"http", "https"}:
        raise ValidationError(_("The URL must start with http:// or https://."), code="scheme")
    if parts.username is not None or parts.password is not None:
        raise ValidationError(
            _("The URL cannot contain a user name or password; the secret signs each request."),
            code="credentials",
        )
    if not parts.hostname or port == 0:
        raise ValidationError(_("This is not a valid URL."), code="invalid")
    if parts.fragment:
        raise ValidationError(_("The URL cannot have a #fragment."), code="fragment")


def generate_webhook_secret():
    """A random HMAC key: 256 bits, URL-safe text."""
    return secrets.token_urlsafe(32)


class WebhookSubscription(models.Model):
    """A receiver of every client change, and where its delivery stands.

    ``position`` is the ``history_id`` of the last change delivered (the change
    feed's position, ``clients.changes``); the next change after it is the
    *head*, and the other fields describe its delivery: how many attempts
    failed, when the next one is due, and since when it fails. The worker
    (``clients.webhooks``) moves ``position`` on a 2xx and nothing else does.
    """

    #: The fields that say where delivery stands: the worker writes them, people read them.
    DELIVERY_STATE = (
        "position",
        "attempts",
        "next_attempt_at",
        "failing_since",
        "failing",
        "last_attempt_at",
        "last_result",
    )

    name = models.CharField(_("name"), max_length=100, blank=True)
    url = models.CharField(
        _("URL"),
        max_length=WEBHOOK_URL_MAX_LENGTH,
        validators=[validate_webhook_url],
        help_text=_("http:// or https://; each change is POSTed to it as JSON."),
    )
    secret = models.CharField(
        _("secret"),
        max_length=200,
        default=generate_webhook_secret,
        help_text=_("Key of the HMAC-SHA256 signature in X-Clientes-Signature."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    position = models.BigIntegerField(
        _("last change delivered"),
        editable=False,
        help_text=_("History id of the last change delivered; new subscriptions start at the end."),
    )
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0, editable=False)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, editable=False)
    failing_since = models.DateTimeField(_("failing since"), null=True, editable=False)
    failing = models.BooleanField(
        _("failing"),
        default=False,
        editable=False,
        help_text=_("Retries gave up; 'webhooks retry ID' resumes the deliveries."),
    )
    last_attempt_at = models.DateTimeField(_("last delivery"), null=True, editable=False)
    last_result = models.CharField(_("last result"), max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(url__istartswith="http://")
                | models.Q(url__istartswith="https://"),
                name="clients_webhook_url_http",
            ),
            models.CheckConstraint(
                condition=~models.Q(secret=""), name="clients_webhook_secret_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.pk} · {self.name or self.url}"

    def save(self, *args, **kwargs):
        if self.position is None:
            # Starts with the changes made from now on, not with all history.
            self.position = latest_history_id()
        super().save(*args, **kwargs)

    def pending(self):
        """How many changes wait to be delivered to this subscription."""
        return Client.history.model.objects.filter(history_id__gt=self.position).count()


@receiver(pre_create_historical_record, sender=Client.history.model)
def _stamp_history(sender, instance, history_instance, **kwargs):
    """A ``save()``'s history row records what ``writing.history_values()`` says,
    as the bulk writer's rows do (django-simple-history fills the rest)."""
    for attname, value in getattr(instance, "_history_values", {}).items():
        setattr(history_instance, attname, value)


def latest_history_id():
    last = Client.history.model.objects.order_by("-history_id").values("history_id").first()
    return last["history_id"] if last else 0


# --- Imports from the browser ------------------------------------------------------


class PendingImport(models.Model):
    """A file uploaded on the import page, kept between its preview and **Confirmar**.

    The file's bytes stay here, on the server: confirming reads them again,
    never anything the browser sends back. ``seen_history_id`` is the last
    history entry when the preview was made: a client of the file with a later
    entry changed after the preview, and confirming refuses to apply.
    Only ``owner`` may see or confirm it, until ``expires_at``; ``applied_at``
    is set, in the transaction that applies it, by the first Confirmar only,
    with ``batch``, the batch it made.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    update = models.BooleanField(_("update existing clients"), default=False)
    seen_history_id = models.BigIntegerField(_("last change seen by the preview"))
    report = models.JSONField(_("preview"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    batch = models.ForeignKey(
        Batch,
        verbose_name=_("batch"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")
        indexes = [models.Index(fields=["expires_at"], name="pending_import_expires_idx")]

    def __str__(self):
        return f"{self.pk} · {self.file_name}"

    @property
    def expired(self):
        return self.expires_at <= timezone.now()
