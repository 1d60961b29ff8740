"""Production: every secret comes from the environment; a missing or weak one stops the start-up.

`python manage.py check --deploy` with these settings reports no warning (tested).
"""

from django.core.exceptions import ImproperlyConfigured

from config.env import env

from .base import *  # noqa: F403

DEBUG = False

# Keys that have been published (dev/test settings, documentation examples) are as bad as none.
KNOWN_SECRET_KEYS = {
    "dev-only-insecure-key-do-not-use-in-production",
    "test-only-key",
    "change-me",
    "changeme",
    "secret",
}
SECRET_KEY_MIN_LENGTH = 50


def secret_key_problem(key: str) -> str | None:
    """Why `key` must not sign sessions and password-reset links in production, or None if it may."""
    if not key:
        return "Thiếu biến môi trường SECRET_KEY: không thể khởi động ở chế độ production."
    if key in KNOWN_SECRET_KEYS or key.startswith("django-insecure"):
        return "SECRET_KEY đang dùng một giá trị mặc định đã công khai: hãy tạo khóa bí mật mới."
    if len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < 5:
        return (
            f"SECRET_KEY quá ngắn hoặc quá đơn giản (cần ít nhất {SECRET_KEY_MIN_LENGTH} ký tự, "
            "nhiều ký tự khác nhau): tạo bằng "
            "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
        )
    return None


SECRET_KEY = env("SECRET_KEY", default="")
if problem := secret_key_problem(SECRET_KEY):
    raise ImproperlyConfigured(problem)
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured("Thiếu biến môi trường DATABASE_URL: không thể khởi động ở chế độ production.")
# Links in e-mails must point at the site people use, never at the development default.
KHEO_SITE_URL = env("KHEO_SITE_URL", default="")
if not KHEO_SITE_URL.startswith("https://"):
    raise ImproperlyConfigured(
        "KHEO_SITE_URL phải là địa chỉ HTTPS của trang (ví dụ https://kheo.example.vn): "
        "liên kết trong thư điện tử dùng địa chỉ này."
    )

# HTTPS only: nginx terminates TLS and says so in X-Forwarded-Proto; plain HTTP is redirected.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)  # one year
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SESSION_COOKIE_HTTPONLY = True
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=True)

# Several gunicorn workers and hosts: API throttle counters must be shared (Redis).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", default=REDIS_URL),  # noqa: F405
    }
}
