"""advance: a shipped parcel only moves forward, once per status; delivered is announced once."""

import datetime as dt

import pytest

from logistics import services
from logistics.errors import IllegalShipmentTransition
from logistics.models import Shipment, TrackingEvent
from tests.logistics.conftest import names

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(pending_shipment):
    services.ship(seller=pending_shipment.seller, shipment_id=pending_shipment.pk, carrier="ups", tracking_number="1Z1")
    return pending_shipment


def status_of(shipment) -> str:
    shipment.refresh_from_db()
    return shipment.status


def test_advance_records_when_and_where(shipped):
    at = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)
    assert services.advance(shipment_id=shipped.pk, to_status="in_transit", location="Memphis hub", at=at) is True
    event = TrackingEvent.objects.get(shipment=shipped, status="in_transit")
    assert (event.location, event.at) == ("Memphis hub", at)
    assert status_of(shipped) == "in_transit"


def test_advance_to_the_current_status_again_changes_nothing(shipped, published):
    services.advance(shipment_id=shipped.pk, to_status="in_transit")
    before = len(published)
    assert services.advance(shipment_id=shipped.pk, to_status="in_transit") is False
    assert TrackingEvent.objects.filter(shipment=shipped, status="in_transit").count() == 1
    assert len(published) == before


def test_advance_never_goes_backwards(shipped):
    services.advance(shipment_id=shipped.pk, to_status="out_for_delivery")
    with pytest.raises(IllegalShipmentTransition):
        services.advance(shipment_id=shipped.pk, to_status="in_transit")
    assert status_of(shipped) == "out_for_delivery"
    assert not TrackingEvent.objects.filter(shipment=shipped, status="in_transit").exists()


def test_advance_may_skip_steps(shipped):
    assert services.advance(shipment_id=shipped.pk, to_status="delivered") is True
    assert status_of(shipped) == "delivered"


def test_a_pending_parcel_cannot_advance(pending_shipment):
    with pytest.raises(IllegalShipmentTransition):
        services.advance(shipment_id=pending_shipment.pk, to_status="in_transit")
    assert status_of(pending_shipment) == "pending"


def test_advance_refuses_an_unknown_status(shipped):
    with pytest.raises(IllegalShipmentTransition):
        services.advance(shipment_id=shipped.pk, to_status="pending")


def test_delivered_is_published_once_with_its_time(shipped, published):
    services.advance(shipment_id=shipped.pk, to_status="delivered")
    services.advance(shipment_id=shipped.pk, to_status="delivered")
    delivered = [p for n, p in published if n == "shipment.delivered"]
    assert len(delivered) == 1
    shipped.refresh_from_db()
    assert delivered[0]["delivered_at"] == shipped.delivered_at.isoformat()
    assert delivered[0]["shipment_id"] == shipped.pk
    assert names(published).count("shipment.delivered") == 1


def test_cancelled_lines_are_not_announced_as_delivered(pending_shipment, published):
    cancelled, kept = pending_shipment.lines.order_by("order_line_id")
    services.remove_line(order_line_id=cancelled.order_line_id)
    services.ship(seller=pending_shipment.seller, shipment_id=pending_shipment.pk, carrier="ups", tracking_number="1")
    services.advance(shipment_id=pending_shipment.pk, to_status="delivered")
    delivered = next(p for n, p in published if n == "shipment.delivered")
    assert delivered["line_ids"] == [kept.order_line_id]
    assert Shipment.objects.get(pk=pending_shipment.pk).status == "delivered"
