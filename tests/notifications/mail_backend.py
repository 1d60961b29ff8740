"""A test e-mail backend for worker processes: one file per notification, appended on each send.

A file with two messages in it is a notification e-mailed twice. While the file
`<dir>/slow` exists every send waits there first, so a test can kill the worker in
the middle of a delivery.
"""

import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = Path(os.environ["KHEO_TEST_MAIL_DIR"])
        while (directory / "slow").exists():
            (directory / "sending").touch()
            time.sleep(0.1)
        for message in email_messages:
            key = message.extra_headers.get("X-Kheo-Notification", "unknown")
            with open(directory / f"notification-{key}.eml", "a", encoding="utf-8") as handle:
                handle.write(f"To: {', '.join(message.to)}\nSubject: {message.subject}\n\n{message.body}\n=====\n")
        return len(email_messages)
