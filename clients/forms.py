"""Create and edit forms: layout only; every rule comes from the model."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BOUNDS, CLIENT_FIELDS, Client


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = [name for name in CLIENT_FIELDS if name != "status"]  # new ones are active

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in BOUNDS.items():
            if name in self.fields:
                self.fields[name].widget.attrs.update(min=low, max=high)
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
        self.helper.layout.extend([Row(Column("status", css_class="col-md-4")), "version"])
