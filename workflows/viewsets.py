"""The flow's pages in the Material frontend, with Khéo's scoped list views."""

from django.utils.translation import gettext_lazy as _
from viewflow.workflow.flow import FlowAppViewset

from .selectors import task_inbox_for, task_queue_for
from .views import lists


class RecognitionFlowViewset(FlowAppViewset):
    dashboard_view_class = lists.DashboardView
    process_list_view_class = lists.ProcessListView
    task_list_view_class = lists.TaskListView
    inbox_view_class = lists.InboxView
    queue_view_class = lists.QueueView
    archive_view_class = lists.ArchiveView

    def get_context_data(self, request):
        return {
            "user_inbox": task_inbox_for(user=request.user),
            "user_queue": task_queue_for(user=request.user),
        }


def recognition_flow_viewset():
    from .flows import RecognitionFlow

    return RecognitionFlowViewset(RecognitionFlow, icon="verified", title=_("Công nhận mô hình"))
