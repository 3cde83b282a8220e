"""Thin views over the Client model: list with query, create, edit, history, import."""

import tempfile

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import CreateView, DetailView, FormView, UpdateView, View
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from . import columns, progress, web_import
from .actions import ActionView
from .filters import ClientFilter
from .formats import grouped
from .forms import ClientForm, ClientUpdateForm, ImportForm
from .history import UnknownVersion, history_entries, restored_values, shown_values
from .models import CODE_IN_USE_MESSAGE, STALE_ERROR, Client, ClientChangedError, PendingImport
from .pagination import CappedCountPaginator, ForgivingPaginationMixin
from .transfer import XLSX_CONTENT_TYPE, UnreadableFile, csv_lines, write_xlsx

RETURN_FIELD = "next"
#: The edit form's parameter naming the history entry whose values it shows (Restaurar).
RESTORE_PARAMETER = "restaurar"


class ClientListView(PermissionRequiredMixin, ForgivingPaginationMixin, FilterView):
    """The table, its query form, sorting and pages of 25.

    Rendered with a plain template loop over the clients, each row's cells
    from the ``cells`` filter (``columns.py`` says each column's kind): at 25
    rows x 9 columns a generic table library costs more than the query itself.
    """

    permission_required = "clients.view_client"
    model = Client
    filterset_class = ClientFilter
    paginate_by = 25
    paginator_class = CappedCountPaginator
    template_name = "clients/client_list.html"

    def get_ordering(self):
        return columns.ordering(self.request.GET.get("sort"))

    def get_paginator(self, *args, **kwargs):
        return super().get_paginator(*args, count_limit=self.filterset.count_limit(), **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            headers=list(columns.headers(self.request.GET.get("sort"))),
            # Nothing found by a query is not the same as no clients at all.
            is_query=any(self.request.GET.get(name) for name in self.filterset.form.fields),
            **kwargs,
        )


class ClientExportView(PermissionRequiredMixin, FilterView):
    """Exportar: every client the list's query finds (all pages), in the format
    of ``export_clients``: CSV streamed, or with ``formato=xlsx`` an Excel
    workbook (written to a temporary file first, since a zip file cannot be
    streamed as it is written; memory stays flat either way)."""

    permission_required = "clients.view_client"
    model = Client
    filterset_class = ClientFilter
    #: The most clients an Excel download holds. openpyxl writes some 5,000 rows
    #: a second, and a request must end well within gunicorn's 30 s; larger
    #: workbooks come from ``export_clients --format xlsx`` (bench/RESULTS.md).
    xlsx_max_clients = 50_000

    def render_to_response(self, context, **response_kwargs):
        if self.request.GET.get("formato") == "xlsx":
            return self.workbook_response()
        response = StreamingHttpResponse(
            csv_lines(self.object_list), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="clientes.csv"'
        return response

    def workbook_response(self):
        if self.object_list[: self.xlsx_max_clients + 1].count() > self.xlsx_max_clients:
            message = _(
                "The query finds more than %(limit)s clients, too many for an Excel file "
                "from the page: narrow the query, or export CSV."
            )
            limit = grouped(self.xlsx_max_clients)
            messages.error(self.request, message % {"limit": limit})
            query = self.request.GET.copy()
            query.pop("formato", None)
            return redirect(f"{reverse('clients:list')}?{query.urlencode()}")
        workbook = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        write_xlsx(self.object_list, workbook)
        workbook.seek(0)
        return FileResponse(
            workbook, as_attachment=True, filename="clientes.xlsx", content_type=XLSX_CONTENT_TYPE
        )


class ClientFormMixin(PermissionRequiredMixin, SuccessMessageMixin):
    """Shared by create and edit: audit who saved, then go back to the list
    with the query the user had (carried in ``next``)."""

    model = Client
    template_name = "clients/client_form.html"

    def form_valid(self, form):
        form.instance.record_change_by(self.request.user)
        # Validation passed, but another request may have saved in between:
        # the database decides, and the user gets a form error, not a 500.
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ClientChangedError:
            form.add_error(None, STALE_ERROR)
        except IntegrityError:
            if not Client.objects.filter(code=form.instance.code).exists():
                raise
            form.add_error("code", CODE_IN_USE_MESSAGE)
        return self.form_invalid(form)

    def get_success_message(self, cleaned_data):
        """The confirmation, with links to the client: the list the user returns
        to may no longer show it (a query that a renamed client left)."""
        code = self.object.code
        return format_html(
            '{} <a class="alert-link" href="{}">{}</a> · <a class="alert-link" href="{}">{}</a>',
            self.success_message % {"code": code, "name": self.object.name},
            reverse("clients:update", args=[code]),
            _("Edit"),
            reverse("clients:history", args=[code]),
            _("Change history"),
        )

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

    @cached_property
    def restoring(self):
        """``(history record, values)`` of the past version named by ``?restaurar=``,
        or None. Only the form's initial values: the version field keeps the
        current one, so Guardar is refused if the client changed meanwhile."""
        wanted = self.request.GET.get(RESTORE_PARAMETER)
        if wanted is None:
            return None
        try:
            return restored_values(self.object, wanted)
        except UnknownVersion:
            messages.warning(
                self.request,
                _(
                    "That past version of this client was not found; "
                    "the form shows its current values."
                ),
            )
            return None

    def get_initial(self):
        initial = super().get_initial()
        if self.request.method == "GET" and self.restoring:
            initial.update(self.restoring[1])
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.method == "GET" and self.restoring:
            context["restored"] = self.restoring[0]
        # After a conflict: what the other user saved, beside what this user typed.
        if (current := context["form"].show_stored_after_conflict()) is not None:
            context["current"] = current
            context["current_values"] = shown_values(current)
        return context


class ClientHistoryView(PermissionRequiredMixin, DetailView):
    """Who changed what and when, newest first (Historial de cambios)."""

    permission_required = "clients.view_client"
    model = Client
    slug_field = slug_url_kwarg = "code"
    template_name = "clients/client_history.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(entries=history_entries(self.object), **kwargs)


class ImportView(PermissionRequiredMixin, FormView):
    """Importar: upload a clients file; its preview comes next (``web_import``)."""

    permission_required = "clients.add_client"
    form_class = ImportForm
    template_name = "clients/import_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "may_update": self.request.user.has_perm("clients.change_client"),
            "refused": "file" in getattr(self.request, "refused_uploads", ()),
        }

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            pending = web_import.preview(
                self.request.user,
                upload.name,
                b"".join(upload.chunks()),
                form.cleaned_data["update"],
                progress=progress.Tracker(self.request.POST.get(progress.FIELD)),
            )
        except UnreadableFile as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        return redirect("clients:import_preview", pending.pk)


