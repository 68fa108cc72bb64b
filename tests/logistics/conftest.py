"""Fixtures of the logistics tests: a recorder of published events, shipments ready to ship."""

from __future__ import annotations

import threading

import pytest
from rest_framework.test import APIClient

from shop import events
from tests.logistics.factories import ShipmentFactory, ShipmentLineFactory


@pytest.fixture
def published(monkeypatch):
    """Every event published during the test as (name, payload), recorded at publish time; still published."""
    seen: list[tuple[str, dict]] = []
    lock = threading.Lock()
    original = events.publish

    def record(name, **payload):
        with lock:
            seen.append((name, payload))
        return original(name, **payload)

    monkeypatch.setattr(events, "publish", record)
    return seen


def names(published, prefix: str = "shipment.") -> list[str]:
    return [name for name, _ in published if name.startswith(prefix)]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def pending_shipment():
    """A pending shipment with two lines."""
    shipment = ShipmentFactory()
    ShipmentLineFactory(shipment=shipment)
    ShipmentLineFactory(shipment=shipment)
    return shipment
