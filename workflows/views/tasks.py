"""Executing a human task in the browser."""

from functools import update_wrapper

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import FormView
from viewflow.workflow.status import STATUS


def wrap_task_execution(flow_task, view):
    """viewflow's execute wrapper, with the flow lock held for POST and clear answers.

    A task that is already done (double click, a second tab) redirects to the process
    with a message instead of failing; a user who does not own the task gets 403.
    """

    def wrapped(request, process_pk, task_pk, **kwargs):
        flow_class = flow_task.flow_class

        def call():
            task = get_object_or_404(flow_class.task_class, pk=task_pk, process_id=process_pk)
            if task.flow_task != flow_task:
                raise Http404
            if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
                messages.info(request, _("Nhiệm vụ này đã được xử lý trước đó; không ghi nhận lần gửi thứ hai."))
                return HttpResponseRedirect(flow_class.instance.reverse("process_detail", args=[process_pk]))
            if not flow_task.can_execute(request.user, task):
                if request.method == "GET" and task.status == STATUS.NEW and flow_task.can_assign(request.user, task):
                    # A link to an unclaimed task: offer to claim it first.
                    messages.info(request, _("Bạn cần nhận nhiệm vụ này trước khi xử lý."))
                    return HttpResponseRedirect(flow_task.reverse("assign", args=[process_pk, task_pk]))
                raise PermissionDenied(_("Bạn chưa nhận hoặc không có quyền xử lý nhiệm vụ này."))
            request.activation = flow_task.activation_class(task)
            request.activation.start(request)
            return view(request, process_pk=process_pk, task_pk=task_pk, **kwargs)

        if request.method == "POST":
            with flow_class.lock(process_pk), transaction.atomic():
                return call()
        return call()

    update_wrapper(wrapped, view)
    return wrapped


class TaskFormView(FormView):
    """The form of the task's stage, with the dossier shown beside it."""

    template_name = "workflows/task_form.html"

    def get_form(self, form_class=None):
        from workflows.services import task_form_for

        task = self.request.activation.task
        if self.request.method in ("POST", "PUT"):
            return task_form_for(task=task, user=self.request.user, data=self.request.POST, files=self.request.FILES)
        return task_form_for(task=task, user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activation = self.request.activation
        context.update(activation=activation, process=activation.process, task=activation.task)
        return context

    def get_success_url(self) -> str:
        """Where viewflow would go next: the next task ("_continue"), the list the user
        came from, or the process page; the inbox when the page is mounted outside a flow viewset."""
        flow_viewset = getattr(self.request.resolver_match, "flow_viewset", None)
        if flow_viewset is not None:
            return flow_viewset.get_success_url(self.request)
        return self.request.activation.flow_class.instance.reverse("inbox")

    def form_valid(self, form):
        from workflows.services import task_execute

        try:
            # A savepoint: a rule refused half-way leaves nothing behind when the page re-renders.
            with transaction.atomic():
                task_execute(activation=self.request.activation, user=self.request.user, form=form)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, field_errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Đã hoàn thành “%(task)s” cho mô hình “%(model)s”.")
            % {
                "task": self.request.activation.task.title,
                "model": self.request.activation.process.subject_model,
            },
        )
        return HttpResponseRedirect(self.get_success_url())
