"""Domain events between apps, through a transactional outbox: one app publishes, the apps that care subscribe.

Every event is declared once, in the ``events.py`` of the app that publishes it, with ``declare_event(name,
version=, fields=)``: its name, the version of its payload's shape and each field's type. ``publish`` refuses an
undeclared event and a payload that does not fit its declaration, at once and in the publisher's own call.
docs/ARCHITECTURE.md's event catalogue is generated from these declarations (``tools/event_catalogue.py``).

``publish`` writes the event, and one delivery per registered subscriber, in the caller's transaction. Once it
commits, each delivery is sent to the workers as its own task (``shop.tasks.deliver_event``): nothing is announced
for a change that rolled back, one failing subscriber never holds up another, and nothing is lost when the broker is
down at commit time or a worker dies mid-task, because the beat task ``redispatch_events`` sends again whatever is
still pending after EVENT_REDISPATCH_SECONDS. A failing handler is retried with exponential backoff up to
EVENT_MAX_ATTEMPTS times, then its delivery waits as failed for staff (admin action "retry").

Subscribers are declared with ``@subscriber("order.paid", name="logistics.create_shipments")`` in the reacting
app's ``events.py`` and are called as ``handler(event_id=<str>, **payload)``. The ``name`` is what a delivery row
keeps: a handler can be renamed or moved without stranding its pending deliveries, as long as its name stays.
Delivery is at least once (a worker can die between a handler's effect and the "done" mark), so a handler makes its
effect idempotent on ``event_id``; a delivery marked done is never run again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
import functools
import json
import re
import sys
import traceback
import types
import typing
from typing import Any

from django.conf import settings
from django.core import checks
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from kombu.exceptions import OperationalError as BrokerUnavailable
import structlog

from shop import sql as shop_sql
from shop.locks import lock_due_deliveries, lock_failed_deliveries
from shop.models import EventDelivery, OutboxEvent
from shop.side_effects import after_commit

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

# --- The catalogue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventType:
    """One kind of event: its name, the version of its payload's shape, its fields and who publishes it."""

    name: str
    version: int
    fields: Mapping[str, Any]  # field -> type: str, int, bool, dict, list[int], list[dict], str | None ...
    optional: Mapping[str, Any]  # fields a payload may leave out
    publisher: str  # the app (top-level package) that declared it
    description: str

    def check(self, payload: Mapping[str, Any]) -> None:
        """Raise TypeError naming every missing, unknown or wrongly typed field of ``payload``."""
        problems = [f"missing {field!r}" for field in self.fields if field not in payload]
        declared = {**self.fields, **self.optional}
        problems += [f"unknown {field!r}" for field in payload if field not in declared]
        problems += [
            f"{field!r} must be {type_label(declared[field])}, not {type(value).__name__}"
            for field, value in payload.items()
            if field in declared and not _fits(value, declared[field])
        ]
        if problems:
            raise TypeError(f"Event {self.name!r} (v{self.version}): " + "; ".join(problems) + ".")


@dataclass(frozen=True)
class Subscription:
    """A handler of one event under a stable ``name`` (the delivery rows' key), and the module declaring it."""

    event: str
    name: str
    handler: Callable[..., None]
    module: str


_catalogue: dict[str, EventType] = {}
_subscribers: dict[str, dict[str, Subscription]] = defaultdict(dict)
_discovered = False


def declare_event(
    name: str,
    *,
    fields: Mapping[str, Any],
    description: str,
    version: int = 1,
    optional: Mapping[str, Any] | None = None,
) -> EventType:
    """Declare event ``name`` as published by the calling app, with its payload's fields and their types.

    Raise the ``version`` when a field changes meaning or type or goes away (adding one is compatible). Declaring a
    name again from another module raises ValueError: one event, one publisher, one place.
    """
    optional = dict(optional or {})
    if "event_id" in fields or "event_id" in optional:
        raise ValueError(f"Event {name!r}: event_id is given to subscribers by the outbox, not by the publisher.")
    for kind in {**fields, **optional}.values():
        type_label(kind)  # an unsupported type fails here, not at the first publish
    module = sys._getframe(1).f_globals.get("__name__", "")
    event = EventType(
        name=name,
        version=version,
        fields=dict(fields),
        optional=optional,
        publisher=module.split(".")[0],
        description=description,
    )
    known = _catalogue.get(name)
    if known is not None and known.publisher != event.publisher:
        raise ValueError(f"Event {name!r} is already declared by {known.publisher!r}.")
    _catalogue[name] = event  # the same module imported again replaces its declaration
    return event


