"""viewflow's list pages, scoped by unit and without the every-process dropdown.

viewflow's stock inbox/queue filter offers a `process` select that loads every
process into one dropdown (about 2 MB of HTML at 50,000 tasks); these filters keep
the task type and date filters and search by model name instead.
"""

import django_filters
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from viewflow.utils import viewprop
from viewflow.workflow.flow import views as flow_views
from viewflow.workflow.flow.views.filters import get_queryset_flow_task_choices
from viewflow.workflow.status import STATUS

from workflows.models import RecognitionTask
from workflows.selectors import (
    processes_visible_to,
    task_archive_for,
    task_inbox_for,
    task_queue_for,
    tasks_visible_to,
)


class TaskListFilter(django_filters.FilterSet):
    model_name = django_filters.CharFilter(
        label=_("Tên mô hình"),
        field_name="process__recognitionprocess__movement_model__name",
        lookup_expr="icontains",
    )
    flow_task = django_filters.ChoiceFilter(label=_("Bước"))
    created = django_filters.DateRangeFilter(label=_("Ngày tạo"))

    class Meta:
        model = RecognitionTask
        fields = ("model_name", "flow_task", "created")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["flow_task"].field.choices = get_queryset_flow_task_choices(self.queryset)


class TaskListColumnsMixin:
    columns = ("task_id", "task_title", "model_name", "unit_name", "created")

    def model_name(self, task):
        return task.process.recognitionprocess.movement_model

    model_name.short_description = _("Mô hình")

    def unit_name(self, task):
        return task.process.recognitionprocess.movement_model.unit

    unit_name.short_description = _("Đơn vị đăng ký")

    def task_title(self, task):
        return task.title

    task_title.short_description = _("Nhiệm vụ")


class InboxView(TaskListColumnsMixin, flow_views.FlowInboxListView):
    filterset_class = TaskListFilter
    title = _("Hộp việc")

    @viewprop
    def queryset(self):
        return task_inbox_for(user=self.request.user).select_related("process__recognitionprocess__movement_model__unit")


class QueueView(TaskListColumnsMixin, flow_views.FlowQueueListView):
    filterset_class = TaskListFilter
    title = _("Việc chờ nhận")

    @viewprop
    def queryset(self):
        return task_queue_for(user=self.request.user).select_related("process__recognitionprocess__movement_model__unit")


class ArchiveView(flow_views.FlowArchiveListView):
    title = _("Việc đã làm")

    class filterset_class(TaskListFilter):
        finished = django_filters.DateRangeFilter(label=_("Ngày hoàn thành"))

        class Meta(TaskListFilter.Meta):
            fields = ("model_name", "flow_task", "created", "finished")

    @viewprop
    def queryset(self):
        return task_archive_for(user=self.request.user)


class ProcessListView(flow_views.DashboardProcessListView):
    def get_queryset(self):
        queryset = processes_visible_to(user=self.request.user).filter(flow_class=self.flow_class)
        queryset = queryset.annotate(active_tasks_count=Count("task", filter=Q(task__finished__isnull=True)))
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET, queryset=queryset, request=self.request)
            return self.filterset.qs
        return queryset


class TaskListView(flow_views.DashboardTaskListView):
    @viewprop
    def queryset(self):
        return tasks_visible_to(user=self.request.user)


class DashboardView(flow_views.DashboardView):
    """The kanban board, showing only tasks of processes the user may see."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = tasks_visible_to(user=self.request.user)
        for column in context["columns"]:
            column["tasks"] = visible.filter(
                Q(finished__isnull=True) | Q(status=STATUS.ERROR), flow_task=column["node"]
            )[: self.MAX_ROWS]
        context["finished"] = visible.filter(
            finished__isnull=False, flow_task__in=context["end_nodes"]
        )[: self.MAX_ROWS]
        return context
