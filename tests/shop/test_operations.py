"""Operations: liveness, readiness (naming what is down), metrics, deploy checks, static files."""

import json
import os
from pathlib import Path
import secrets
import subprocess
import sys

from django.templatetags.static import static
import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


SETTINGS_VARIABLES = (
    "DATABASE_", "REDIS_URL", "CELERY_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL", "DJANGO_", "REPLICA_",
)  # fmt: skip


def settings_env(**env: str) -> dict:
    """This process's environment without any store setting, plus exactly the given ones."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_VARIABLES)}
    return {**base, "DJANGO_SETTINGS_MODULE": "shop.settings", **env}


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run Python in a fresh process with the project's settings and exactly the given environment."""
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=settings_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_and_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok"}


READYZ = """
from django.test import Client
r = Client(HTTP_HOST="127.0.0.1").get("/readyz")
print(r.status_code, r.content.decode())
"""


def live_database_url() -> str:
    """The test database this run created, as a URL a child process can use."""
    from django.db import connection

    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


def test_readyz_is_503_naming_redis_when_it_is_down():
    result = run_django(READYZ, DATABASE_URL=live_database_url(), REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert json.loads(body)["down"] == ["cache"]
    assert json.loads(body)["checks"]["database"] == "ok"


def test_readyz_checks_the_broker_when_one_is_configured():
    result = run_django(
        READYZ,
        DATABASE_URL=live_database_url(),
        REDIS_URL=os.environ["REDIS_URL"],
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
    )
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert json.loads(body)["down"] == ["broker"]


def test_readyz_passes_with_a_live_broker():
    result = run_django(
        READYZ,
        DATABASE_URL=live_database_url(),
        REDIS_URL=os.environ["REDIS_URL"],
        CELERY_BROKER_URL=os.environ["REDIS_URL"],
    )
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "200", body
    assert json.loads(body)["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_metrics_are_prometheus_text(client):
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "django_http_requests_total_by_method_total" in response.content.decode()


def test_metrics_token_is_enforced_when_set(client, settings):
    settings.METRICS_TOKEN = "scrape-me"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me").status_code == 200


def test_check_deploy_is_clean_with_debug_off_and_a_real_secret():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=settings_env(
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(64),
            METRICS_TOKEN=secrets.token_urlsafe(32),
            ALLOWED_HOSTS="shop.example.com",
            SITE_URL="https://shop.example.com",
            DATABASE_URL=live_database_url(),
            REDIS_URL=os.environ["REDIS_URL"],
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_off_without_a_secret_refuses_to_start():
    result = run_django("", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_nothing_set_gives_the_embedded_default():
    code = """
from django.conf import settings
print(settings.DATABASES["default"]["ENGINE"], settings.CACHES["default"]["BACKEND"],
      settings.CELERY_TASK_ALWAYS_EAGER, settings.EMAIL_BACKEND, settings.DEBUG,
      settings.STORAGES["default"]["BACKEND"], bool(settings.SECRET_KEY))
"""
    result = run_django(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.filebased.FileBasedCache",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "True",
        "django.core.files.storage.FileSystemStorage",
        "True",
    ]


def test_environment_switches_to_real_services():
    code = """
from django.conf import settings
print(settings.DATABASES["default"]["ENGINE"], settings.CACHES["default"]["BACKEND"],
      settings.CELERY_TASK_ALWAYS_EAGER, settings.EMAIL_BACKEND, settings.SESSION_ENGINE)
"""
    result = run_django(
        code,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/shop",
        REDIS_URL="redis://127.0.0.1:6379/1",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/2",
        EMAIL_URL="smtp://127.0.0.1:1025",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "django_redis.cache.RedisCache",
        "False",
        "django.core.mail.backends.smtp.EmailBackend",
        "django.contrib.sessions.backends.cached_db",
    ]


def test_static_files_have_hashed_names_and_long_cache_headers(client):
    url = static("css/store.css")
    assert url.startswith("/static/css/store.")
    assert url != "/static/css/store.css"
    response = client.get(url)
    assert response.status_code == 200
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]


def test_request_log_lines_are_structured_json():
    import logging

    from shop.logs import build_formatter

    record = logging.LogRecord("shop.test", logging.INFO, __file__, 1, "request_finished", None, None)
    line = json.loads(build_formatter(fmt="json").format(record))
    assert line["event"] == "request_finished"
    assert line["level"] == "info"
    assert "timestamp" in line
