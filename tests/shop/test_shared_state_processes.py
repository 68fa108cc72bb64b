"""Without Redis, the store's processes share one cache: several gunicorn workers never answer an old
price after a change made in yet another process (shop/settings.py, shop/public_cache.py)."""

from __future__ import annotations

from decimal import Decimal
import http.client
import json
import os
from pathlib import Path
import subprocess
import sys
import time

from django.conf import settings
from django.db import connection
import pytest

from tests.catalog.factories import ProductFactory
from tests.ports import free_port

BASE_DIR = Path(settings.BASE_DIR)
WORKERS = 3


def _database_url() -> str:
    """The test database this test's rows are committed to (transaction=True)."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def embedded_env(tmp_path) -> dict[str, str]:
    """The project's own settings with no REDIS_URL: the embedded default's cache, on PostgreSQL."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="shop.settings",
        REDIS_URL="",
        DATABASE_URL=_database_url(),
        DATABASE_CONN_MAX_AGE="0",
        CACHE_DIR=str(tmp_path / "cache"),
        SECRET_KEY="shared-state-test-" + "x" * 40,
        LOG_LEVEL="WARNING",
    )
    return env


@pytest.fixture
def gunicorn(embedded_env, tmp_path):
    """``WORKERS`` sync workers serving the store; yields their port."""
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "shop.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--timeout", "30"],
        cwd=BASE_DIR, env=embedded_env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                _get(port, "/healthz")
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _get(port: int, path: str) -> bytes:
    """One anonymous GET on a connection of its own (so any worker may take it); its 200 body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        assert response.status == 200, body
        return body
    finally:
        conn.close()


def _price(port: int, path: str) -> str:
    return json.loads(_get(port, path))["price"]


@pytest.mark.django_db(transaction=True)
def test_several_workers_without_redis_never_answer_an_old_price(gunicorn, embedded_env):
    product = ProductFactory(price=Decimal("10.00"))
    path = f"/api/v1/products/{product.pk}"
    # Enough requests that every worker has answered (and would have kept) the old price.
    assert {_price(gunicorn, path) for _ in range(6 * WORKERS)} == {"10.00"}

    # The seller's change, made by another process of the store (as a worker or a task would).
    change = (
        "from decimal import Decimal\n"
        "from catalog import services\n"
        "from accounts.models import User\n"
        f"services.update_product(product_id={product.pk}, actor=User.objects.get(pk={product.seller.user_id}),"
        " price=Decimal('99.00'))\n"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", change],
        cwd=BASE_DIR, env=embedded_env, check=True, timeout=60, capture_output=True,
    )  # fmt: skip

    assert [_price(gunicorn, path) for _ in range(6 * WORKERS)] == ["99.00"] * (6 * WORKERS)
