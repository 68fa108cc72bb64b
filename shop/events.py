"""Domain events between apps: one app publishes, the apps that care subscribe in their own events.py.

``publish`` never runs anything inside the caller's transaction: subscribers run once it commits
(and not at all if it rolls back), each on its own, so one failing subscriber does not stop the
others. Subscribers are declared with ``@subscriber("order.paid")`` in ``<app>/events.py``, which the
app's ``AppConfig.ready`` imports.

This is the in-process dispatcher of the purchase flow; the order-lifecycle issue puts a durable
outbox and Celery fan-out behind the same two functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
import functools

from django.db import transaction
import structlog

logger = structlog.get_logger(__name__)

_subscribers: dict[str, list[Callable[..., None]]] = defaultdict(list)


def subscriber(name: str):
    """Register the decorated function to run, with the event's payload as keyword arguments."""

    def register(handler: Callable[..., None]) -> Callable[..., None]:
        if handler not in _subscribers[name]:
            _subscribers[name].append(handler)
        return handler

    return register


def publish(name: str, **payload) -> None:
    """Announce that ``name`` happened; subscribers run after the current transaction commits."""
    transaction.on_commit(functools.partial(_deliver, name, payload))


def _deliver(name: str, payload: dict) -> None:
    for handler in list(_subscribers.get(name, ())):
        try:
            handler(**payload)
        except Exception:
            logger.exception("event.subscriber_failed", event_name=name, handler=handler.__qualname__, **payload)
