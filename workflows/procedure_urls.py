"""URLs of the migration and simulation pages, mounted under /procedures/ (they read the engine's rows,
so they live in workflows, which procedures must not import)."""

from django.urls import path

from .views import procedure_migration, procedure_simulation


def can_use_procedure_tools(user) -> bool:
    """The menu entry: admins who may migrate processes or design procedures."""
    return user.is_authenticated and (
        user.has_perm("procedures.migrate_process") or user.has_perm("procedures.design_procedure")
    )


urlpatterns = [
    path("migrate/", procedure_migration.MigrationView.as_view(), name="migrate"),
    path("migrate/runs/<int:pk>/", procedure_migration.MigrationRunView.as_view(), name="migration_run"),
    path(
        "migrate/runs/<int:pk>/progress/",
        procedure_migration.MigrationProgressView.as_view(),
        name="migration_progress",
    ),
    path("simulate/", procedure_simulation.SimulationView.as_view(), name="simulate"),
]
