"""Test run: the project's one settings module, pointed at the real PostgreSQL and Redis.

Only the environment differs: TEST_DATABASE_URL and TEST_REDIS_URL (defaults below) replace
DATABASE_URL and REDIS_URL, so a developer's own database is never touched by the suite.
"""

import os
from pathlib import Path
import tempfile

os.environ["DATABASE_URL"] = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shop")
os.environ["REDIS_URL"] = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("CACHE_KEY_PREFIX", "shop-test")
os.environ.pop("CELERY_BROKER_URL", None)  # tasks run eagerly unless a test starts a worker
os.environ.setdefault("LOG_LEVEL", "WARNING")

from shop.settings import *  # noqa: F403

# Argon2 stays the hasher (the tests check it); its cost is lowered so thousands of hashes stay quick.
PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]

# Static files are collected once per run (tests/conftest.py) so pages use hashed names as in production,
# into a folder of this run's own so that concurrent runs never read each other's half-written files.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="shop-test-static-"))
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="shop-test-media-"))

# pytest-django runs with DEBUG off: the suite's parcels still travel with the simulated carrier (tests of its
# gate turn it off).
SIMULATED_CARRIER_ENABLED = True
# The suite's eager Celery runs the simulated carrier's steps at once (tests of the development catch-up
# turn it on).
SIMULATED_CARRIER_CATCH_UP = False
