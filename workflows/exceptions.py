from django.utils.translation import gettext_lazy as _


class TaskNotAvailable(Exception):
    """The task was completed, cancelled or taken by someone else meanwhile."""

    default_message = _("Nhiệm vụ này đã được xử lý hoặc không còn ở trạng thái chờ.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))
