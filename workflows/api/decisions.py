"""API for decisions (mounted at /api/v1/ by workflows.api.urls)."""

urlpatterns: list = []
