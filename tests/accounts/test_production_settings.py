"""Production settings refuse weak secrets and pass `check --deploy` without a single warning."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "r7Qm2xVb9Lk4pZt8Wc1Ns6Hd3Jf5Gy0Ue-_Aq7Rv2Bx9Mk4Pz8Tc1Wn6Sh3Dj5Fg"


def run_manage(
    *args: str, secret_key: str | None = GOOD_KEY, site_url: str | None = "https://kheo.example.vn"
) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECRET_KEY", "SECURE_", "SESSION_", "CSRF_", "KHEO_SITE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL="sqlite:///" + str(ROOT / "var" / "check-deploy.sqlite3"),
        ALLOWED_HOSTS="kheo.example.vn",
        CSRF_TRUSTED_ORIGINS="https://kheo.example.vn",
        PYTHONIOENCODING="utf-8",
    )
    env.pop("SECRET_KEY", None)
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    if site_url is not None:
        env["KHEO_SITE_URL"] = site_url
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_no_issue():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("secret_key", "message"),
    [
        (None, "Thiếu biến môi trường SECRET_KEY: không thể khởi động ở chế độ production."),
        ("", "Thiếu biến môi trường SECRET_KEY: không thể khởi động ở chế độ production."),
        ("abc", "SECRET_KEY quá ngắn hoặc quá đơn giản (cần ít nhất 50 ký tự"),
        ("a" * 64, "SECRET_KEY quá ngắn hoặc quá đơn giản (cần ít nhất 50 ký tự"),
        ("dev-only-insecure-key-do-not-use-in-production", "SECRET_KEY đang dùng một giá trị mặc định đã công khai"),
        ("django-insecure-" + "x1y2z3w4" * 6, "SECRET_KEY đang dùng một giá trị mặc định đã công khai"),
    ],
)
def test_weak_secret_key_stops_the_start_up(secret_key, message):
    result = run_manage("check", secret_key=secret_key)
    assert result.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured: " + message in result.stderr


@pytest.mark.parametrize("site_url", [None, "", "http://127.0.0.1:8000"])
def test_production_refuses_to_start_without_the_https_address_e_mail_links_use(site_url):
    result = run_manage("check", site_url=site_url)
    assert result.returncode == 1
    assert (
        "django.core.exceptions.ImproperlyConfigured: KHEO_SITE_URL phải là địa chỉ HTTPS của trang "
        "(ví dụ https://kheo.example.vn): liên kết trong thư điện tử dùng địa chỉ này."
    ) in result.stderr


def test_production_security_settings():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEBUG, "
        "s.CACHES['default']['BACKEND'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "31536000",
        "True",
        "True",
        "True",
        "False",
        "django.core.cache.backends.redis.RedisCache",
    ]
