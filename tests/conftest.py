"""Suite-wide fixtures: real services are required (a CI run fails, never skips, without them)."""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from rest_framework.test import APIClient

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _reachable(url: str, default_port: int) -> bool:
    parts = urlparse(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def pytest_sessionstart(session):
    missing = [
        name
        for name, url, port in (
            ("PostgreSQL", os.environ["DATABASE_URL"], 5432),
            ("Redis", os.environ["REDIS_URL"], 6379),
        )
        if not _reachable(url, port)
    ]
    if missing:
        pytest.exit(f"{' and '.join(missing)} not reachable: the suite runs against the real services.", returncode=3)


@pytest.fixture(scope="session", autouse=True)
def _collected_static():
    """Pages render hashed static names from the manifest, exactly as with DEBUG off in production."""
    from django.conf import settings
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    yield
    shutil.rmtree(settings.STATIC_ROOT, ignore_errors=True)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached pages from one test never leak into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()
