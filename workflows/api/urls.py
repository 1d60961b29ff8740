from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api import obtain_token_view

from . import awards, council, decisions, procedures, registration, replication, views

router = DefaultRouter()
router.register("registrations", views.RegistrationViewSet, basename="api-registration")
router.register("tasks", views.TaskViewSet, basename="api-task")
router.register("processes", views.ProcessViewSet, basename="api-process")

urlpatterns = [
    path("auth/token/", obtain_token_view, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("audit/", include("recognition.api")),
    path("procedures/migrations/", procedures.MigrationApiView.as_view(), name="api-procedure-migrations"),
    path(
        "procedures/migrations/<int:pk>/", procedures.MigrationProgressApiView.as_view(), name="api-procedure-migration"
    ),
    path("procedures/simulation/", procedures.SimulationApiView.as_view(), name="api-procedure-simulation"),
    # Issue 11 areas: each module holds its own routes under its own prefix.
    *decisions.urlpatterns,
    *awards.urlpatterns,
    *council.urlpatterns,
    *replication.urlpatterns,
    *registration.urlpatterns,
    path("", include(router.urls)),
    # Keep last. DOTALL: a path holding an encoded newline (%0A) is unknown too, not the web site's.
    re_path(r"^[\s\S]*$", views.not_found),
]
