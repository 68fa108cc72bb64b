"""A short-lived cache of whole public answers, for visitors who are not signed in.

Catalog reads outnumber writes a hundred to one, and an anonymous visitor's listing, search, product
page or API answer is the same for every such visitor. Whole answers (status, every header, body) are
kept in the shared cache (the ``public`` cache: Redis, or without ``REDIS_URL`` a directory every
process on the machine shares) for ``PUBLIC_CACHE_SECONDS``. Each stored answer records the version
of every subject (``catalog``, ``stock``) current when it began to be computed; the write services
bump a subject's version at once and again after commit, and an answer whose versions are no longer
current is never served, so nothing our own writes changed is ever served stale.

A version is a random token, never a counter: a bump can be lost to no race and an evicted or
flushed version can never come back equal to an old one (a missing version is no hit, and the next
miss starts a new one).

**The cache failing never fails a write, and never serves what a failure hid.** ``bump`` never
raises: a failure is logged and counted (``shop_public_cache_missed_bumps_total``), and the after-
commit bump goes through ``shop.side_effects.after_commit``. A process that may have missed a
change owes a re-bump of *every* subject; until it has made one (tried by a thread of its own and at
its next request or write, at most every ``RETRY_SECONDS`` while the cache keeps failing) it serves no
cached answer and stores none. A process owes one when

- any of its bumps, lookups or stores fails (it may be the writer, or a reader that saw an outage
  during which another process wrote), and
- one of its Redis connections is remade (``WatchedConnectionPool``): when Redis was stopped or
  restarted every process's connection broke, so every process re-bumps before its first hit, even
  one that saw no error because it sent nothing during the outage.

A re-bump replaces every version, so it kills the entries stored before it for all processes.
Hence: after the cache answers again, no process serves an answer stored before a write whose bump
it missed, and no process that lost its connection serves one stored before the outage. Left open,
both closed by the writer's own re-bump within ``RETRY_SECONDS`` of Redis answering it again (or by
the entries' ``PUBLIC_CACHE_SECONDS`` lapsing): a network partition that cuts one process off from a
Redis that stays up for the others, whose connections never break; and a process started after the
outage, whose first connection is not a remade one.

The home page and the paths in ``PUBLIC_CACHE_PATHS`` qualify. Only GET/HEAD requests without
credentials (no Authorization header, no session cookie) are served from or stored in this cache,
and only 200 answers that set no cookie and are not marked private.

Two doors lead to the same entries:

- ``PublicCacheMiddleware`` (outermost but for the metrics) stores answers and serves hits to any
  Django handler, the test client included;
- ``FastPath`` wraps the WSGI application (``shop/wsgi.py``) and serves hits before Django builds a
  request or runs any middleware: one cache round trip (``get_many``) and the stored bytes. A hit
  costs a fraction of the cheapest Django answer; see docs/PERFORMANCE.md.
"""

from __future__ import annotations

from datetime import UTC, datetime
import functools
from http import HTTPStatus
from http.cookies import SimpleCookie
import secrets
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from prometheus_client import Counter
import redis
import structlog

from shop.side_effects import after_commit

logger = structlog.get_logger(__name__)

CACHE_ALIAS = "public"
SUBJECTS = ("catalog", "stock")
_VERSION_KEYS = tuple(f"public-cache:version:{subject}" for subject in SUBJECTS)
# Pieces of signed-in pages (shop/fragments.py) are keyed by the version of each product they show and by
# this epoch: a catalog write that names its products bumps only theirs, any other catalog write (and every
# re-bump) the epoch. Stock is never inside a piece, so stock writes leave them alone.
EPOCH_KEY = "public-cache:version:pieces"


def product_version_key(product_id: int) -> str:
    return f"public-cache:version:product:{int(product_id)}"


# Subjects that also change with no write at all (``expires_by_itself``): subject -> the source of the
# next such moment. Stock: holds lapse at their order's expires_at.
_CHANGES_BY_ITSELF: dict = {}
# While the cache keeps failing, a process tries it again at most this often (a closed port fails
# at once, an unreachable host only after the socket timeout: not on every request).
RETRY_SECONDS = 1.0

