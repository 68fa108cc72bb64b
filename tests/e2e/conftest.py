"""Browser journeys in Debian's headless Chromium, driven by Playwright against a live server."""

import os
from pathlib import Path

import pytest

from tests.conftest import IN_CI

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make there
# (factories, assertions) are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        # In CI a missing browser is a failure, never a skip.
        (pytest.fail if IN_CI else pytest.skip)(f"Chromium not found at {CHROMIUM}: run `make chromium`")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
        ],
    }


@pytest.fixture(autouse=True)
def _unhashed_static_names(settings):
    """pytest-django's live server answers /static/ itself from the staticfiles finders, which know no
    hashed manifest names: pages link the plain names so that their CSS and JavaScript load."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def base(live_server) -> str:
    return live_server.url
