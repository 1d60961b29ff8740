"""Web pages for councils (mounted by workflows.urls inside the "models" application)."""

from django.urls import path

from .views import council

urlpatterns: list = [
    path("campaigns/<int:pk>/council/", council.CampaignCouncilView.as_view(), name="campaign_council"),
    path("<int:pk>/council/close/", council.CouncilCloseView.as_view(), name="council_close"),
    path("<int:pk>/council/explanation/", council.CouncilExplanationView.as_view(), name="council_explanation"),
    path("<int:pk>/end/", council.CaseEndView.as_view(), name="case_end"),
]
