"""Web pages for registrations (mounted by workflows.urls)."""

urlpatterns: list = []