def event_type(name: str) -> EventType:
    """The declaration of event ``name``; ValueError when no app declares it."""
    _discover()
    try:
        return _catalogue[name]
    except KeyError:
        raise ValueError(f"Unknown event {name!r}: declare it with declare_event() in its app's events.py.") from None


def catalogue() -> list[EventType]:
    """Every declared event, by name."""
    _discover()
    return [_catalogue[name] for name in sorted(_catalogue)]


def subscriptions(event: str) -> list[Subscription]:
    """The subscribers of ``event``, by name."""
    _discover()
    return [subscription for _, subscription in sorted(_subscribers.get(event, {}).items())]


def subscribed_events() -> list[str]:
    """Every event name some subscriber listens to (declared or not: the check below tells)."""
    _discover()
    return sorted(event for event, subscribed in _subscribers.items() if subscribed)


def subscriber(event: str, *, name: str):
    """Register the decorated function as subscriber ``name`` of ``event``: run as ``handler(event_id=...,
    **payload)`` for each one.

    ``name`` ("<app>.<what it does>") is kept in the delivery rows and must not change once deliveries exist; two
    different handlers under one name raise ValueError.
    """
    if not _SUBSCRIBER_NAME.fullmatch(name):
        raise ValueError(f"Subscriber name {name!r} is not of the form '<app>.<what_it_does>'.")

    def register(handler: Callable[..., None]) -> Callable[..., None]:
        known = _subscribers[event].get(name)
        if known is not None and _dotted(known.handler) != _dotted(handler):
            raise ValueError(f"Subscriber {name!r} of {event!r} is already {_dotted(known.handler)}.")
        # A module imported again (a worker resolving a handler) replaces its subscription instead of doubling it.
        _subscribers[event][name] = Subscription(event=event, name=name, handler=handler, module=handler.__module__)
        return handler

    return register


def unsubscribe(event: str, *, name: str) -> None:
    """Forget subscriber ``name`` of ``event`` (tests registering their own handlers tidy up with it)."""
    _subscribers.get(event, {}).pop(name, None)


def check_catalogue() -> list[str]:
    """What is wrong with the catalogue: subscribers of undeclared events. Empty when all is well."""
    return [
        f"{subscription.name} ({subscription.module}) subscribes to undeclared event {event!r}"
        for event in subscribed_events()
        if event not in _catalogue
        for subscription in subscriptions(event)
    ]


@checks.register()
def _catalogue_is_consistent(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``manage.py check`` (and every deploy's) fails on a subscriber of an undeclared event."""
    return [checks.Error(problem, id="shop.E101") for problem in check_catalogue()]


def type_label(kind: Any) -> str:
    """How a field type reads in errors and in the docs ("str", "list[int]", "str | None"); TypeError if unsupported."""
    if kind is None or kind is type(None):
        return "None"
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_label(arg) for arg in args)
    if origin in (list, dict):
        return f"{origin.__name__}[{', '.join(type_label(arg) for arg in args)}]" if args else origin.__name__
    if kind in _SCALARS:
        return kind.__name__
    raise TypeError(f"Unsupported event field type {kind!r}: use str, int, float, bool, dict, list[...] or X | None.")


def _fits(value: Any, kind: Any) -> bool:
    if kind is None or kind is type(None):
        return value is None
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arg) for arg in args)
    if origin is list or kind is list:
        return isinstance(value, list | tuple) and (not args or all(_fits(item, args[0]) for item in value))
    if origin is dict or kind is dict:
        return isinstance(value, dict)  # its keys are the subscribers' business: the shape is checked one level deep
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _discover() -> None:
    """Import every app's ``events`` module once, so the catalogue and the subscribers are complete in any process
    (a worker, a management command, a test) whichever apps imported theirs in ``ready()``."""
    global _discovered
    if not _discovered:
        autodiscover_modules("events")
        _discovered = True


def _dotted(handler: Callable[..., None]) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


_SCALARS = (str, int, float, bool, dict, list)
_SUBSCRIBER_NAME = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")


