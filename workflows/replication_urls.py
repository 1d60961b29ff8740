"""Web pages for replications (mounted by workflows.urls inside the "models" application)."""

from django.urls import path

from .views import replication

urlpatterns: list = [
    path("<int:pk>/replication/units/", replication.unit_search, name="unit_search"),
]
