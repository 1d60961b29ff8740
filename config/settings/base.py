"""Settings shared by every environment. Values that vary come from `config.env`."""

import sys
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from kombu import Queue

from config.env import BASE_DIR, VAR_DIR, env

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "drf_spectacular_sidecar",
    "treebeard",
    "sequences",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "viewflow",
    "viewflow.workflow",
    "recognition",
    "workflows",
    "procedures",
    "notifications",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # Anonymous visitors of any page are sent to the login page (API views answer 401 themselves).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Admins, auditors, staff and superusers are sent to enrol in / pass the second factor first.
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "recognition.audit_context.AuditContextMiddleware",
    # Last, so that it sees the lockout flag that the authentication backend set on the request.
    "axes.middleware.AxesMiddleware",
]

# django-axes checks every sign-in (login page and POST /api/v1/auth/token/) before the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kheo.sqlite3'}"),
}
# The web server and the workers connect with DATABASE_URL, as a role that can add to the audit
# trail but not rewrite it; `migrate` and `db_roles` connect as the owner of the tables,
# DATABASE_MIGRATION_URL, when it is set (see recognition/database_roles and the README).
DATABASE_APP_SETTINGS = dict(DATABASES["default"])
DATABASE_MIGRATION_URL = env("DATABASE_MIGRATION_URL", default="")
OWNER_COMMANDS = {"migrate", "db_roles"}
if (
    DATABASE_MIGRATION_URL
    and len(sys.argv) > 1
    and Path(sys.argv[0]).name in {"manage.py", "django-admin", "__main__.py"}
    and sys.argv[1] in OWNER_COMMANDS
):
    DATABASES["default"] = env.db_url_config(DATABASE_MIGRATION_URL)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; wait for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "recognition.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
# No LOGOUT_REDIRECT_URL: signing out shows registration/logged_out.html ("you have signed out").

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English available; dates dd/mm/yyyy in Asia/Ho_Chi_Minh.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))

# Attachments: documents and images only, 20 MB each.
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")

# API throttle counters live here; production.py shares them between processes through Redis.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A message taken by a worker that died is handed out again after this many seconds.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "socket_connect_timeout": 3,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_DEFAULT_QUEUE = "celery"
# Bulk fan-out (firing deadline slots, delivering notifications) has its own queues; a
# worker started without -Q consumes all three.
CELERY_TASK_QUEUES = [Queue("celery"), Queue("deadlines"), Queue("notifications")]
CELERY_TASK_ROUTES = {
    "deadlines.fire": {"queue": "deadlines"},
    "notifications.deliver": {"queue": "notifications"},
    "notifications.digest": {"queue": "notifications"},
}
# Every minute; a tick older than the next one is dropped rather than piled up while workers are down.
CELERY_BEAT_SCHEDULE: dict = {
    "deadlines-scan": {"task": "deadlines.scan", "schedule": 60.0, "options": {"expires": 55}},
    "workflow-timers": {"task": "workflows.timers", "schedule": 60.0, "options": {"expires": 55}},
    "notifications-sweep": {"task": "notifications.sweep", "schedule": 60.0, "options": {"expires": 55}},
    "decisions-settle-pending": {"task": "decisions.settle_pending", "schedule": 60.0, "options": {"expires": 55}},
    "notifications-digest": {
        "task": "notifications.digest",
        "schedule": crontab(hour=env.int("KHEO_DIGEST_HOUR", default=7), minute=0),
    },
    # Opens the annual re-reviews of the campaigns whose re-review date has come (idempotent).
    "followups-rereviews-open": {"task": "followups.rereviews_open", "schedule": crontab(hour=6, minute=30)},
    # Seals the heads of every audit chain that grew since the previous seal.
    "audit-digest-seal": {
        "task": "recognition.audit.tasks.audit_digest_seal_task",
        "schedule": crontab(hour=23, minute=55),
    },
    # Appends the records committed in the last minute to the audit Merkle tree and signs a checkpoint.
    "audit-tree-append": {
        "task": "recognition.audit.tasks.audit_tree_append_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # E-mails the day's signed checkpoint to the auditors of the top-level units (a witness).
    "audit-checkpoint-publish": {
        "task": "recognition.audit.tasks.audit_checkpoint_publish_task",
        "schedule": crontab(hour=23, minute=58),
    },
}
# Task modules outside an app's tasks.py, which autodiscovery does not find.
CELERY_IMPORTS = ["recognition.audit.tasks"]

# Audit tamper evidence (README "Nhật ký kiểm tra"). The private key that signs the
# checkpoints of the audit Merkle tree is never stored in the database: a PKCS#8 PEM
# file, or its text in the environment. Retired public keys stay listed so their
# checkpoints remain verifiable. The witness directory receives every checkpoint.
KHEO_AUDIT_SIGNING_KEY = env("KHEO_AUDIT_SIGNING_KEY", default="")
KHEO_AUDIT_SIGNING_KEY_FILE = env("KHEO_AUDIT_SIGNING_KEY_FILE", default="")
KHEO_AUDIT_PUBLIC_KEYS = env.list("KHEO_AUDIT_PUBLIC_KEYS", default=[])
KHEO_AUDIT_WITNESS_DIR = env("KHEO_AUDIT_WITNESS_DIR", default="")
# Names this log inside its checkpoints (several installations, several logs).
KHEO_AUDIT_ORIGIN = env("KHEO_AUDIT_ORIGIN", default="kheo")
# A record enters the tree within this delay of being written (CT's maximum merge delay).
KHEO_AUDIT_MAX_MERGE_DELAY_SECONDS = env.int("KHEO_AUDIT_MAX_MERGE_DELAY_SECONDS", default=3600)
# A checkpoint dated later than now plus this tolerance is refused ("from the future").
KHEO_AUDIT_CLOCK_SKEW_SECONDS = 300

# Behind nginx: an `internal` location aliased to MEDIA_ROOT; attachments are sent with
# X-Accel-Redirect after the permission check. Empty: Django streams the file itself.
KHEO_ATTACHMENT_ACCEL_PREFIX = env("KHEO_ATTACHMENT_ACCEL_PREFIX", default="")

# Deadlines (workflows.deadlines): SLA of each human task in working days, reminders
# relative to the due day, escalation levels after it. Checked at start-up. Only the
# defaults of the first national procedure version (procedures.defaults): processes read
# the version they are pinned to. The notify hour and the lease are the instance's.
KHEO_STAGE_SLA_WORKING_DAYS = {
    "check_dossier": 5,
    "revise": 10,
    "survey": 12,
    "evaluate": 7,
    "recognise": 5,
    "replicate": 60,
}
KHEO_REMINDER_OFFSETS_WORKING_DAYS = [-2, 0]
KHEO_ESCALATION_DELAYS_WORKING_DAYS = [1, 3]
KHEO_DEADLINE_NOTIFY_HOUR = 8
KHEO_ESCALATION_SUPERVISOR_ROLE = "standing_body"
KHEO_ESCALATION_REASSIGN_STAGES: list[str] = []
KHEO_DEADLINE_CLOCK_PAUSED_STAGES = ["check_dossier"]
# Follow-up tasks (workflows.followups): the adopting unit's report on an adoption, the annual re-review.
KHEO_FOLLOW_UP_SLA_WORKING_DAYS = {"adoption_report": 60, "rereview": 15}
KHEO_DEADLINE_LEASE_SECONDS = 600

# Notification outbox (notifications): lease of a claimed row, retries, links in e-mails.
KHEO_NOTIFICATION_LEASE_SECONDS = env.int("KHEO_NOTIFICATION_LEASE_SECONDS", default=180)
KHEO_NOTIFICATION_MAX_ATTEMPTS = 5
KHEO_NOTIFICATION_RETRY_BASE_SECONDS = 60
# Who publishes the delivery message of a new outbox row: "relay" (the `outbox_relay` process,
# off the request path; `make run` starts it, production runs it as a service) or "on_commit"
# (the request itself, right after its commit). Either way the beat's sweep catches what is missed.
KHEO_OUTBOX_PUBLISH = env("KHEO_OUTBOX_PUBLISH", default="relay")
# The relay wakes on LISTEN/NOTIFY on PostgreSQL and also looks every this many seconds (a missed
# notification, a reconnection); on SQLite it only polls, at the shorter interval.
KHEO_OUTBOX_RELAY_POLL_SECONDS = env.float("KHEO_OUTBOX_RELAY_POLL_SECONDS", default=5.0)
KHEO_OUTBOX_RELAY_SQLITE_POLL_SECONDS = env.float("KHEO_OUTBOX_RELAY_SQLITE_POLL_SECONDS", default=0.5)
KHEO_SITE_URL = env("KHEO_SITE_URL", default="http://127.0.0.1:8000")
KHEO_EMAIL_MESSAGE_ID_DOMAIN = env("KHEO_EMAIL_MESSAGE_ID_DOMAIN", default="kheo.local")

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Kheo <no-reply@localhost>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "workflows.api.errors.exception_handler",
    # Per client IP for anonymous calls, per user otherwise; beyond the rate: 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("KHEO_API_ANON_RATE", default="60/minute"),
        "user": env("KHEO_API_USER_RATE", default="600/minute"),
    },
}

