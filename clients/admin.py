"""Django admin for developers: same rules as the UI, and no delete."""

import dataclasses

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from . import webhooks
from .forms import use_model_messages
from .models import BOUNDS, CLIENT_FIELDS, Batch, Client, WebhookSubscription


class ClientHistoryHelper(HistoricalRecordContextHelper):
    """The history lists the changes people made, not the version counter: it
    changes on every save, only to detect concurrent edits."""

    unlisted = {"version"}

    def context_for_delta_changes(self, delta):
        changes = [change for change in delta.changes if change.field not in self.unlisted]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))


class ClientChangeList(ChangeList):
    def get_ordering_field(self, field_name):
        """Sorting by name is in Spanish alphabetical order, as on the list page."""
        field = super().get_ordering_field(field_name)
        return "name_sort" if field == "name" else field


@admin.register(Client)
class ClientAdmin(SimpleHistoryAdmin):
    #: Ours: in Spanish, "—" for no author or reason, no inline style (CSP), and
    #: breadcrumbs that say "Clientes".
    object_history_list_template = "admin/clients/client/object_history_list.html"
    object_history_form_template = "admin/clients/client/object_history_form.html"
    list_display = [*CLIENT_FIELDS, "updated_at"]
    list_filter = ["status"]
    search_fields = ["code", "name"]  # Shows the search box; see get_search_results.
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    list_per_page = 25
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return ClientChangeList

    def get_exclude(self, request, obj=None):
        # The version only matters when changing: it detects concurrent edits.
        return ["version"] if obj is None else []

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["widget"] = forms.HiddenInput
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in BOUNDS:
            use_model_messages(formfield, db_field)
        return formfield

    def get_historical_record_context_helper(self, request, historical_record):
        return ClientHistoryHelper(self.model, historical_record)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["code", *self.readonly_fields]
        return self.readonly_fields

    def get_search_results(self, request, queryset, search_term):
        """Same search as the list page: exact code, or name ignoring case and accents."""
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = queryset.search_name(term)
        if term.isdigit():
            matches |= queryset.filter(code=int(term))
        return matches, False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.record_change_by(request.user)
        super().save_model(request, obj, form, change)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    """Subscriptions and how their delivery stands; the secret is shown only when adding."""

    list_display = [
        "id",
        "name",
        "url",
        "active",
        "failing",
        "last_attempt_at",
        "last_result",
        "pending",
    ]
    list_filter = ["active", "failing"]
    readonly_fields = ["pending", *WebhookSubscription.DELIVERY_STATE]
    actions = ["resume"]

    def get_fields(self, request, obj=None):
        editable = ["name", "url", "active"]
        if obj is None:
            return [*editable, "secret"]
        return [*editable, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    @admin.display(description=_("pending changes"))
    def pending(self, obj):
        return obj.pending()

    @admin.action(description=_("Resume the deliveries of the selected webhooks"))
    def resume(self, request, queryset):
        for subscription in queryset:
            webhooks.resume(subscription)
        self.message_user(request, _("Deliveries resumed."))


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    """Batches, to look at: the bulk writer makes them, Deshacer (on the Lotes
    page) is the way back, and their history rows keep them, so none is added,
    changed or deleted here."""

    list_display = ["id", "kind", "created_at", "created_by", "client_count"]
    list_filter = ["kind"]
    list_select_related = ["created_by"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
