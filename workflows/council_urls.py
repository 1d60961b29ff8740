"""Web pages for councils (mounted by workflows.urls)."""

urlpatterns: list = []
