"""Thin views over ``clients.batches`` and ``clients.bulk_edit``: the list of batches,
one batch, its undo, and the bulk edit that makes one."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import DetailView, ListView

from . import bulk_edit
from .actions import ActionView
from .batches import UndoRefused, batch_changes, undo
from .formats import grouped
from .forms import BulkEditForm
from .models import Batch, Client
from .pagination import ForgivingPaginationMixin
from .writing import CREATED

#: Clients shown per page of a batch.
CHANGES_PER_PAGE = 50


class BatchListView(PermissionRequiredMixin, ForgivingPaginationMixin, ListView):
    """Lotes: newest first, 25 a page."""

    permission_required = "clients.view_client"
    model = Batch
    paginate_by = 25
    template_name = "clients/batch_list.html"

    def get_queryset(self):
        return Batch.objects.select_related("created_by", "undoes", "undone_by")


class BatchChanges:
    """A batch's changes as a paginator pages them: one query per page."""

    def __init__(self, batch):
        self.batch = batch

    def count(self):
        return self.batch.client_count

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        start, stop = window.start or 0, window.stop
        return batch_changes(self.batch, offset=start, limit=stop - start)


class BatchDetailView(PermissionRequiredMixin, DetailView):
    """One batch: each client's old → new values, the fields it changed only."""

    permission_required = "clients.view_client"
    model = Batch
    template_name = "clients/batch_detail.html"

    def get_queryset(self):
        return Batch.objects.select_related("created_by", "undoes", "undone_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(BatchChanges(self.object), CHANGES_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("page"))
        return {
            **context,
            # Said beside Deshacer: these have no values before, the undo deactivates them.
            "created": Client.history.model.objects.filter(
                batch=self.object, history_type=CREATED
            ).count(),
            "page_obj": page,
            "changes": page.object_list,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2),
        }


class BatchUndoView(PermissionRequiredMixin, ActionView):
    """Deshacer: all or none, then the new batch (or why nothing was undone)."""

    permission_required = "clients.change_client"

    def page_url(self):
        return reverse("batches:detail", args=[self.kwargs["pk"]])

    def post(self, request, pk):
        batch = get_object_or_404(Batch, pk=pk)
        try:
            undo_batch = undo(batch, request.user)
        except UndoRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(batch)
        restored = undo_batch.client_count - undo_batch.deactivated
        if restored:
            message = ngettext(
                "Batch %(batch)s undone: %(count)s client restored.",
                "Batch %(batch)s undone: %(count)s clients restored.",
                restored,
            )
            messages.success(request, message % {"batch": batch.pk, "count": grouped(restored)})
        else:
            messages.success(request, _("Batch %(batch)s undone.") % {"batch": batch.pk})
        if undo_batch.deactivated:
            # Not restored: they had no values before the batch, and are never deleted.
            message = ngettext(
                "%(count)s client the batch had created was deactivated: "
                "clients are never deleted.",
                "%(count)s clients the batch had created were deactivated: "
                "clients are never deleted.",
                undo_batch.deactivated,
            )
            messages.success(request, message % {"count": grouped(undo_batch.deactivated)})
        return redirect(undo_batch)


class BulkEditView(PermissionRequiredMixin, ActionView):
    """Editar seleccionados. Without ``step``, the form for the selected ``codes``;
    ``step=preview``, each client's old → new values; ``step=confirm``, applies
    them all or none and shows the batch (``clients.bulk_edit``)."""

    permission_required = "clients.change_client"
    template_name = "clients/bulk_edit.html"

    def get(self, request):
        # The selection was in the posted form: it is made again on the list.
        messages.info(request, SELECT_AGAIN)
        return super().get(request)

    def page_url(self):
        return reverse("clients:list")

    def post(self, request):
        step = request.POST.get("step")
        try:
            codes = bulk_edit.selected_codes(request.POST.getlist("codes"))
            clients = bulk_edit.stored_clients(codes)
        except bulk_edit.Refused as refusal:
            for message in refusal.messages:
                messages.error(request, message)
            return redirect("clients:list")
        form = BulkEditForm(request.POST if step else None)
        context = {"form": form, "codes": codes, "rows": bulk_edit.preview_rows(clients, {})}
        if not step or not form.is_valid():
            if step == "confirm":  # valid values in the preview: these were changed since
                context["problems"] = [CHANGED_VALUES]
            return self.render(context)
        values = form.new_values()
        if step == "confirm":
            try:
                preview = bulk_edit.Preview.unsign(request.POST.get("preview", ""), request.user)
                bulk_edit.check_matches(preview, codes, values, self.posted_versions(codes))
                batch = bulk_edit.apply(request.user, preview)
            except bulk_edit.AlreadyApplied as applied:
                messages.info(request, ALREADY_APPLIED % {"batch": applied.batch.pk})
                return redirect(applied.batch)
            except bulk_edit.Refused as refusal:
                context["problems"] = refusal.messages
                # The change as it would be now, to review and confirm again.
                clients = bulk_edit.stored_clients(codes)
            else:
                applied = ngettext(
                    "Bulk edit applied: %(count)s client changed.",
                    "Bulk edit applied: %(count)s clients changed.",
                    batch.client_count,
                )
                messages.success(request, applied % {"count": grouped(batch.client_count)})
                return redirect(batch)
        rows = bulk_edit.preview_rows(clients, values)
        preview = bulk_edit.Preview(
            codes, values, {row.client.code: row.client.version for row in rows}
        )
        return self.render(
            {
                **context,
                "rows": rows,
                "previewed": True,
                "invalid": sum(1 for row in rows if row.errors),
                "changing": sum(1 for row in rows if row.changes),
                "preview": preview.sign(self.request.user),
            }
        )

    def posted_versions(self, codes):
        """``{code: version}`` the confirm form carried, leaving out what is not a number."""
        versions = {}
        for code in codes:
            raw = self.request.POST.get(f"version_{code}", "")
            if raw.isascii() and raw.isdigit():  # "²" is a digit to isdigit(), not to int()
                versions[code] = int(raw)
        return versions

    def render(self, context):
        return render(self.request, self.template_name, context)


SELECT_AGAIN = _("Select the clients to edit in the list, then press Edit selected.")
CHANGED_VALUES = _("The values are not valid: correct them and preview the change again.")
ALREADY_APPLIED = _(
    "This change was already applied, as batch %(batch)s: nothing was applied again."
)
