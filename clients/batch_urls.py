from django.urls import path

from . import batch_views as views

app_name = "batches"

urlpatterns = [
    path("", views.BatchListView.as_view(), name="list"),
    path("<int:pk>/", views.BatchDetailView.as_view(), name="detail"),
    path("<int:pk>/deshacer/", views.BatchUndoView.as_view(), name="undo"),
]
