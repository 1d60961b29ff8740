"""Web pages for awards (mounted by workflows.urls under /awards/, namespace "awards")."""

from django.urls import path

from .views import awards

urlpatterns = [
    path("", awards.ProposalListView.as_view(), name="index"),
    path("new/", awards.ProposalCreateView.as_view(), name="create"),
    path("<int:pk>/", awards.ProposalDetailView.as_view(), name="detail"),
    path("<int:pk>/pdf/", awards.ProposalPdfView.as_view(), name="pdf"),
]
