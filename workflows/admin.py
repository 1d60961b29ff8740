from django.contrib import admin
from viewflow.workflow.models import Process, Task

from .deadlines import admin as deadlines_admin  # noqa: F401  (registers the deadline admin pages)

# The recognition flow's rows live in workflows_recognitionprocess/-task (issue 9), not in
# viewflow's tables, which stay empty: their admin pages would list nothing.
for model in (Process, Task):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
