"""The store's own address, for the absolute links of e-mails and other messages read outside the site.

``SITE_URL`` names it. Left empty in development (DEBUG on), the address is the development server's:
the first ALLOWED_HOSTS entry that names a host, on DEV_SERVER_PORT. In production an empty ``SITE_URL``
is refused at startup by the system check below, so no e-mail ever carries a link that goes nowhere.
"""

from django.conf import settings
from django.core import checks


def site_url() -> str:
    """The store's address without a trailing slash ("" only in production without SITE_URL, which checks refuse)."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    if not settings.DEBUG:
        return ""
    # ".example.com" allows example.com and its subdomains; "*" names no host at all.
    hosts = (entry.lstrip(".") for entry in settings.ALLOWED_HOSTS if entry != "*")
    host = next((host for host in hosts if host), "127.0.0.1")
    return f"http://{host}:{settings.DEV_SERVER_PORT}"


def absolute_url(path: str) -> str:
    """A site path (``/orders/…/``) as a full link; an empty path or one already absolute is returned as it is."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return site_url() + path


@checks.register()
def _site_url_is_set_in_production(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if settings.DEBUG or settings.SITE_URL:
        return []
    return [
        checks.Error(
            "SITE_URL must be set when DEBUG is off: e-mails link to the store with it.",
            hint="Set SITE_URL to the store's public address, e.g. https://shop.example.com.",
            id="shop.E201",
        )
    ]
