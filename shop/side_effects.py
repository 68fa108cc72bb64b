"""The one door for side effects that leave a transaction: tasks sent, e-mails, cache purges.

``after_commit(reason, effect)`` runs ``effect`` once the current transaction commits (at once when
there is none), never when it rolls back. A failing effect is logged and counted under its ``reason``
and never reaches the caller: the change it follows is already committed, so it must not turn a
saved order into an error. Durable effects (a subscriber that must run, a retry that must happen)
go through the outbox instead (``shop.events.publish``); this door is for best-effort ones and for
handing outbox deliveries to the broker.

Bind arguments with ``functools.partial(task.delay, order_id=order.id)``, never a lambda over a
loop variable.
"""

from __future__ import annotations

from collections.abc import Callable
import functools

from django.db import transaction
from prometheus_client import Counter
import structlog

logger = structlog.get_logger(__name__)

_FAILED = Counter("shop_side_effect_failures_total", "Side effects that failed after their transaction", ["reason"])


def after_commit(reason: str, effect: Callable[[], object]) -> None:
    """Run ``effect`` after the current transaction commits (now, outside one); failures are logged, not raised."""
    transaction.on_commit(functools.partial(run_side_effect, reason, effect))


def run_side_effect(reason: str, effect: Callable[[], object]) -> bool:
    """Run ``effect`` now; True when it succeeded. A failure is logged and counted under ``reason``."""
    try:
        effect()
    except Exception:
        _FAILED.labels(reason).inc()
        logger.exception("side_effect.failed", reason=reason)
        return False
    return True
