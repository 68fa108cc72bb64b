"""Settings of `make bench`'s bare Django yardstick: the store's settings with one URL and no middleware, so the
figure is what Django itself costs on this machine (request handling, one view, the response) and every store
figure can be read as a share of it."""

from shop.settings import *  # noqa: F403  (the same settings, databases and all: only what runs differs)

ROOT_URLCONF = "bare_urls"
MIDDLEWARE: list[str] = []
