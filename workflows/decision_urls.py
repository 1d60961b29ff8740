"""Web pages for decisions (mounted by workflows.urls)."""

urlpatterns: list = []
