"""``Idempotency-Key`` for unsafe API requests (API.md, Conventions): a retry gets the first answer.

Decorate a DRF view's handler with ``@idempotent``. Per signed-in user and key:

- the first request runs and its answer (status, body, Location) is stored with a fingerprint of the
  request (sha256 of method, path and canonical JSON body);
- a later request with the same key and fingerprint gets that answer again, marked
  ``Idempotent-Replayed: true``, without running anything;
- the same key with a different request is ``409 idempotency_conflict``;
- concurrent duplicates never both run: each request holds a lock on a hash of (user, key) around
  lookup, work and storing, so the second waits (no polling) and then replays. PostgreSQL: a session
  advisory lock; other databases (SQLite, one machine): an exclusive file lock in VAR_DIR/locks.

The storefront's checkout form uses the same records through ``run_once``: its hidden submit token is
the key, so a double-clicked "Place order" lands on the first order.

Answers that say the input itself was malformed (validation and parse errors), "too many requests,
retry later" (429) and server errors are not stored, so a corrected or repeated request with the same
key runs. Records older than IDEMPOTENCY_KEY_HOURS are ignored, and purged by ``purge_expired_records``
(a beat-able task).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
import functools
import hashlib
import json
from pathlib import Path
from typing import Any, TypeVar

try:
    import fcntl
except ImportError:  # Windows: no file locks, so duplicates are not serialized there (SQLite only)
    fcntl = None

from django.conf import settings
from django.db import connection
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from shop.api.errors import PROBLEM_CONTENT_TYPE
from shop.errors import DomainError, FieldConflict
from shop.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
REPLAYED_HEADERS = ("Location",)
UNRECORDED_CODES = frozenset({"validation_error", "parse_error", "unsupported_media_type"})
# Without advisory locks, (user, key) hashes onto this many lock files: a collision only makes two
# unrelated requests take turns.
FILE_LOCK_STRIPES = 256

T = TypeVar("T")

PARAMETER = OpenApiParameter(
    name=HEADER,
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description=(
        "Any string up to 255 characters, kept 24 h per user: a retry with the same key and body gets the "
        "first answer again (header `Idempotent-Replayed: true`); the same key with another body is "
        "`409 idempotency_conflict`."
    ),
)


class IdempotencyConflict(DomainError):
    code = "idempotency_conflict"
    default_message = "This Idempotency-Key was already used for a different request."


class InvalidIdempotencyKey(FieldConflict):
    field = HEADER
    default_message = f"An Idempotency-Key is 1 to {MAX_KEY_LENGTH} characters."


@dataclass(frozen=True)
class Answer:
    """A first answer as kept for the retries: status, JSON body and the headers replayed with it."""

    status_code: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def run_once(
    *,
    user_id: int,
    key: str,
    fingerprint: str,
    run: Callable[[], T],
    answer_of: Callable[[T], Answer | None],
    replay: Callable[[Answer], T],
) -> T:
    """Run ``run`` once per user and key: a later call with the same fingerprint gets ``replay`` of the kept
    answer instead, without running; another fingerprint raises IdempotencyConflict.

    ``answer_of`` turns the result into the answer to keep, or None to keep nothing (the next call then
    runs); an exception from ``run`` keeps nothing either. Concurrent calls take turns (see _serialized).
    """
    with _serialized(user_id=user_id, key=key):
        record = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
        if record is not None and record.created_at < _cutoff():
            record.delete()
            record = None
        if record is not None:
            if record.fingerprint != fingerprint:
                raise IdempotencyConflict()
            return replay(Answer(status_code=record.status_code, body=record.body, headers=record.headers))
        result = run()
        answer = answer_of(result)
        if answer is not None:
            IdempotencyRecord.objects.create(
                user_id=user_id,
                key=key,
                fingerprint=fingerprint,
                status_code=answer.status_code,
                body=_plain(answer.body),
                headers=answer.headers,
            )
        return result


def idempotent(handler):
    """Decorator for a DRF view handler (``def post(self, request, ...)``) honouring Idempotency-Key; the
    handler's schema documents the header."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        if not 0 < len(key) <= MAX_KEY_LENGTH:
            raise InvalidIdempotencyKey()

        def run():
            try:
                return handler(view, request, *args, **kwargs)
            except Exception as exc:
                return view.handle_exception(exc)

        return run_once(
            user_id=request.user.pk,
            key=key,
            fingerprint=request_fingerprint(request),
            run=run,
            answer_of=_answer_of,
            replay=_replay,
        )

    return extend_schema(parameters=[PARAMETER])(wrapper)


def form_fingerprint(request) -> str:
    """sha256 of a form post's method and path: any resubmission of the same form (same token) is a retry."""
    return hashlib.sha256(f"{request.method}\n{request.path}\nform".encode()).hexdigest()


def request_fingerprint(request) -> str:
    """sha256 of the method, the full path and the body as canonical JSON (key order does not matter)."""
    body = json.dumps(_plain(request.data), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{request.method}\n{request.get_full_path()}\n{body}".encode()).hexdigest()


def purge_expired_records(*, now=None) -> int:
    """Delete the records older than IDEMPOTENCY_KEY_HOURS; returns how many were deleted."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=_cutoff(now)).delete()
    return deleted


def _cutoff(now=None):
    return (now or timezone.now()) - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)


def _plain(data):
    """A JSON document of what DRF would render (dates, decimals and lazy strings as text)."""
    return json.loads(json.dumps(data, cls=JSONEncoder))


def _recordable(response) -> bool:
    # A 429 says "not now": the same request is meant to be sent again later, and then to run.
    if response.status_code >= 500 or response.status_code == 429:
        return False
    data = getattr(response, "data", None)
    return not (isinstance(data, dict) and data.get("code") in UNRECORDED_CODES)


def _answer_of(response) -> Answer | None:
    if not _recordable(response):
        return None
    return Answer(
        status_code=response.status_code,
        body=getattr(response, "data", None),
        headers={name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)},
    )


def _replay(answer: Answer) -> Response:
    return Response(
        answer.body,
        status=answer.status_code,
        headers={**answer.headers, REPLAYED_HEADER: "true"},
        content_type=PROBLEM_CONTENT_TYPE if answer.status_code >= 400 else None,
    )


@contextmanager
def _serialized(*, user_id: int, key: str) -> Iterator[None]:
    """Hold a lock on (user, key) for the block, shared by every process using the database.

    PostgreSQL: a session advisory lock (session-level, not transaction-level: the use case inside commits
    its own transactions while the lock is held, and a duplicate waits until the first answer is stored).
    Other databases (SQLite, which lives on one machine): an exclusive flock on a file in VAR_DIR/locks.
    """
    digest = hashlib.sha256(f"idempotency:{user_id}:{key}".encode()).digest()
    lock_id = int.from_bytes(digest[:8], "big", signed=True)
    if connection.vendor == "postgresql":
        with _advisory_lock(lock_id):
            yield
    else:
        with _file_lock(lock_id % FILE_LOCK_STRIPES):
            yield


@contextmanager
def _advisory_lock(lock_id: int) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id])


@contextmanager
def _file_lock(stripe: int) -> Iterator[None]:
    """An exclusive lock on lock file ``stripe``: blocks (in the kernel, no polling) while another holds it.

    flock belongs to the open file, so two threads of one process exclude each other as two processes do.
    """
    if fcntl is None:
        yield
        return
    directory = Path(settings.VAR_DIR) / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / f"idempotency-{stripe:03d}.lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
