"""Benchmark settings: the test settings plus the `bench` app, on a throwaway database.

BENCH_DATABASE_URL (else DATABASE_URL) picks the server; the benchmark then creates and
destroys its own database next to it, the way pytest-django does (`test_<name>`), so it
never touches real data. Without either, it uses the SQLite file var/bench.sqlite3.
"""

from config.env import VAR_DIR, env
from config.settings.test import *  # noqa: F403
from config.settings.test import INSTALLED_APPS

# simple_history: the peer of bench.lifecycle keeps the history of viewflow's rows (bench/models.py).
INSTALLED_APPS = [*INSTALLED_APPS, "simple_history", "bench"]

_url = env("BENCH_DATABASE_URL", default=env("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'bench.sqlite3'}"))
DATABASES = {"default": env.db_url_config(_url)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not the in-memory database Django would use for tests. WAL with
    # synchronous=NORMAL (the usual SQLite server set-up) commits without waiting for
    # fsync, so the numbers measure the code rather than this machine's disk.
    # var/bench.sqlite3, or the file BENCH_DATABASE_URL=sqlite:///PATH names (the smoke test's).
    _file = env.db_url_config(env("BENCH_DATABASE_URL", default="sqlite://"))["NAME"]
    DATABASES["default"]["TEST"] = {"NAME": _file if _file not in ("", ":memory:") else str(VAR_DIR / "bench.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Messages the benchmark publishes go to a Redis database of their own (15 unless
# BENCH_REDIS_URL says otherwise), never into the queues of a running instance.
CELERY_BROKER_URL = env("BENCH_REDIS_URL", default=REDIS_URL.rsplit("/", 1)[0] + "/15")  # noqa: F405

# bench.lists requests its pages through Django's test Client (pytest-django adds this for the tests).
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405

# Khéo as shipped: a step only writes its outbox rows; the outbox relay (a process of its
# own, not run here) publishes them. The peer publishes its delay() in the request.
KHEO_OUTBOX_PUBLISH = "relay"
