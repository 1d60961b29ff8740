"""Helpers for the deadline and notification tests: a registered model, a real Redis, a real worker."""

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import redis
from django.db import connection

from notifications.dispatch import broker_backoff_reset
from recognition.forms import DossierForm
from workflows.models import RecognitionTask
from workflows.services import registration_submit

ROOT = Path(__file__).resolve().parents[2]


def model_register(world, dossier):
    form = DossierForm(data=dossier, user=world.submitter)
    assert form.is_valid(), form.errors
    return registration_submit(submitted_by=world.submitter, campaign=world.campaign, data=form.dossier_data())


def open_task(movement_model, node_name: str) -> RecognitionTask:
    tasks = RecognitionTask.objects.filter(
        process__movement_model=movement_model, finished__isnull=True, flow_task_type="HUMAN"
    ).order_by("pk")
    return next(task for task in tasks if task.flow_task.name == node_name)


def wait_for(condition, *, timeout: float = 30.0, interval: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def free_port(preferred: int) -> int:
    for port in (preferred, *range(preferred + 10, preferred + 60)):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port for a test Redis")


class RedisServer:
    """A private redis-server on a spare port (no persistence), started and stopped by the test."""

    def __init__(self, port: int):
        self.port = port
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/5"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=10, message=f"redis on port {self.port}")
        return self

    def _answers(self) -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def process_env(*, broker_url: str, extra_env: dict) -> dict:
    """What a process started by a test needs: the test settings, the test database and broker."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "KHEO_TEST_DATABASE_NAME": str(connection.settings_dict["NAME"]),
        "REDIS_URL": broker_url,
        "PYTHONPATH": str(ROOT),
        **extra_env,
    }


class OutboxRelay:
    """`manage.py outbox_relay` in its own process group, on the test database and the test broker."""

    def __init__(self, *, broker_url: str, extra_env: dict | None = None):
        self.broker_url = broker_url
        self.extra_env = extra_env or {}
        self.process = None
        self.log = tempfile.NamedTemporaryFile(prefix="kheo-relay-", suffix=".log", delete=False)

    def start(self) -> "OutboxRelay":
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "outbox_relay"],
            cwd=ROOT,
            env=process_env(broker_url=self.broker_url, extra_env=self.extra_env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: "Bộ chuyển hộp thư đi đang chạy" in self.output(), timeout=60, message="the outbox relay")
        return self

    def stop(self) -> int | None:
        """SIGTERM, as `make run` and systemd stop it; its exit code."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        return self.process.returncode if self.process else None

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")


class CeleryWorker:
    """`celery -A config worker` in its own process group, on the test database and the test broker."""

    def __init__(self, *, broker_url: str, mail_dir: str, extra_env: dict | None = None, concurrency: int = 1):
        self.broker_url = broker_url
        self.mail_dir = mail_dir
        self.extra_env = extra_env or {}
        self.concurrency = concurrency
        self.process = None
        self.log = tempfile.NamedTemporaryFile(prefix="kheo-worker-", suffix=".log", delete=False)

    def start(self) -> "CeleryWorker":
        env = process_env(
            broker_url=self.broker_url,
            extra_env={
                "EMAIL_BACKEND": "tests.notifications.mail_backend.EmailBackend",
                "KHEO_TEST_MAIL_DIR": self.mail_dir,
                **self.extra_env,
            },
        )
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={self.concurrency}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"kheo-test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: b"ready." in Path(self.log.name).read_bytes(), timeout=60, message="the Celery worker")
        return self

    def kill(self) -> None:
        """SIGKILL the worker and its pool children: no clean-up, no ack."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")


@contextmanager
def celery_broker(url: str):
    """Point this process's Celery app (what `.delay()` and the beat's scan publish to) at `url`."""
    from kombu import pools

    from config.celery import app

    previous = app.conf.broker_url

    def reset_pools():
        # kombu keeps producer pools per connection in a global registry: drop them all.
        pools.reset()
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None

    app.conf.broker_url = url
    reset_pools()
    broker_backoff_reset()
    try:
        yield app
    finally:
        app.conf.broker_url = previous
        reset_pools()
        broker_backoff_reset()


def queued_deliveries(broker_url: str) -> list[list[int]]:
    """The notification ids of each delivery message waiting in the broker's queue, oldest first."""
    client = redis.Redis.from_url(broker_url)
    # kombu's Redis transport LPUSHes onto the queue's list: the oldest message is at its end.
    messages = reversed(client.lrange("notifications", 0, -1))
    return [json.loads(base64.b64decode(json.loads(raw)["body"]))[0][0] for raw in messages]


def mail_files(directory) -> dict[str, int]:
    """notification id → how many times it was e-mailed, from the worker's test backend."""
    return {
        path.stem.removeprefix("notification-"): path.read_text(encoding="utf-8").count("\n=====\n")
        for path in Path(directory).glob("notification-*.eml")
    }
