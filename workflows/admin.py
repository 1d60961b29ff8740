from .deadlines import admin as deadlines_admin  # noqa: F401  (registers the deadline admin pages)
