"""Domain events between apps, through a transactional outbox: one app publishes, the apps that care subscribe.

``publish`` writes the event, and one delivery per registered subscriber, in the caller's transaction. Once it
commits, each delivery is sent to the workers as its own task (``shop.tasks.deliver_event``): nothing is announced
for a change that rolled back, one failing subscriber never holds up another, and nothing is lost when the broker is
down at commit time or a worker dies mid-task, because the beat task ``redispatch_events`` sends again whatever is
still pending after EVENT_REDISPATCH_SECONDS. A failing handler is retried with exponential backoff up to
EVENT_MAX_ATTEMPTS times, then its delivery waits as failed for staff (admin action "retry").

Subscribers are declared with ``@subscriber("order.paid")`` in ``<app>/events.py``, which the app's
``AppConfig.ready`` imports, and are called as ``handler(event_id=<str>, **payload)``. Delivery is at least once
(a worker can die between a handler's effect and the "done" mark), so a handler makes its effect idempotent on
``event_id``; a delivery marked done is never run again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
import contextlib
from datetime import timedelta
import functools
import importlib
import json
import traceback

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable
import structlog

from shop.models import EventDelivery, OutboxEvent

logger = structlog.get_logger(__name__)

Status = EventDelivery.Status

# The first retry waits this long, each next one twice as long (5, 10, 20, 40 s with 5 attempts), at most the cap.
RETRY_BASE_SECONDS = 5
RETRY_MAX_SECONDS = 3600
# Sending after commit must not hold the request long when the broker is down: the beat task catches up.
SEND_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# Deliveries re-sent per beat run; a larger backlog drains over the next runs.
REDISPATCH_BATCH = 500
LAST_ERROR_CHARS = 4000

_subscribers: dict[str, list[Callable[..., None]]] = defaultdict(list)


def subscriber_name(handler: Callable[..., None]) -> str:
    """The dotted name a delivery records to find its handler again, in this process or a worker."""
    return f"{handler.__module__}.{handler.__qualname__}"


def subscriber(name: str):
    """Register the decorated function to run as ``handler(event_id=..., **payload)`` for each ``name`` event."""

    def register(handler: Callable[..., None]) -> Callable[..., None]:
        handlers = _subscribers[name]
        dotted = subscriber_name(handler)
        # A module imported again (a worker resolving a handler by name) replaces its handlers instead of doubling them.
        handlers[:] = [existing for existing in handlers if subscriber_name(existing) != dotted]
        handlers.append(handler)
        return handler

    return register


def publish(name: str, **payload) -> None:
    """Record that ``name`` happened, in the current transaction; its subscribers run after it commits.

    The payload must be JSON-serialisable (ids as str or int, money as str) and leave ``event_id`` to the outbox:
    a TypeError says so at once. Costs one query for the event and one for all of its deliveries.
    """
    if "event_id" in payload:
        raise TypeError(f"Event {name!r}: event_id is given to subscribers by the outbox, not by the publisher.")
    try:
        json.dumps(payload)
    except (TypeError, ValueError) as error:
        raise TypeError(f"The payload of event {name!r} is not JSON-serialisable: {error}") from error
    now = timezone.now()
    event = OutboxEvent(name=name, payload=payload, created_at=now)
    deliveries = [
        EventDelivery(event=event, subscriber=subscriber_name(handler), next_attempt_at=now)
        for handler in _subscribers.get(name, ())
    ]
    with _inside_a_transaction():
        event.save(force_insert=True)
        if deliveries:
            EventDelivery.objects.bulk_create(deliveries)
    if deliveries:
        transaction.on_commit(functools.partial(send, [d.pk for d in deliveries]), robust=True)


def send(delivery_ids: Iterable[int], *, countdown: float | None = None, queue: str | None = None) -> int:
    """Hand deliveries to the workers (on ``queue``, else as the settings route them); returns how many were sent.
    Never raises: an unsent delivery stays pending and is made due for the beat task at once."""
    from shop.tasks import deliver_event  # the task module imports this one

    delivery_ids = list(delivery_ids)
    eager = deliver_event.app.conf.task_always_eager
    options = {"countdown": countdown, "retry_policy": SEND_RETRY_POLICY} | ({"queue": queue} if queue else {})
    sent = 0
    for position, delivery_id in enumerate(delivery_ids):
        try:
            if eager:
                # In-process now, as apply_async would when eager, but without its process-wide "no result.get()
                # in a task" flag, which threads publishing at once (race tests, threaded servers) leave set.
                deliver_event.apply((delivery_id,))
            else:
                deliver_event.apply_async((delivery_id,), **options)
        except Exception as error:
            if not eager and isinstance(error, BrokerUnavailable | OSError):
                unsent = delivery_ids[position:]
                logger.exception("event.broker_unavailable", delivery_ids=unsent)
                _due_for_redispatch(unsent)
                break
            # Eager: the task ran here, and a database error in it must not reach the request either.
            logger.exception("event.send_failed", delivery_id=delivery_id)
            _due_for_redispatch([delivery_id])
        else:
            sent += 1
    return sent


def deliver(*, delivery_id: int, queue: str | None = None) -> str:
    """Run one delivery's handler unless it is done, failed, or being run elsewhere right now.

    Returns "done", "retrying" (a later attempt is scheduled, on ``queue`` when given: the one this attempt came
    from), "failed" (attempts exhausted) or "skipped".
    """
    now = timezone.now()
    claimed = (
        EventDelivery.objects.filter(pk=delivery_id, status=Status.PENDING, attempts__lt=settings.EVENT_MAX_ATTEMPTS)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(attempts=F("attempts") + 1, claimed_until=now + _lease(), updated_at=now)
    )
    if not claimed:
        return "skipped"
    delivery = EventDelivery.objects.select_related("event").get(pk=delivery_id)
    event = delivery.event
    log = logger.bind(event_id=str(event.id), event_name=event.name, subscriber=delivery.subscriber)
    try:
        handler = _handler_for(event.name, delivery.subscriber)
        handler(event_id=str(event.id), **event.payload)
    except Exception:
        log.exception("event.subscriber_failed", attempt=delivery.attempts)
        return _attempt_failed(delivery, traceback.format_exc(), queue=queue)
    handled_at = timezone.now()
    EventDelivery.objects.filter(pk=delivery_id, status=Status.PENDING).update(
        status=Status.DONE, handled_at=handled_at, claimed_until=None, updated_at=handled_at
    )
    return "done"


def redispatch_overdue() -> int:
    """Send again the pending deliveries not handled EVENT_REDISPATCH_SECONDS after they were due (the broker was
    down, or a worker died mid-task); returns how many were sent. Safe to run concurrently and twice."""
    now = timezone.now()
    unclaimed = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    pending = EventDelivery.objects.filter(unclaimed, status=Status.PENDING)
    # A worker that died during the last allowed attempt leaves nothing to retry: staff decide.
    given_up = pending.filter(attempts__gte=settings.EVENT_MAX_ATTEMPTS).update(
        status=Status.FAILED,
        claimed_until=None,
        last_error="The last attempt never finished (its worker was lost).",
        updated_at=now,
    )
    if given_up:
        logger.error("event.deliveries_abandoned", count=given_up)
    overdue = now - timedelta(seconds=settings.EVENT_REDISPATCH_SECONDS)
    with transaction.atomic():
        delivery_ids = list(
            pending.filter(next_attempt_at__lte=overdue, attempts__lt=settings.EVENT_MAX_ATTEMPTS)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:REDISPATCH_BATCH]
        )
        if not delivery_ids:
            return 0
        # Not sent again before another EVENT_REDISPATCH_SECONDS pass, even if the queue is slow to reach it.
        EventDelivery.objects.filter(pk__in=delivery_ids).update(next_attempt_at=now, updated_at=now)
        transaction.on_commit(functools.partial(send, delivery_ids), robust=True)
    logger.info("event.redispatched", count=len(delivery_ids))
    return len(delivery_ids)


def retry_failed(*, delivery_ids: Iterable[int]) -> int:
    """Give failed deliveries a fresh set of attempts and send them (staff's "retry"); returns how many."""
    now = timezone.now()
    with transaction.atomic():
        retried = list(
            EventDelivery.objects.filter(pk__in=list(delivery_ids), status=Status.FAILED)
            .select_for_update()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        EventDelivery.objects.filter(pk__in=retried).update(
            status=Status.PENDING, attempts=0, next_attempt_at=now, claimed_until=None, updated_at=now
        )
        if retried:
            transaction.on_commit(functools.partial(send, retried), robust=True)
    return len(retried)


# --- Internals ----------------------------------------------------------------------------------


def _inside_a_transaction():
    """The caller's transaction, or one of our own: an event is never written without its deliveries."""
    if transaction.get_connection().in_atomic_block:
        return contextlib.nullcontext()
    return transaction.atomic()


def _lease() -> timedelta:
    """How long an attempt keeps other copies of its task away; a dead worker's delivery is free after it."""
    return timedelta(seconds=settings.EVENT_REDISPATCH_SECONDS)


def _retry_delay(attempts: int) -> int:
    return min(RETRY_BASE_SECONDS * 2 ** (attempts - 1), RETRY_MAX_SECONDS)


def _attempt_failed(delivery: EventDelivery, error: str, *, queue: str | None) -> str:
    now = timezone.now()
    error = error[-LAST_ERROR_CHARS:]
    attempt = EventDelivery.objects.filter(pk=delivery.pk, status=Status.PENDING)
    if delivery.attempts >= settings.EVENT_MAX_ATTEMPTS:
        attempt.update(status=Status.FAILED, claimed_until=None, last_error=error, updated_at=now)
        logger.error("event.delivery_failed", delivery_id=delivery.pk, attempts=delivery.attempts)
        return "failed"
    delay = _retry_delay(delivery.attempts)
    attempt.update(next_attempt_at=now + timedelta(seconds=delay), claimed_until=None, last_error=error, updated_at=now)
    send([delivery.pk], countdown=delay, queue=queue)
    return "retrying"


def _due_for_redispatch(delivery_ids: list[int]) -> None:
    """Unsent deliveries are picked up by the next beat run instead of EVENT_REDISPATCH_SECONDS later."""
    due = timezone.now() - timedelta(seconds=settings.EVENT_REDISPATCH_SECONDS)
    try:
        EventDelivery.objects.filter(pk__in=delivery_ids, status=Status.PENDING).update(next_attempt_at=due)
    except Exception:  # the database is down too: they are due in EVENT_REDISPATCH_SECONDS anyway
        logger.exception("event.redispatch_mark_failed", delivery_ids=delivery_ids)


def _handler_for(event_name: str, dotted: str) -> Callable[..., None]:
    """The registered handler of that dotted name; its module is imported first if no app has imported it yet."""
    for attempt in range(2):
        for handler in _subscribers.get(event_name, ()):
            if subscriber_name(handler) == dotted:
                return handler
        if attempt == 0:
            _import_module_of(dotted)
    raise LookupError(f"No subscriber {dotted!r} is registered for {event_name!r} in this process.")


def _import_module_of(dotted: str) -> None:
    parts = dotted.split(".")
    for end in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:end])
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name is not None and not module.startswith(error.name):
                raise  # the module exists but one of its own imports is missing
            continue
        return