# The lists (API and web) count their rows up to this bound and then say "more than N":
# a bounded COUNT over at most N + 1 rows, never a full count of a million-row table.
KHEO_LIST_COUNT_BOUND = env.int("KHEO_LIST_COUNT_BOUND", default=1000)
# A sidebar badge (inbox, queue) counts up to this and then reads "99+".
KHEO_LIST_BADGE_BOUND = env.int("KHEO_LIST_BADGE_BOUND", default=99)

# The queue's index carries the task's permission as a covering column on PostgreSQL;
# SQLite (the zero-setup default) builds the index without it, which is all W040 says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Sign-in lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one IP address, that pair is refused, even with the right password, until
# AXES_COOLOFF_TIME has passed since the last attempt or an admin unlocks it
# (Quản trị → Axes → Access attempts: delete the row, or `manage.py axes_reset_username NAME`).
# Locking the pair, not the username alone, stops a stranger from locking a colleague out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False  # no start-up banner on every command; failures are still logged (WARNING)
# Behind nginx the client's address is the first of X-Forwarded-For (set AXES_BEHIND_PROXY=true).
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if env.bool("AXES_BEHIND_PROXY", default=False) else ("REMOTE_ADDR",)
)

# Second factor (django-otp): TOTP apps, plus single-use recovery codes.
OTP_TOTP_ISSUER = "Khéo"
KHEO_RECOVERY_CODE_COUNT = 10

# Content-Security-Policy (django-csp): scripts only from this site or with the page's nonce,
# nothing from elsewhere. Inline style attributes remain allowed (viewflow's templates use them;
# they cannot run code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Khéo API",
    "DESCRIPTION": 'Quy trình công nhận mô hình, điển hình "Dân vận khéo".',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the pinned drf-spectacular-sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ProcessStatusEnum": "viewflow.workflow.status.PROCESS",
        "TaskStatusEnum": "viewflow.workflow.status.STATUS",
        "ReplicationStatusEnum": "recognition.models.replication.ReplicationStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # django-axes says INFO for every routine step of a failed sign-in; its warnings (failures, lockouts) stay.
    # fontTools logs every table it prunes while fpdf2 subsets the fonts of a PDF.
    "loggers": {"axes": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
