"""The selectors load shipments with their lines and tracking events in a fixed number of queries."""

import pytest

from logistics import selectors
from logistics.errors import ShipmentNotFound
from logistics.models import TrackingEvent
from tests.logistics.factories import ShipmentFactory, ShipmentLineFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


def make_order(order_id: str, shipments: int, lines_each: int, events_each: int):
    for _ in range(shipments):
        shipment = ShipmentFactory(order_id=order_id)
        for _ in range(lines_each):
            ShipmentLineFactory(shipment=shipment)
        for status in ["shipped", "in_transit", "out_for_delivery", "delivered"][:events_each]:
            TrackingEvent.objects.create(shipment=shipment, status=status, location="Somewhere")


@pytest.mark.parametrize(("shipments", "lines_each", "events_each"), [(1, 1, 1), (6, 5, 4)])
def test_shipments_for_order_takes_three_queries_whatever_their_number(
    shipments, lines_each, events_each, django_assert_num_queries
):
    make_order("ord_sel", shipments, lines_each, events_each)
    with django_assert_num_queries(3):
        found = selectors.shipments_for_order(order_id="ord_sel")
        assert sum(len(s.lines.all()) for s in found) == shipments * lines_each
        assert sum(len(s.events.all()) for s in found) == shipments * events_each
    assert len(found) == shipments


@pytest.mark.parametrize("orders", [1, 8])
def test_shipments_for_orders_takes_three_queries_whatever_the_number_of_orders(orders, django_assert_num_queries):
    ids = [f"ord_many{i}" for i in range(orders)]
    for order_id in ids:
        make_order(order_id, 2, 3, 2)
    with django_assert_num_queries(3):
        found = selectors.shipments_for_orders(order_ids=[*ids, "ord_none"])
        assert all(len(s.events.all()) == 2 for shipments in found.values() for s in shipments)
    assert found["ord_none"] == []
    assert all(len(found[order_id]) == 2 for order_id in ids)


def test_shipments_for_no_orders_takes_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.shipments_for_orders(order_ids=[]) == {}


def test_tracking_events_come_in_time_order():
    make_order("ord_time", 1, 1, 3)
    (shipment,) = selectors.shipments_for_order(order_id="ord_time")
    assert [e.status for e in shipment.events.all()] == ["shipped", "in_transit", "out_for_delivery"]


def test_shipment_for_seller_refuses_another_sellers_shipment():
    shipment = ShipmentFactory()
    assert selectors.shipment_for_seller(seller=shipment.seller, shipment_id=shipment.pk) == shipment
    with pytest.raises(ShipmentNotFound):
        selectors.shipment_for_seller(seller=SellerFactory(), shipment_id=shipment.pk)
