"""``Idempotency-Key`` for unsafe API requests (API.md, Conventions): a retry gets the first answer.

Decorate a DRF view's handler with ``@idempotent``. Per signed-in user and key:

- the first request runs and its answer (status, body, Location) is stored with a fingerprint of the
  request (sha256 of method, path and canonical JSON body);
- a later request with the same key and fingerprint gets that answer again, marked
  ``Idempotent-Replayed: true``, without running anything;
- the same key with a different request is ``409 idempotency_conflict``;
- concurrent duplicates never both run: on PostgreSQL each request takes a session advisory lock on
  a hash of (user, key) around lookup, work and storing, so the second waits and then replays.

Answers that say the input itself was malformed (validation and parse errors) and server errors are
not stored, so a corrected or repeated request with the same key runs. Records older than
IDEMPOTENCY_KEY_HOURS are ignored, and purged by ``purge_expired_records`` (a beat-able task).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
import functools
import hashlib
import json

from django.conf import settings
from django.db import connection
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
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


def idempotent(handler):
    """Decorator for a DRF view handler (``def post(self, request, ...)``) honouring Idempotency-Key."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        if not 0 < len(key) <= MAX_KEY_LENGTH:
            raise InvalidIdempotencyKey()
        fingerprint = request_fingerprint(request)
        with _serialized(user_id=request.user.pk, key=key):
            record = IdempotencyRecord.objects.filter(user_id=request.user.pk, key=key).first()
            if record is not None and record.created_at < _cutoff():
                record.delete()
                record = None
            if record is not None:
                if record.fingerprint != fingerprint:
                    raise IdempotencyConflict()
                return _replay(record)
            try:
                response = handler(view, request, *args, **kwargs)
            except Exception as exc:
                response = view.handle_exception(exc)
            if _recordable(response):
                IdempotencyRecord.objects.create(
                    user_id=request.user.pk,
                    key=key,
                    fingerprint=fingerprint,
                    status_code=response.status_code,
                    body=_plain(getattr(response, "data", None)),
                    headers={name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)},
                )
            return response

    return wrapper


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
    if response.status_code >= 500:
        return False
    data = getattr(response, "data", None)
    return not (isinstance(data, dict) and data.get("code") in UNRECORDED_CODES)


def _replay(record: IdempotencyRecord) -> Response:
    return Response(
        record.body,
        status=record.status_code,
        headers={**record.headers, REPLAYED_HEADER: "true"},
        content_type=PROBLEM_CONTENT_TYPE if record.status_code >= 400 else None,
    )


@contextmanager
def _serialized(*, user_id: int, key: str) -> Iterator[None]:
    """Hold a PostgreSQL session advisory lock on (user, key) for the block (other databases: none).

    Session-level, not transaction-level: the use case inside commits its own transactions while the
    lock is held, and a duplicate waits until the first answer is stored.
    """
    if connection.vendor != "postgresql":
        yield
        return
    digest = hashlib.sha256(f"idempotency:{user_id}:{key}".encode()).digest()
    lock_id = int.from_bytes(digest[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id])
