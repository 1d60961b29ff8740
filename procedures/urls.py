"""URL patterns of the designer; mounted as an Application of the site in `workflows.urls` (/procedures/)."""

from django.urls import path

from .views import definitions, versions

app_name = "procedures"

urlpatterns = [
    path("", definitions.DefinitionListView.as_view(), name="index"),
    path("own/", definitions.DefinitionCreateView.as_view(), name="definition_create"),
    path("definitions/<int:pk>/draft/", versions.DraftCreateView.as_view(), name="draft_create"),
    path("versions/<int:pk>/", versions.VersionDetailView.as_view(), name="version"),
    path("versions/<int:pk>/edit/", versions.DraftEditView.as_view(), name="edit"),
    path("versions/<int:pk>/diff/", versions.VersionDiffView.as_view(), name="diff"),
    path("versions/<int:pk>/publish/", versions.VersionPublishView.as_view(), name="publish"),
]
