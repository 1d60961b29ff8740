"""Web pages for registrations (mounted by workflows.urls under /models/)."""

from django.urls import path

from .views import registration

urlpatterns: list = [
    path("register/bulk/", registration.BulkRegistrationView.as_view(), name="register_bulk"),
    path("register/bulk/template.xlsx", registration.BulkTemplateView.as_view(), name="register_bulk_template"),
    path("quotas/", registration.QuotaIndexView.as_view(), name="quotas"),
    path("quotas/<int:pk>/", registration.QuotaDetailView.as_view(), name="quota_detail"),
    path("<int:pk>/nominate/", registration.NominateView.as_view(), name="nominate"),
]
