"""Web pages for awards (mounted by workflows.urls)."""

urlpatterns: list = []
