"""Reads from the PostgreSQL read replica (``DATABASE_REPLICA_URL``), only where a stale answer is harmless.

Safe by default: every query goes to the primary (``default``) unless all of these hold:

- the code runs inside an explicit replica scope (``reads_from_replica`` on a view, or ``replica_reads()``):
  the catalog's pages and API, search, the buyer's order history and the seller's figures, nothing else;
- the row's app is one whose rows such pages show (``REPLICA_APPS``: catalog, sellers, orders): accounts and
  sessions, carts, stock, payments and the ledger are always read from the primary, even inside a scope;
- no transaction is open on the primary (a read inside ``atomic()`` must see what the transaction wrote);
- the visitor has not written recently (read-your-writes, below).

Writes always go to the primary, and only the primary is migrated.

**Read-your-writes.** Every unsafe request (POST, PUT, PATCH, DELETE) pins its visitor to the primary for
``REPLICA_PIN_SECONDS`` (a few seconds, well above the replica's expected lag), so whoever just changed a
price, a review or an order sees the change on their next page. The pin is kept where every app node sees
it without a shared store: a signed, time-stamped cookie (Django's signing, so it cannot be forged or made
to last longer; it costs no round trip and nothing to expire). A signed-in user is also pinned under their
id in the shared cache, because API clients with a bearer token may not keep cookies; that costs one cache
read per replica-scoped request of a signed-in user. With the cache down, such a client falls back to the
cookie alone.

Under the test runner the ``replica`` alias mirrors ``default`` (``TEST = {"MIRROR": "default"}``): the
test database lives on the primary, and a hot standby could not create one anyway. A mirror is the same
database, so the router then reads it through ``default`` (one connection; tests' transactions and
database permissions stay as they are).

With the shared caches (shop/public_cache.py): a write bumps the versions at once, so an answer or piece
computed from the replica during its lag right after a write could show the old rows under the new version. The
caches therefore keep nothing computed under a version made less than ``REPLICA_PIN_SECONDS`` ago while a replica
is configured (``public_cache._replica_caught_up``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
import functools

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# Apps whose rows replica-scoped pages may read from the replica; every other app's are read from the primary.
REPLICA_APPS = frozenset({"catalog", "sellers", "orders"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PIN_COOKIE = "replica_pin"
_PIN_SALT = "shop.db_router.pin"

# Inside a scope: whether this request (or block) may read from the replica. None outside every scope.
_replica_allowed: ContextVar[bool | None] = ContextVar("replica_allowed", default=None)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _user_pin_key(user_id) -> str:
    return f"db-router:pin:user:{user_id}"


def is_pinned(request) -> bool:
    """Whether this visitor wrote within the last REPLICA_PIN_SECONDS (or is writing now)."""
    if request.method in UNSAFE_METHODS:
        return True
    try:
        request.get_signed_cookie(PIN_COOKIE, salt=_PIN_SALT, max_age=settings.REPLICA_PIN_SECONDS)
        return True
    except (KeyError, signing.BadSignature):  # no cookie, a forged one, or one older than the pin
        pass
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and cache.get(_user_pin_key(user.pk)))


@contextmanager
def replica_reads(request=None) -> Iterator[None]:
    """Inside, reads of ``REPLICA_APPS`` rows go to the replica (outside transactions), unless ``request``'s
    visitor is pinned to the primary. Nested scopes keep the outer decision when it was "primary"."""
    allowed = _replica_allowed.get() is not False and replica_configured()
    if allowed and request is not None and is_pinned(request):
        allowed = False
    token = _replica_allowed.set(allowed)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


def _request_of(args) -> object:
    # A function view's first argument, or a DRF method's second (after self): whichever is a request.
    return next(arg for arg in args if hasattr(arg, "COOKIES") and hasattr(arg, "method"))


def reads_from_replica(view: Callable) -> Callable:
    """Decorator for a read-only page or API method whose reads may lag the primary by a moment:
    it runs inside ``replica_reads(request)``."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with replica_reads(_request_of(args)):
            return view(*args, **kwargs)

    return wrapper


def _mirrors_default() -> bool:
    # set_as_test_mirror (the test runner) gives the mirror the very settings dict of default.
    return connections[REPLICA].settings_dict is connections[DEFAULT_DB_ALIAS].settings_dict


class ReplicaRouter:
    """The ``DATABASE_ROUTERS`` entry while ``DATABASE_REPLICA_URL`` is set: see the module's docstring."""

    def db_for_read(self, model, **hints) -> str:
        if (
            _replica_allowed.get()
            and model._meta.app_label in REPLICA_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
            and not _mirrors_default()
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # Both aliases hold the same rows: an object read from the replica may point to one from the primary.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaPinMiddleware:
    """Pins the visitor of every unsafe request to the primary for REPLICA_PIN_SECONDS (see the module's
    docstring); installed only while a replica is configured."""

    def __init__(self, get_response):
        if not replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in UNSAFE_METHODS:
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=_PIN_SALT,
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            # After the view: DRF has authenticated a bearer token by now and set the request's user.
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                cache.set(_user_pin_key(user.pk), 1, timeout=seconds)
        return response
