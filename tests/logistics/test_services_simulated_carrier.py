"""The simulated carrier moves a shipped parcel shipped → in_transit → out_for_delivery → delivered by itself."""

import pytest

from logistics import services
from logistics.models import Shipment
from tests.logistics.conftest import names

pytestmark = pytest.mark.django_db


@pytest.fixture
def ship_simulated(pending_shipment, django_capture_on_commit_callbacks):
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            services.ship(seller=pending_shipment.seller, shipment_id=pending_shipment.pk, carrier="simulated")
        pending_shipment.refresh_from_db()
        return pending_shipment

    return run


def test_simulated_parcel_is_delivered_with_a_tracking_event_per_step(ship_simulated):
    shipment = ship_simulated()  # eager Celery: every step runs at once
    assert shipment.status == Shipment.Status.DELIVERED
    assert shipment.delivered_at is not None
    steps = list(shipment.events.order_by("at", "id").values_list("status", "location"))
    assert [status for status, _ in steps] == ["shipped", "in_transit", "out_for_delivery", "delivered"]
    assert all(location for _, location in steps[1:])


def test_simulated_parcel_publishes_each_update_and_delivered_once(ship_simulated, published):
    ship_simulated()
    assert names(published) == [
        "shipment.updated",
        "shipment.updated",
        "shipment.updated",
        "shipment.updated",
        "shipment.delivered",
    ]
    assert [p["status"] for n, p in published if n == "shipment.updated"] == [
        "shipped",
        "in_transit",
        "out_for_delivery",
        "delivered",
    ]


def test_steps_are_scheduled_one_carrier_step_apart(
    pending_shipment, monkeypatch, django_capture_on_commit_callbacks, settings
):
    from logistics import tasks

    settings.SIMULATED_CARRIER_STEP_SECONDS = 3600
    calls = []
    monkeypatch.setattr(tasks.advance_simulated_shipment, "apply_async", lambda **kw: calls.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        services.ship(seller=pending_shipment.seller, shipment_id=pending_shipment.pk, carrier="simulated")
    assert [(c["kwargs"]["to_status"], c["countdown"]) for c in calls] == [
        ("in_transit", 3600),
        ("out_for_delivery", 7200),
        ("delivered", 10800),
    ]


def test_nothing_is_scheduled_before_the_ship_transaction_commits(
    pending_shipment, monkeypatch, django_capture_on_commit_callbacks
):
    from logistics import tasks

    calls = []
    monkeypatch.setattr(tasks.advance_simulated_shipment, "apply_async", lambda **kw: calls.append(kw))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.ship(seller=pending_shipment.seller, shipment_id=pending_shipment.pk, carrier="simulated")
    assert calls == []
    for callback in callbacks:
        callback()
    assert len(calls) == 3


def test_a_broker_that_is_down_does_not_fail_the_shipping(
    pending_shipment, monkeypatch, django_capture_on_commit_callbacks
):
    from logistics import tasks

    def down(**kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.advance_simulated_shipment, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        services.ship(seller=pending_shipment.seller, shipment_id=pending_shipment.pk, carrier="simulated")
    pending_shipment.refresh_from_db()
    assert pending_shipment.status == Shipment.Status.SHIPPED


def test_a_step_run_twice_or_overtaken_changes_nothing(ship_simulated, published):
    from logistics.tasks import advance_simulated_shipment

    shipment = ship_simulated()
    before = len(published)
    assert advance_simulated_shipment(shipment_id=shipment.pk, to_status="out_for_delivery") is False
    assert advance_simulated_shipment(shipment_id=shipment.pk, to_status="delivered") is False
    assert shipment.events.count() == 4
    assert len(published) == before
