"""Create and edit forms: layout only; every rule comes from the model."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import BOUNDS, CLIENT_FIELDS, STALE_ERROR, Client
from .transfer import FORMATS

#: The checks a whole-number form field makes itself, before the model's.
NUMBER_ERRORS = ("invalid", "min_value", "max_value")


def use_model_messages(form_field, model_field):
    """Give a form field the model field's words for "abc" and for -1 (a
    positive integer's form field checks those itself), so the page, the
    admin and the import say the same (``models.bounded()``)."""
    form_field.error_messages.update(
        {code: model_field.error_messages[code] for code in NUMBER_ERRORS}
    )


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = [name for name in CLIENT_FIELDS if name != "status"]  # new ones are active

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in BOUNDS.items():
            if name in self.fields:
                # For assistive technology: the form has novalidate, so the
                # browser checks nothing and the server's messages speak.
                self.fields[name].widget.attrs.update(min=low, max=high)
                use_model_messages(self.fields[name], Client._meta.get_field(name))
        if self.instance._state.adding:
            # A proposal the user may change; a callable, so it is only
            # looked up when the empty form is shown.
            self.fields["code"].initial = Client.objects.next_free_code
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("code", css_class="col-md-4"), Column("name", css_class="col-md-8")),
            Fieldset(
                _("Service level"),
                Row(Column("sla_optimal_seconds"), Column("sla_low_seconds")),
                HTML('{% include "clients/includes/sla_bands.html" %}'),
            ),
            Fieldset(
                _("Conversations"),
                # Widths that keep each label on one line, so the inputs line up.
                Row(
                    Column("max_history_conversations", css_class="col-md-6 col-xl-4"),
                    Column("inactivity_alert_attempts", css_class="col-md-6 col-xl-3"),
                    Column("max_inactivity_seconds", css_class="col-xl-5"),
                ),
            ),
        )


class ClientUpdateForm(ClientForm):
    """Everything but the code, which is shown read-only, plus the status."""

    class Meta(ClientForm.Meta):
        fields = [*ClientForm.Meta.fields, "status", "version"]
        # The version the user read travels with the form: saving refuses it
        # if someone else saved in between.
        widgets = {"version": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A disabled field ignores whatever the browser posts for it.
        self.fields["code"].disabled = True
        # After a conflict, the stored values come right after its message.
        self.helper.layout.insert(
            0,
            HTML('{% if current %}{% include "clients/includes/current_values.html" %}{% endif %}'),
        )
        self.helper.layout.extend([Row(Column("status", css_class="col-md-4")), "version"])

    def show_stored_after_conflict(self):
        """The client as stored now, when saving was refused because another
        user changed it since this form was read (``STALE_ERROR``); else None.

        The refused form is shown again with the user's values, these stored
        values beside them, and from then on the stored version: one more
        Guardar keeps the user's values over the ones they have now seen, and
        a save by anyone else in between moves the version on again, so it is
        refused again. Nothing is overwritten unseen.
        """
        if not self.has_error(NON_FIELD_ERRORS, code=STALE_ERROR.code):
            return None
        stored = Client.objects.get(pk=self.instance.pk)
        self.data = self.data.copy()  # the request's QueryDict cannot be changed
        self.data[self.add_prefix("version")] = stored.version
        return stored


def too_large_message():
    return _(
        "The file is larger than %(limit)s, the most this page takes. Split it, or ask "
        "an operator to import it with manage.py import_clients."
    ) % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}


class ImportForm(forms.Form):
    """The import page: a clients file and whether it may change existing clients.

    ``refused``: the upload was dropped on arrival for its size
    (``config.middleware.UploadLimitMiddleware``). ``may_update``: the user
    may change clients, which "update existing" needs.
    """

    file = forms.FileField(
        label=_("File"),
        required=False,  # checked in clean_file(), which tells a refused upload from none
        error_messages={"empty": _("The file is empty.")},
    )
    update = forms.BooleanField(
        label=_("Update existing clients"),
        required=False,
        help_text=_("Without it, a row whose code is in use is rejected."),
    )

    def __init__(self, *args, may_update=True, refused=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_update, self.refused = may_update, refused
        # The formats import_clients reads, whichever they are (transfer.FORMATS).
        self.fields["file"].help_text = _(
            "A clients file with the columns of import_clients: %(formats)s (CSV in UTF-8, "
            "separated by commas or semicolons)."
        ) % {"formats": ", ".join(name.upper() for name in FORMATS)}
        self.fields["file"].widget.attrs.update(
            {
                "accept": ",".join(f".{name}" for name in FORMATS),
                "data-max-bytes": settings.UPLOAD_MAX_BYTES,
                "data-too-large": too_large_message(),
            }
        )
        if not may_update:
            self.fields["update"].widget.attrs["disabled"] = True
            self.fields["update"].help_text = _("Needs the permission to edit clients.")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.refused or (upload and upload.size > settings.UPLOAD_MAX_BYTES):
            raise ValidationError(too_large_message(), code="too_large")
        if not upload:
            raise ValidationError(_("Choose a file to import."), code="required")
        if not upload.size:
            raise ValidationError(_("The file is empty."), code="empty")
        return upload

    def clean_update(self):
        if self.cleaned_data["update"] and not self.may_update:
            raise ValidationError(
                _("Updating existing clients needs the permission to edit clients."),
                code="permission",
            )
        return self.cleaned_data["update"]


class BulkEditForm(forms.Form):
    """The settings a bulk edit may change; an empty one stays as each client has it.
    Each field's bounds come from the model's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .bulk_edit import EDITABLE_FIELDS

        for name in EDITABLE_FIELDS:
            model_field = Client._meta.get_field(name)
            if model_field.choices:
                self.fields[name] = forms.TypedChoiceField(
                    label=model_field.verbose_name.capitalize(),
                    choices=[("", _("Leave as is")), *model_field.choices],
                    required=False,
                    empty_value=None,
                )
            else:
                # The bounds and their messages are the model field's own.
                low, high = BOUNDS[name]
                self.fields[name] = model_field.formfield(
                    required=False,
                    min_value=low,
                    max_value=high,
                    error_messages=model_field.error_messages,
                )
            self.fields[name].help_text = _("Empty: each client keeps its own.")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.new_values():
            raise forms.ValidationError(_("Enter at least one new value."), code="empty")
        return cleaned

    def new_values(self):
        """``{field: value}`` of the fields given, the ones to change."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value is not None and value != ""
        }
