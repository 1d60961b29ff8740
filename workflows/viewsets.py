"""The flow's pages in the Material frontend, with Khéo's scoped list views."""

from django.utils.translation import gettext_lazy as _
from viewflow.workflow.flow import FlowAppViewset

from .views import lists
from .views.access import scope_to_visible_processes
from .views.list_support import sidebar_badges


class RecognitionFlowViewset(FlowAppViewset):
    dashboard_view_class = lists.DashboardView
    process_list_view_class = lists.ProcessListView
    process_detail_view_class = lists.ProcessDetailView
    task_list_view_class = lists.TaskListView
    inbox_view_class = lists.InboxView
    queue_view_class = lists.QueueView
    archive_view_class = lists.ArchiveView

    # viewflow's bulk claim/release pages act on any task pk posted to them; the
    # interface has no link to them, and claiming goes through each task's own
    # assign page, which is unit-scoped and audited.
    tasks_assign_path = None
    tasks_unassign_path = None

    def _get_urls(self):
        node_names = frozenset(node.name for node in self._flow_class.instance.nodes())
        return scope_to_visible_processes(super()._get_urls(), node_names=node_names)

    def get_context_data(self, request):
        # viewflow's flow menu shows `{{ user_inbox.count }}` and `{{ user_queue.count }}`:
        # both badges come from one bounded statement, read once per request.
        badges = sidebar_badges(request)
        return {"user_inbox": badges.inbox, "user_queue": badges.queue}


def recognition_flow_viewset():
    from .flows import RecognitionFlow

    return RecognitionFlowViewset(RecognitionFlow, icon="verified", title=_("Công nhận mô hình"))


def follow_up_flow_viewset():
    from .followups import FollowUpFlow

    return RecognitionFlowViewset(FollowUpFlow, icon="trending_up", title=_("Theo dõi sau công nhận"))
