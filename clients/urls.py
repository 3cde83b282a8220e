from django.urls import path

from . import batch_views, views

app_name = "clients"

urlpatterns = [
    path("", views.ClientListView.as_view(), name="list"),
    path("crear/", views.ClientCreateView.as_view(), name="create"),
    path("exportar/", views.ClientExportView.as_view(), name="export"),
    path("importar/", views.ImportView.as_view(), name="import"),
    path("importar/progreso/", views.ImportProgressView.as_view(), name="import_progress"),
    path("importar/<int:pk>/", views.ImportPreviewView.as_view(), name="import_preview"),
    path("importar/<int:pk>/confirmar/", views.ImportConfirmView.as_view(), name="import_confirm"),
    path("lote/", batch_views.BulkEditView.as_view(), name="bulk_edit"),
    path("<int:code>/editar/", views.ClientUpdateView.as_view(), name="update"),
    path("<int:code>/historial/", views.ClientHistoryView.as_view(), name="history"),
]
