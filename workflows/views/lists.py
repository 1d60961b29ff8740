"""viewflow's list pages, scoped by unit and without the every-process dropdown.

viewflow's stock inbox/queue filter offers a `process` select that loads every
process into one dropdown (about 2 MB of HTML at 50,000 tasks); these filters keep
the task type and date filters and search by model name instead.
"""

import django_filters
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from viewflow.utils import viewprop
from viewflow.workflow.flow import views as flow_views
from viewflow.workflow.flow.views.mixins import StoreRequestPathMixin
from viewflow.workflow.status import STATUS

from recognition.models import ModelStage
from workflows.deadlines.calendar import working_calendar
from workflows.deadlines.display import task_due_status
from workflows.models import RecognitionProcess, RecognitionTask
from workflows.selectors import (
    process_tasks,
    processes_visible_to,
    task_archive_for,
    task_inbox_for,
    task_queue_for,
    tasks_visible_to,
)
from workflows.views.list_support import BoundedPaginator, flow_step_choices

TASK_STATUS_LABELS = [
    (STATUS.NEW, _("Chờ nhận")),
    (STATUS.ASSIGNED, _("Đã nhận, đang xử lý")),
    (STATUS.DONE, _("Đã hoàn thành")),
    (STATUS.CANCELED, _("Đã hủy")),
    (STATUS.ERROR, _("Lỗi")),
]

_MODEL_LOOKUP = "process__movement_model"
# The session key viewflow's pages read to link back to the last list (`StoreRequestPathMixin`).
PINNED_LOCATION = "vf-pin-location"

# What the list columns read: one join instead of a query per row.
_LIST_RELATED = (f"{_MODEL_LOOKUP}__unit", "process__followed_model__unit")


def _movement_model(task):
    # A follow-up task (workflows.followups) names the model it follows.
    return task.process.subject_model


class TaskListFilter(django_filters.FilterSet):
    model_name = django_filters.CharFilter(label=_("Tên mô hình"), method="filter_model_name")
    flow_task = django_filters.ChoiceFilter(label=_("Bước"))
    created = django_filters.DateRangeFilter(label=_("Ngày tạo"))

    class Meta:
        model = RecognitionTask
        fields = ("model_name", "flow_task", "created")

    def filter_model_name(self, queryset, name, value):
        # A follow-up task names its model in `followed_model`.
        return queryset.filter(
            Q(**{f"{_MODEL_LOOKUP}__name__icontains": value}) | Q(process__followed_model__name__icontains=value)
        )


class TaskListColumnsMixin:
    columns = ("task_id", "task_title", "model_name", "unit_name", "created_on", "due")

    def dispatch(self, request, *args, **kwargs):
        # viewflow's StoreRequestPathMixin pins the list's address in the session on every
        # request, so each page view wrote the session again (a savepoint and an UPDATE).
        # The address is written here only when it changed; viewflow's mixin is skipped.
        path = request.get_full_path()
        if request.session.get(PINNED_LOCATION) != path:
            request.session[PINNED_LOCATION] = path
        return super(StoreRequestPathMixin, self).dispatch(request, *args, **kwargs)

    # Which steps the filter offers: those a person works on, or every step (all tasks).
    filter_human_steps_only = True

    def get_filterset(self, filterset_class, queryset):
        filterset = super().get_filterset(filterset_class, queryset)
        filterset.filters["flow_task"].field.choices = flow_step_choices(
            self.flow_class, human_only=self.filter_human_steps_only
        )
        return filterset

    def due(self, task):
        # One calendar per page, not one query per row.
        if "_calendar" not in self.__dict__:
            self._calendar = working_calendar()
        return task_due_status(task=task, calendar=self._calendar).text

    due.short_description = _("Hạn xử lý")

    def model_name(self, task):
        return _movement_model(task)

    model_name.short_description = _("Mô hình")

    def unit_name(self, task):
        return _movement_model(task).unit

    unit_name.short_description = _("Đơn vị đăng ký")

    def task_title(self, task):
        return task.title

    task_title.short_description = _("Nhiệm vụ")

    def created_on(self, task):
        return date_format(timezone.localtime(task.created), "d/m/Y H:i")

    created_on.short_description = _("Ngày tạo")

    def finished_on(self, task):
        return date_format(timezone.localtime(task.finished), "d/m/Y H:i") if task.finished else ""

    finished_on.short_description = _("Ngày hoàn thành")


class InboxView(TaskListColumnsMixin, flow_views.FlowInboxListView):
    filterset_class = TaskListFilter
    paginator_class = BoundedPaginator
    title = _("Hộp việc")

    @viewprop
    def queryset(self):
        return task_inbox_for(user=self.request.user).select_related(*_LIST_RELATED)


