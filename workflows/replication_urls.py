"""Web pages for replications (mounted by workflows.urls)."""

urlpatterns: list = []
