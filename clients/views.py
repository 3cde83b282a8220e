"""Thin views over the Client model: list with query, create, edit."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from .filters import ClientFilter
from .forms import ClientForm, ClientUpdateForm
from .models import Client
from .tables import ClientTable

RETURN_FIELD = "next"


class ClientListView(PermissionRequiredMixin, SingleTableMixin, FilterView):
    permission_required = "clients.view_client"
    model = Client
    filterset_class = ClientFilter
    table_class = ClientTable
    # Paginated by the table, which shows the last page for an out-of-range one.
    table_pagination = {"per_page": 25}
    template_name = "clients/client_list.html"

    def get_table_kwargs(self):
        if not self.request.user.has_perm("clients.change_client"):
            return {"exclude": ("action",)}
        return {}


class ClientFormMixin(PermissionRequiredMixin, SuccessMessageMixin):
    """Shared by create and edit: audit who saved, then go back to the list
    with the query the user had (carried in ``next``)."""

    model = Client
    template_name = "clients/client_form.html"

    def form_valid(self, form):
        form.instance.record_change_by(self.request.user)
        return super().form_valid(form)

    def get_success_message(self, cleaned_data):
        return self.success_message % {"code": self.object.code, "name": self.object.name}

    @cached_property
    def return_url(self):
        list_url = reverse("clients:list")
        candidate = self.request.POST.get(RETURN_FIELD) or self.request.GET.get(RETURN_FIELD)
        if (
            candidate
            and candidate.startswith(list_url)
            and url_has_allowed_host_and_scheme(
                candidate,
                allowed_hosts={self.request.get_host()},
                require_https=self.request.is_secure(),
            )
        ):
            return candidate
        return list_url

    def get_success_url(self):
        return self.return_url

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            return_url=self.return_url, return_field=RETURN_FIELD, **kwargs
        )


class ClientCreateView(ClientFormMixin, CreateView):
    permission_required = "clients.add_client"
    form_class = ClientForm
    success_message = _("Client created: %(code)s · %(name)s")


class ClientUpdateView(ClientFormMixin, UpdateView):
    permission_required = "clients.change_client"
    form_class = ClientUpdateForm
    slug_field = slug_url_kwarg = "code"
    success_message = _("Client updated: %(code)s · %(name)s")
