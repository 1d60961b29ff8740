"""`manage.py outbox_relay`: publish the delivery messages of new notifications until stopped.

The request path only writes outbox rows; this process publishes them (notifications/relay.py).
`make run` starts it; production runs it as a service next to the Celery worker (README).
SIGTERM or Ctrl-C stops it after the batch in hand.
"""

import signal
import threading

from django.core.management.base import CommandError
from django.db import connection
from django.utils.translation import gettext as _

from notifications.relay import BATCH, CHANNEL, notifications_relay_publish, outbox_relay_run
from recognition.management.database import DatabaseCommand


class Command(DatabaseCommand):
    """Refuses in one line while the database is not migrated (the README runs it on a fresh checkout)."""

    help = _("Gửi tin nhắn chuyển phát cho các thông báo mới trong hộp thư đi, cho đến khi được dừng.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help=_("Chỉ chuyển những gì đang chờ rồi thoát (không chờ thông báo mới).")
        )
        parser.add_argument("--batch", type=int, default=BATCH, help=_("Số thông báo tối đa mỗi lần nhận."))

    def handle(self, *args, once=False, batch=BATCH, **options):
        if once:
            published = notifications_relay_publish(limit=batch)
            if published is None:
                raise CommandError(_("Không kết nối được hàng đợi tin nhắn: các thông báo chờ lần chuyển sau."))
            self.stdout.write(_("Đã chuyển %(count)s thông báo.") % {"count": published})
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, lambda *_args: stop.set())
        if connection.vendor == "postgresql":
            self.stdout.write(_("Bộ chuyển hộp thư đi đang chạy: nghe kênh %(channel)s.") % {"channel": CHANNEL})
        else:
            self.stdout.write(_("Bộ chuyển hộp thư đi đang chạy: dò hộp thư đi định kỳ."))
        self.stdout.flush()
        outbox_relay_run(stop=stop, limit=batch)
        self.stdout.write(_("Bộ chuyển hộp thư đi đã dừng."))
