"""Celery tasks of the event outbox: thin wrappers around shop.events, safe to run twice."""

from celery import shared_task

from shop import events


@shared_task(bind=True, name="shop.tasks.deliver_event", ignore_result=True, acks_late=True)
def deliver_event(self, delivery_id: int) -> str:
    """Run one subscriber for one event, once; a failure schedules the next attempt (see shop.events) on the queue
    this one came from."""
    return events.deliver(delivery_id=delivery_id, queue=_queue_of(self.request))


def _queue_of(request) -> str | None:
    """The queue a task was taken from, when its routing says so (Celery names a queue's exchange and routing key
    after it); None when eager or routed through an exchange of another name."""
    info = request.delivery_info or {}
    routing_key = info.get("routing_key")
    return routing_key if routing_key and info.get("exchange") in ("", routing_key) else None


@shared_task(name="shop.tasks.redispatch_events", ignore_result=True)
def redispatch_events() -> int:
    """Beat runs this every 30 s: pending deliveries overdue by EVENT_REDISPATCH_SECONDS are sent again."""
    return events.redispatch_overdue()
