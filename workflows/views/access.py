"""One unit-scope check in front of every process and task page of the flow.

viewflow checks each page separately and not always against the process: the task
`index` page has no permission at all, the process chart only asks whether the user
may see the flow, and the task pages load the task by its pk alone, trusting the
process pk in the URL. Wrapping every URL that carries a `process_pk` closes all of
these at once: a process outside the user's subtree, a task of another process, or
a task of another node answers 404, so the existence of other units' work is not
disclosed.
"""

from functools import wraps

from django.http import Http404
from django.urls import URLPattern, URLResolver

from workflows.ids import id_is_storable
from workflows.selectors import processes_visible_to, tasks_visible_to


def _scope_guard(view, *, node_name: str | None):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        process_pk, task_pk = kwargs.get("process_pk"), kwargs.get("task_pk")
        user = request.user
        # Anonymous requests never get here: viewflow's SiteMiddleware refuses them first.
        if process_pk is not None and user.is_authenticated:
            if not id_is_storable(process_pk) or (task_pk is not None and not id_is_storable(task_pk)):
                raise Http404
            if task_pk is not None:
                flow_task = (
                    tasks_visible_to(user=user)
                    .filter(pk=task_pk, process_id=process_pk)
                    .values_list("flow_task", flat=True)
                    .first()
                )
                if flow_task is None or (node_name is not None and flow_task.name != node_name):
                    raise Http404
            elif not processes_visible_to(user=user).filter(pk=process_pk).exists():
                raise Http404
        return view(request, *args, **kwargs)

    guarded.kheo_scope_guarded = True
    return guarded


def scope_to_visible_processes(patterns, *, node_names: frozenset[str], node_name: str | None = None):
    """Wrap, in place, every view of `patterns` whose route takes a `process_pk`.

    `node_names` are the flow's node names: the URL resolver included under one of
    them (viewflow namespaces each node's pages by its name) holds that node's task pages.
    """
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = entry.namespace if entry.namespace in node_names else node_name
            scope_to_visible_processes(entry.url_patterns, node_names=node_names, node_name=namespace)
        elif isinstance(entry, URLPattern):
            if "process_pk" in entry.pattern.converters and not getattr(entry.callback, "kheo_scope_guarded", False):
                entry.callback = _scope_guard(entry.callback, node_name=node_name)
    return patterns
