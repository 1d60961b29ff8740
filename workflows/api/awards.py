"""API for awards (mounted at /api/v1/ by workflows.api.urls)."""

urlpatterns: list = []