_HITS = Counter("shop_public_cache_hits_total", "Public answers served from the shared cache", ["door"])
_MISSED_BUMPS = Counter(
    "shop_public_cache_missed_bumps_total", "Version bumps the public cache did not take", ["subject"]
)
_DISTRUSTS = Counter(
    "shop_public_cache_distrusts_total",
    "Times a process stopped trusting the public cache until it re-bumps every version",
    ["cause"],
)


def _cache():
    return caches[CACHE_ALIAS]


def _token() -> str:
    """A new version: when it was made (milliseconds, hex), then 8 random bytes."""
    return f"{int(time.time() * 1000):x}-{secrets.token_hex(8)}"


def _replica_caught_up(versions: str) -> bool:
    """Whether an answer computed under these versions ("token.token...") may be kept. With a read replica
    (shop.db_router) it may have been read there, and a replica lags: an answer computed right after a write,
    under the new version, may show the data from before it, and would then outlive the lag by the entry's
    whole lifetime. So answers are kept only under versions made more than REPLICA_PIN_SECONDS ago (the
    bound the router already relies on for read-your-writes)."""
    if not settings.DATABASE_REPLICA_URL:
        return True
    cutoff_ms = (time.time() - settings.REPLICA_PIN_SECONDS) * 1000
    for token in versions.split("."):
        made, dash, _ = token.partition("-")
        if dash and int(made, 16) > cutoff_ms:
            return False
    return True


