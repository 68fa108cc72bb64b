"""Fixtures of the payments tests: a recorder of published events, and a counter of gateway calls."""

from __future__ import annotations

import threading

import pytest

from payments.gateways.test import TestGateway
from shop import events

EVENT_NAMES = ("payment.succeeded", "payment.failed", "payment.refunded")


@pytest.fixture
def published():
    """Every payments event delivered during the test, as (name, payload without its event_id); handlers
    unregistered after."""
    seen: list[tuple[str, dict]] = []
    for name in EVENT_NAMES:

        def record(_name=name, *, event_id, **payload):
            seen.append((_name, payload))

        record.__qualname__ = f"record_{name.replace('.', '_')}"  # one handler per subscriber name
        events.subscriber(name, name=f"tests.record_{name.replace('.', '_')}")(record)
    yield seen
    for name in EVENT_NAMES:
        events.unsubscribe(name, name=f"tests.record_{name.replace('.', '_')}")


class CallCounter:
    """Thread-safe record of calls, for counting gateway calls made by racing threads."""

    def __init__(self):
        self.calls: list[dict] = []
        self._lock = threading.Lock()

    def add(self, **kwargs):
        with self._lock:
            self.calls.append(kwargs)

    def __len__(self) -> int:
        return len(self.calls)


@pytest.fixture
def gateway_charges(monkeypatch) -> CallCounter:
    """Counts the test gateway's charge calls (thread-safe) while still charging."""
    counter = CallCounter()
    original = TestGateway.charge

    def counting_charge(self, **kwargs):
        counter.add(**kwargs)
        return original(self, **kwargs)

    monkeypatch.setattr(TestGateway, "charge", counting_charge)
    return counter
