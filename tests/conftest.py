"""Suite-wide fixtures: real services are required (a CI run fails, never skips, without them)."""

import os
import shutil
import socket
import threading
from urllib.parse import urlparse

from django.test.client import Client, FakePayload
import pytest
from rest_framework.test import APIClient

from tests.schema_check import SchemaMismatch, check_exchange

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _reachable(url: str, default_port: int) -> bool:
    parts = urlparse(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "schema_unchecked(reason): this test deliberately sends what the API schema forbids; skip the schema check",
    )


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


@pytest.fixture(autouse=True)
def api_schema_check(request, monkeypatch):
    """Every JSON answer from /api/, and every accepted JSON request, fits /api/schema/ (see tests/schema_check.py).

    A mismatch fails the test at once; one met in a worker thread is yielded here and fails it at teardown.
    A test that deliberately breaks the contract opts out with ``@pytest.mark.schema_unchecked("why")``.
    """
    if request.node.get_closest_marker("schema_unchecked"):
        yield
        return
    main_thread = threading.current_thread()
    from_other_threads: list[SchemaMismatch] = []
    send = Client.request

    def checked_request(self, **environ):
        payload = environ.get("wsgi.input")
        body = payload.read() if payload is not None else b""
        if payload is not None:
            environ["wsgi.input"] = FakePayload(body)
        response = send(self, **environ)
        try:
            check_exchange(
                method=environ.get("REQUEST_METHOD", "GET"),
                path=environ.get("PATH_INFO", ""),
                request_body=body,
                request_type=environ.get("CONTENT_TYPE", ""),
                response=response,
            )
        except SchemaMismatch as mismatch:
            if threading.current_thread() is main_thread:
                raise
            # A worker thread may swallow the error: the test fails at teardown instead.
            from_other_threads.append(mismatch)
        return response

    monkeypatch.setattr(Client, "request", checked_request)
    yield from_other_threads
    if from_other_threads:
        pytest.fail("\n".join(str(mismatch) for mismatch in from_other_threads), pytrace=False)


@pytest.fixture
def unlimited_holds(settings):
    """Lift the fair-hold caps (orders.services.fairness) for tests about something else that buy most of a
    small stock or check out many times in a row; the caps' own tests keep the real ones."""
    settings.HOLD_MAX_OPEN_ORDERS = 1_000
    settings.HOLD_MAX_UNITS_PER_VARIANT = 1_000_000
    settings.HOLD_MAX_SHARE_OF_STOCK = 1.0
    settings.CHECKOUTS_PER_MINUTE = 1_000
    settings.CHECKOUT_BACKOFF_AFTER = 1_000
    return settings