@method_decorator(never_cache, name="dispatch")
class ImportProgressView(View):
    """How far the import's check or Confirmar has got, for its page's polls:
    ``{"phase": …, "percent": …}``, or a null phase before it starts. No login
    or database: the token is the key (see ``clients/progress.py``)."""

    http_method_names = ["get"]

    def get(self, request):
        return JsonResponse(progress.read(request.GET.get("token")) or {"phase": None})


class PendingImportMixin(PermissionRequiredMixin, SingleObjectMixin):
    """A pending import of the user's own: anyone else's is a 404, as one a newer
    upload replaced, with a page that says why and leads back to Importar."""

    permission_required = "clients.add_client"
    template_name = "clients/import_preview.html"
    context_object_name = "pending"

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except (Http404, PendingImport.DoesNotExist):
            context = {"kept_per_user": web_import.KEPT_PER_USER}
            return render(request, "clients/import_gone.html", context, status=404)

    def get_queryset(self):
        return PendingImport.objects.filter(owner=self.request.user).defer("content")


class ImportPreviewView(PendingImportMixin, DetailView):
    """What the uploaded file would do: counts, changes, rejected rows; Confirmar."""


class ImportConfirmView(PendingImportMixin, ActionView):
    """Confirmar: apply the previewed file, all or nothing, then show its batch."""

    def page_url(self):
        return reverse("clients:import_preview", args=[self.kwargs["pk"]])

    def post(self, request, *args, **kwargs):
        self.object = pending = self.get_object()
        if pending.update and not request.user.has_perm("clients.change_client"):
            raise PermissionDenied
        if pending.report["rejected"]:
            return self.refused(_("The file has rejected rows; nothing was imported."))
        if not (pending.report["created"] or pending.report["updated"]):
            return self.refused(
                _("Nothing to import: every client in the file is already as the file says.")
            )
        try:
            writer = web_import.confirm(
                pending, request.user, progress=progress.Tracker(request.POST.get(progress.FIELD))
            )
        except web_import.AlreadyApplied:
            messages.info(request, _("This import was already applied."))
            pending.refresh_from_db(fields=["batch"])
            return redirect(pending.batch or "clients:list")
        except web_import.ImportRefused as refusal:
            return self.refused(refusal.message, refusal.clients, refusal.more)
        messages.success(
            request,
            _("Import applied: %(created)s clients created, %(changed)s updated.")
            % {"created": grouped(writer.created), "changed": grouped(writer.changed)},
        )
        return redirect(writer.batch)

    def refused(self, message, clients=(), more=0):
        context = self.get_context_data(
            refusal=message, conflicts=clients, more_conflicts=more, object=self.object
        )
        return render(self.request, self.template_name, context, status=409)
