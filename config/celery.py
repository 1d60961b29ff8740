"""Celery application: broker and result backend are the Redis at REDIS_URL."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("kheo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