class QueueView(TaskListColumnsMixin, flow_views.FlowQueueListView):
    filterset_class = TaskListFilter
    paginator_class = BoundedPaginator
    title = _("Việc chờ nhận")

    @viewprop
    def queryset(self):
        return task_queue_for(user=self.request.user).select_related(*_LIST_RELATED)


class ArchiveView(TaskListColumnsMixin, flow_views.FlowArchiveListView):
    title = _("Việc đã làm")
    paginator_class = BoundedPaginator
    columns = ("task_id", "task_title", "model_name", "unit_name", "created_on", "finished_on")

    class filterset_class(TaskListFilter):
        finished = django_filters.DateRangeFilter(label=_("Ngày hoàn thành"))

        class Meta(TaskListFilter.Meta):
            fields = ("model_name", "flow_task", "created", "finished")

    @viewprop
    def queryset(self):
        return task_archive_for(user=self.request.user).select_related(*_LIST_RELATED)


class ProcessListFilter(django_filters.FilterSet):
    model_name = django_filters.CharFilter(label=_("Tên mô hình"), method="filter_model_name")
    stage = django_filters.ChoiceFilter(
        label=_("Giai đoạn"), field_name="movement_model__stage", choices=ModelStage.choices
    )
    created = django_filters.DateRangeFilter(label=_("Ngày đăng ký"))

    class Meta:
        model = RecognitionProcess
        fields = ("model_name", "stage", "created")

    def filter_model_name(self, queryset, name, value):
        # A follow-up process names its model in `followed_model`.
        return queryset.filter(Q(movement_model__name__icontains=value) | Q(followed_model__name__icontains=value))


class ProcessListView(flow_views.DashboardProcessListView):
    title = _("Danh sách quy trình")
    columns = ("process_id", "model_name", "unit_name", "stage", "registered_on", "active_tasks")
    filterset_class = ProcessListFilter

    def process_id(self, process):
        return super().process_id(process)

    process_id.short_description = _("#")

    def model_name(self, process):
        return process.subject_model

    model_name.short_description = _("Mô hình")

    def unit_name(self, process):
        return process.registering_unit

    unit_name.short_description = _("Đơn vị đăng ký")

    def stage(self, process):
        movement_model = process.subject_model
        return movement_model.get_stage_display() if movement_model else ""

    stage.short_description = _("Giai đoạn")

    def registered_on(self, process):
        return date_format(timezone.localtime(process.created), "d/m/Y")

    registered_on.short_description = _("Ngày đăng ký")

    def active_tasks(self, process):
        return process.active_tasks_count

    active_tasks.short_description = _("Việc đang mở")

    def get_queryset(self):
        queryset = processes_visible_to(user=self.request.user).filter(flow_class=self.flow_class)
        queryset = queryset.annotate(active_tasks_count=Count("task_set", filter=Q(task_set__finished__isnull=True)))
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET, queryset=queryset, request=self.request)
            return self.filterset.qs
        return queryset


class ProcessDetailView(flow_views.DetailProcessView):
    """A process page: its tasks and, beside them, the dossier of its model.

    The queryset is scoped, so a process of another unit answers 404.
    """

    template_name = "workflows/recognition/process_detail.html"

    def get_queryset(self):
        return processes_visible_to(user=self.request.user).filter(flow_class=self.flow_class)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        process = context["process"]
        context["task_list"] = process_tasks(process=process)
        context["movement_model"] = process.subject_model
        context["can_manage"] = self.flow_class.instance.has_manage_permission(self.request.user, obj=process)
        return context


class TaskListView(TaskListColumnsMixin, flow_views.DashboardTaskListView):
    title = _("Danh sách nhiệm vụ")
    filter_human_steps_only = False
    columns = ("task_id", "task_title", "model_name", "unit_name", "status_label", "owner_name", "created_on")

    class filterset_class(TaskListFilter):
        status = django_filters.ChoiceFilter(label=_("Trạng thái"), choices=TASK_STATUS_LABELS)

        class Meta(TaskListFilter.Meta):
            fields = ("model_name", "flow_task", "status", "created")

    def status_label(self, task):
        return dict(TASK_STATUS_LABELS).get(task.status, task.status)

    status_label.short_description = _("Trạng thái")

    def owner_name(self, task):
        return task.owner.display_name if task.owner else ""

    owner_name.short_description = _("Người xử lý")

    @viewprop
    def queryset(self):
        return tasks_visible_to(user=self.request.user).select_related(*_LIST_RELATED).order_by("-created")


class DashboardView(flow_views.DashboardView):
    """The kanban board, showing only tasks of processes the user may see."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = tasks_visible_to(user=self.request.user)
        for column in context["columns"]:
            column["tasks"] = visible.filter(
                Q(finished__isnull=True) | Q(status=STATUS.ERROR), flow_task=column["node"]
            )[: self.MAX_ROWS]
        context["finished"] = visible.filter(finished__isnull=False, flow_task__in=context["end_nodes"])[
            : self.MAX_ROWS
        ]
        return context