class _Standing:
    """This process's standing with the cache, shared by its threads: while it owes a re-bump of
    every subject it serves and stores no cached answer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.owed = False
        # Counts every event that may have hidden a change from the cache: an answer computed while
        # it moved is not stored, and a re-bump that raced it does not settle the debt.
        self.events = 0
        self._next_try = 0.0
        self._repayer: threading.Thread | None = None

    def distrust(self, cause: str, *, failed: bool) -> None:
        """Owe a re-bump; ``failed``: the cache just failed, so leave it alone for RETRY_SECONDS."""
        _DISTRUSTS.labels(cause).inc()
        with self._lock:
            self.owed = True
            self.events += 1
            if failed:
                self._next_try = time.monotonic() + RETRY_SECONDS
            if self._repayer is None or not self._repayer.is_alive():
                self._repayer = threading.Thread(target=self._repay, name="public-cache-rebump", daemon=True)
                self._repayer.start()

    def _repay(self) -> None:
        """Until the debt is settled, try every RETRY_SECONDS: a process that gets no more requests
        (a worker between tasks) re-bumps for every other process as soon as the cache answers."""
        while self.owed:
            time.sleep(RETRY_SECONDS)
            self.settled()

    def settled(self) -> bool:
        """True when nothing is owed, after re-bumping every subject if a re-bump is owed and due."""
        if not self.owed:
            return True
        if time.monotonic() < self._next_try:
            return False
        seen = self.events
        try:
            _cache().set_many({key: _token() for key in (*_VERSION_KEYS, EPOCH_KEY)}, timeout=None)
        except Exception:
            logger.warning("public_cache.unavailable", operation="rebump", exc_info=True)
            self.distrust("rebump", failed=True)
            return False
        with self._lock:
            if self.events == seen:
                self.owed = False
                logger.info("public_cache.rebumped")
            return not self.owed

    def connected(self, connection) -> None:
        """A Redis connection callback: a remade connection means the server may have missed writes."""
        if getattr(connection, "_public_cache_seen", False):
            logger.warning("public_cache.reconnected")
            self.distrust("reconnect", failed=False)
        connection._public_cache_seen = True


_STANDING = _Standing()


class WatchedConnectionPool(redis.ConnectionPool):
    """The ``public`` cache's Redis pool: every connection it remakes (after Redis went away) makes
    this process re-bump every version before it trusts the cache again."""

    def make_connection(self):
        connection = super().make_connection()
        connection.register_connect_callback(_STANDING.connected)
        return connection


def bumps(subject: str, *, products=None):
    """Decorator for a write service: once its transaction commits, cached answers showing
    ``subject`` are invalidated (best effort: a failure never reaches the service's caller).

    ``products(kwargs, result)``, for a catalog write that changes only some products, names them: cached
    pieces of signed-in pages (shop/fragments.py) of other products stay valid. Without it a catalog write
    invalidates every piece."""

    def decorate(service):
        @functools.wraps(service)
        def wrapper(*args, **kwargs):
            result = service(*args, **kwargs)
            changed = None if products is None else tuple(int(pk) for pk in products(kwargs, result))
            # Now, and again once committed: a reader between the two may have computed its answer
            # from what it saw before the commit, under the version of the first bump.
            bump(subject, products=changed)
            after_commit("public_cache.bump", functools.partial(bump, subject, products=changed))
            return result

        return wrapper

    return decorate


def bump(subject: str, *, products: tuple[int, ...] | None = None) -> None:
    """Invalidate every cached answer that may show ``subject``; never raises. When the cache fails,
    the miss is logged and counted and this process serves no cached answer until it re-bumps.

    A catalog bump also invalidates the pieces of signed-in pages: those of ``products`` when given,
    else all of them."""
    keys = [_VERSION_KEYS[SUBJECTS.index(subject)]]
    if subject == "catalog":
        keys += [EPOCH_KEY] if products is None else [product_version_key(pk) for pk in products]
    if _STANDING.owed:
        # A re-bump of every subject covers this one; until it is made, this bump is owed too.
        if not _STANDING.settled():
            _MISSED_BUMPS.labels(subject).inc()
            _STANDING.distrust("bump", failed=False)
        return
    try:
        for key in keys:  # a handful: the subject and the products one write names
            _cache().set(key, _token(), timeout=None)
    except Exception:
        _MISSED_BUMPS.labels(subject).inc()
        logger.warning("public_cache.unavailable", operation="bump", subject=subject, exc_info=True)
        _STANDING.distrust("bump", failed=True)


def expires_by_itself(subject: str):
    """Decorator registering ``source(*, after)``: the first moment after ``after`` at which answers
    showing ``subject`` change with no write to bump anything (a stock hold lapsing at its order's
    ``expires_at``), or None. An answer is stored only until the first such moment after it was begun,
    so none is served past it, and a cache hit reads nothing more (a hold taken later bumps ``stock``)."""

    def register(source):
        _CHANGES_BY_ITSELF[subject] = source
        return source

    return register


def _lifetime(begun: float) -> int:
    """Seconds an answer begun at ``begun`` may be kept: PUBLIC_CACHE_SECONDS, cut at the first moment
    after ``begun`` at which what it shows changes by itself (0: not at all)."""
    lifetime = settings.PUBLIC_CACHE_SECONDS
    for source in _CHANGES_BY_ITSELF.values():
        moment = source(after=datetime.fromtimestamp(begun, tz=UTC))
        if moment is not None:
            lifetime = min(lifetime, int(moment.timestamp() - time.time()))  # rounded down: never past it
    return max(lifetime, 0)


# --- Which requests qualify, and under which key ------------------------------------------------


def _eligible(meta: dict) -> bool:
    """``meta`` is the WSGI environ (``request.META`` is the same dict)."""
    if settings.PUBLIC_CACHE_SECONDS <= 0 or meta.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    path = meta.get("PATH_INFO", "")
    if path != "/" and not path.startswith(settings.PUBLIC_CACHE_PATHS):
        return False
    if "HTTP_AUTHORIZATION" in meta:
        return False
    cookies = meta.get("HTTP_COOKIE")
    if cookies and settings.SESSION_COOKIE_NAME in cookies:
        try:
            return settings.SESSION_COOKIE_NAME not in SimpleCookie(cookies)
        except Exception:  # an unparsable Cookie header: let Django answer it
            return False
    return True


def _key(meta: dict) -> str:
    """The answer's address, as the client asked for it: scheme, host, raw path and query. A host
    Django refuses is never stored under any key, so an unknown Host header can only miss."""
    proxy_header, secure_value = settings.SECURE_PROXY_SSL_HEADER or (None, None)
    scheme = "https" if proxy_header and meta.get(proxy_header) == secure_value else meta.get("wsgi.url_scheme")
    host = meta.get("HTTP_HOST") or meta.get("SERVER_NAME", "")
    query = meta.get("QUERY_STRING", "")
    return f"public-cache:{scheme}://{host}{meta.get('PATH_INFO', '')}{'?' if query else ''}{query}"


def _lookup(meta: dict, *, start: bool = False) -> tuple[str, str | None, dict | None, int]:
    """(key, current versions, the stored answer if still current, the standing's event count) in
    one round trip; never raises. Versions are None when no answer may be stored: the process owes
    a re-bump, the cache failed, or (unless ``start``) a version is missing. ``start`` begins missing
    versions (one more round trip, after an eviction or a flush)."""
    key = _key(meta)
    if not _STANDING.settled():
        return key, None, None, _STANDING.events
    seen = _STANDING.events
    cache = _cache()
    try:
        found = cache.get_many([*_VERSION_KEYS, key])
        missing = [k for k in _VERSION_KEYS if k not in found]
        if missing and start:
            for version_key in missing:
                token = _token()
                if not cache.add(version_key, token, timeout=None):
                    return key, None, None, seen  # begun by someone else meanwhile: store nothing this time
                found[version_key] = token
            missing = []
    except Exception:
        logger.warning("public_cache.unavailable", operation="lookup", exc_info=True)
        _STANDING.distrust("lookup", failed=True)
        return key, None, None, seen
    if missing or _STANDING.events != seen:  # e.g. this very round trip remade a broken connection
        return key, None, None, seen
    versions = ".".join(str(found[k]) for k in _VERSION_KEYS)
    stored = found.get(key)
    if stored is None or stored["versions"] != versions:
        return key, versions, None, seen
    return key, versions, stored, seen


def _not_modified(meta: dict, stored: dict) -> bool:
    etag = stored["etag"]
    wanted = meta.get("HTTP_IF_NONE_MATCH")
    if not etag or not wanted:
        return False
    tags = parse_etags(wanted)
    return "*" in tags or etag in tags or etag.removeprefix("W/") in [t.removeprefix("W/") for t in tags]


def _storable(response) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
        and "no-cache" not in control
    )


# --- The two doors --------------------------------------------------------------------------------


class PublicCacheMiddleware:
    """Stores public answers, and serves hits to requests that reach Django."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request.META):
            return self.get_response(request)
        key, versions, stored, seen = _lookup(request.META, start=True)
        if stored is not None:
            _HITS.labels("django").inc()
            return self._replay(request, stored)
        begun = time.time()
        response = self.get_response(request)
        if versions is None or not _storable(response):
            return response
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        patch_vary_headers(response, ("Cookie", "Authorization"))
        # Stored only if nothing that may hide a change (a missed bump, a remade connection) happened
        # in this process while the answer was computed.
        settled = _STANDING.events == seen and not _STANDING.owed and _replica_caught_up(versions)
        lifetime = _lifetime(begun) if settled else 0
        if lifetime > 0:
            headers = [(k, v) for k, v in response.items() if k.lower() not in ("set-cookie", "x-cache")]
            entry = {
                "versions": versions,
                "headers": headers,
                "etag": response.get("ETag", ""),
                "content": response.content,
            }
            try:
                _cache().set(key, entry, lifetime)
            except Exception:
                logger.warning("public_cache.unavailable", operation="store", exc_info=True)
                _STANDING.distrust("store", failed=True)
        response["X-Cache"] = "miss"
        return response

    @staticmethod
    def _replay(request, stored: dict) -> HttpResponse:
        if _not_modified(request.META, stored):
            response = HttpResponseNotModified()
            for name, value in stored["headers"]:
                if name.lower() in ("etag", "cache-control", "vary", "expires", "last-modified"):
                    response[name] = value
        else:
            response = HttpResponse(stored["content"])
            for name, value in stored["headers"]:
                response[name] = value
        response["X-Cache"] = "hit"
        return response


class FastPath:
    """WSGI wrapper answering public cache hits before Django runs; everything else goes to Django."""

    _KEPT_ON_304 = ("etag", "cache-control", "vary", "expires", "last-modified")

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if _eligible(environ):
            stored = _lookup(environ)[2]
            if stored is not None:
                _HITS.labels("wsgi").inc()
                return self._replay(environ, start_response, stored)
        elif _STANDING.owed:
            # Any request lets a process that owes a re-bump try it, not only the cacheable ones.
            _STANDING.settled()
        return self.application(environ, start_response)

    def _replay(self, environ, start_response, stored: dict):
        if _not_modified(environ, stored):
            headers = [(k, v) for k, v in stored["headers"] if k.lower() in self._KEPT_ON_304]
            start_response(_status(304), [*headers, ("X-Cache", "hit")])
            return []
        content = stored["content"]
        headers = [(k, v) for k, v in stored["headers"] if k.lower() != "content-length"]
        headers += [("Content-Length", str(len(content))), ("X-Cache", "hit")]
        start_response(_status(200), headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [content]


@functools.cache
def _status(code: int) -> str:
    return f"{code} {HTTPStatus(code).phrase}"


# --- Pieces of signed-in pages ------------------------------------------------------------------


def piece(name: str, *, product_id: int, compute, timeout: int | None = None):
    """``compute()``, or what it gave before for this product, kept while neither the product's version nor
    the epoch moved (see ``bump``). ``name`` says which piece (and the shape of its value: change it with the
    shape). What a piece holds must not depend on the visitor or on stock. Never raises for the cache: when it
    fails, or this process owes a re-bump, the piece is computed and not kept."""
    product_id = int(product_id)
    found = pieces(name, product_ids=[product_id], compute=lambda ids: {product_id: compute()}, timeout=timeout)
    return found[product_id]


def pieces(name: str, *, product_ids, compute, timeout: int | None = None) -> dict:
    """``piece`` for many products at once: {product id: value}, the values kept for products whose version and
    the epoch stand, ``compute(ids)`` (a dict by id; a product it leaves out is left out of the answer and kept
    nowhere) for the others. One cache round trip to read, one to keep what was computed (and one per product
    seen for the first time, to begin its version)."""
    ids = list(dict.fromkeys(int(pk) for pk in product_ids))
    timeout = settings.PIECE_CACHE_SECONDS if timeout is None else timeout
    if not ids:
        return {}
    if timeout <= 0 or not _STANDING.settled():
        return compute(ids)
    seen = _STANDING.events
    keys = {pk: f"public-cache:piece:{name}:{pk}" for pk in ids}
    version_keys = [EPOCH_KEY, *(product_version_key(pk) for pk in ids)]
    cache = _cache()
    try:
        found = cache.get_many([*version_keys, *keys.values()])
        for version_key in version_keys:
            if version_key not in found:
                token = _token()
                if not cache.add(version_key, token, timeout=None):
                    return compute(ids)  # begun by someone else meanwhile: keep nothing this time
                found[version_key] = token
    except Exception:
        logger.warning("public_cache.unavailable", operation="piece", exc_info=True)
        _STANDING.distrust("piece", failed=True)
        return compute(ids)
    versions = {pk: f"{found[EPOCH_KEY]}.{found[product_version_key(pk)]}" for pk in ids}
    values, missing = {}, []
    for pk in ids:
        stored = found.get(keys[pk])
        if stored is not None and stored[0] == versions[pk] and _STANDING.events == seen:
            values[pk] = stored[1]
        else:
            missing.append(pk)
    if not missing:
        return values
    computed = compute(missing)
    values.update(computed)
    keep = {pk: value for pk, value in computed.items() if _replica_caught_up(versions[pk])}
    if keep and _STANDING.events == seen and not _STANDING.owed:
        try:
            cache.set_many({keys[pk]: (versions[pk], value) for pk, value in keep.items()}, timeout)
        except Exception:
            logger.warning("public_cache.unavailable", operation="store-piece", exc_info=True)
            _STANDING.distrust("store-piece", failed=True)
    return values