# --- Publishing and delivering ------------------------------------------------------------------


def publish(name: str, **payload) -> None:
    """Record that ``name`` happened, in the current transaction; its subscribers run after it commits.

    ``name`` must be declared (ValueError otherwise) and ``payload`` must fit its declaration: every field, no other,
    each of its type (TypeError otherwise, naming each problem). Values are JSON (ids as str or int, money as str,
    times as ISO strings). Costs one statement on PostgreSQL (the event and all of its deliveries), two elsewhere.
    """
    declared = event_type(name)
    if "event_id" in payload:
        raise TypeError(f"Event {name!r}: event_id is given to subscribers by the outbox, not by the publisher.")
    declared.check(payload)
    try:
        json.dumps(payload)
    except (TypeError, ValueError) as error:
        raise TypeError(f"The payload of event {name!r} is not JSON-serialisable: {error}") from error
    now = timezone.now()
    event = OutboxEvent(name=name, version=declared.version, payload=payload, created_at=now)
    deliveries = [
        EventDelivery(event=event, subscriber=subscription.name, next_attempt_at=now)
        for subscription in subscriptions(name)
    ]
    with shop_sql.joined_transaction():  # an event is never written without its deliveries
        _write(event, deliveries)
    if deliveries:
        after_commit("events.send", functools.partial(send, [d.pk for d in deliveries]))


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
        delivery_ids = lock_due_deliveries(
            deliveries=pending.filter(next_attempt_at__lte=overdue, attempts__lt=settings.EVENT_MAX_ATTEMPTS),
            limit=REDISPATCH_BATCH,
        )
        if not delivery_ids:
            return 0
        # Not sent again before another EVENT_REDISPATCH_SECONDS pass, even if the queue is slow to reach it.
        EventDelivery.objects.filter(pk__in=delivery_ids).update(next_attempt_at=now, updated_at=now)
        after_commit("events.send", functools.partial(send, delivery_ids))
    logger.info("event.redispatched", count=len(delivery_ids))
    return len(delivery_ids)


def retry_failed(*, delivery_ids: Iterable[int]) -> int:
    """Give failed deliveries a fresh set of attempts and send them (staff's "retry"); returns how many."""
    now = timezone.now()
    with transaction.atomic():
        retried = lock_failed_deliveries(delivery_ids=delivery_ids)
        EventDelivery.objects.filter(pk__in=retried).update(
            status=Status.PENDING, attempts=0, next_attempt_at=now, claimed_until=None, updated_at=now
        )
        if retried:
            after_commit("events.send", functools.partial(send, retried))
    return len(retried)


# --- Internals ----------------------------------------------------------------------------------


def _write(event: OutboxEvent, deliveries: list[EventDelivery]) -> None:
    """Insert the event and its deliveries, setting the deliveries' ids (``send`` hands them to the workers).

    On PostgreSQL one statement does both: the event's INSERT as a data-modifying CTE in front of the deliveries'
    (their foreign key is checked at commit, as Django declares it deferred), so publishing costs one round trip.
    Other databases (SQLite in development) take the two plain inserts.
    """
    connection = transaction.get_connection()
    if not deliveries or connection.vendor != "postgresql":
        event.save(force_insert=True)
        if deliveries:
            EventDelivery.objects.bulk_create(deliveries)
        return
    event_sql, event_params = shop_sql.insert(connection, [event])
    deliveries_sql, deliveries_params = shop_sql.insert(connection, deliveries, returning=EventDelivery._meta.pk)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH published_event AS ({event_sql}) {deliveries_sql}", (*event_params, *deliveries_params))
        ids = [row[0] for row in cursor.fetchall()]
    for delivery, delivery_id in zip(deliveries, ids, strict=True):
        delivery.pk = delivery_id
        delivery._state.adding = False
    event._state.adding = False


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


def _handler_for(event_name: str, name: str) -> Callable[..., None]:
    """The handler registered as subscriber ``name`` of ``event_name``; LookupError when this process has none."""
    subscription = _subscribers.get(event_name, {}).get(name)
    if subscription is None:
        _discover()
        subscription = _subscribers.get(event_name, {}).get(name)
    if subscription is None:
        raise LookupError(f"No subscriber {name!r} is registered for {event_name!r} in this process.")
    return subscription.handler
