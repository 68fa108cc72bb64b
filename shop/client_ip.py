"""The client's address, the one every throttle and the sign-in lockout key on.

Only what the configured proxies wrote is believed: with ``TRUSTED_PROXY_COUNT = 0`` the address is the
socket's peer (``REMOTE_ADDR``) whatever ``X-Forwarded-For`` says; with N trusted proxies it is the Nth
address from the right of ``X-Forwarded-For`` (the one the outermost trusted proxy saw), as DRF reads
``NUM_PROXIES``. Anything a client puts to the left of that is ignored.
"""

from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's IP address as the trusted proxies saw it; ``REMOTE_ADDR`` when they say nothing usable."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote_addr
    addresses = [part.strip() for part in forwarded.split(",")]
    candidate = addresses[-min(proxies, len(addresses))]
    try:
        return str(ip_address(candidate))
    except ValueError:
        return remote_addr
