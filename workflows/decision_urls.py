"""Web pages for decisions (mounted by workflows.urls under the "decisions" application)."""

from django.urls import path

from .views import decisions

urlpatterns = [
    path("", decisions.DecisionListView.as_view(), name="index"),
    path("campaigns/<int:pk>/assemble/", decisions.DecisionAssemblyView.as_view(), name="assemble"),
    path("<int:pk>/", decisions.DecisionDetailView.as_view(), name="detail"),
    path("<int:pk>/pdf/", decisions.DecisionPdfView.as_view(), name="pdf"),
    path("<int:pk>/scan/", decisions.DecisionScanView.as_view(), name="scan"),
    path("<int:pk>/scan/file/", decisions.DecisionScanDownloadView.as_view(), name="scan_file"),
    path("<int:pk>/revoke/", decisions.DecisionCorrectionView.as_view(action="revoke"), name="revoke"),
    path("<int:pk>/amend/", decisions.DecisionCorrectionView.as_view(action="amend"), name="amend"),
    path("<int:pk>/certificates/<int:model_pk>/", decisions.CertificateView.as_view(), name="certificate"),
]
