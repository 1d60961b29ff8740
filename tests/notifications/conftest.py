"""Real processes for the outbox tests: a private Redis, Celery workers and outbox relays."""

import tempfile

import pytest

from tests.notifications.support import CeleryWorker, OutboxRelay, RedisServer, free_port


@pytest.fixture
def redis_server():
    server = RedisServer(free_port(6391)).start()
    yield server
    server.stop()


@pytest.fixture
def mail_dir():
    with tempfile.TemporaryDirectory(prefix="kheo-mail-") as directory:
        yield directory


@pytest.fixture
def workers(redis_server, mail_dir):
    started = []

    def start(**extra_env) -> CeleryWorker:
        worker = CeleryWorker(broker_url=redis_server.url, mail_dir=mail_dir, extra_env=extra_env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def relays(redis_server):
    """Start `manage.py outbox_relay` processes on the test broker; each is stopped (SIGTERM) at the end."""
    started = []

    def start(**extra_env) -> OutboxRelay:
        relay = OutboxRelay(broker_url=redis_server.url, extra_env=extra_env).start()
        started.append(relay)
        return relay

    yield start
    for relay in started:
        relay.stop()
