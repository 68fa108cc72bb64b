"""On "order.paid": one pending shipment per seller, ETA in business days, created once however often delivered."""

import datetime as dt

from django.db import transaction
import pytest

from logistics import events as logistics_events
from logistics import services
from logistics.models import Shipment, ShipmentLine
from shop import events
from tests.accounts.factories import UserFactory
from tests.logistics.conftest import names
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

THURSDAY = "2026-11-26T15:00:00+00:00"


@pytest.fixture
def order_paid():
    buyer = UserFactory()
    first, second = SellerFactory(), SellerFactory()
    return {
        "order_id": "ord_paid1",
        "buyer_id": buyer.pk,
        "shipping_method": "standard",
        "paid_at": THURSDAY,
        "lines": [
            {"line_id": 101, "seller_id": first.pk, "product_name": "Mug", "sku": "MUG-1", "quantity": 2},
            {"line_id": 102, "seller_id": second.pk, "product_name": "Tea", "sku": "TEA-1", "quantity": 1},
            {"line_id": 103, "seller_id": first.pk, "product_name": "Spoon", "sku": "SPN-1", "quantity": 3},
        ],
    }


def test_paid_order_gets_one_pending_shipment_per_seller_with_its_lines(order_paid, published):
    logistics_events.create_shipments_for_paid_order(event_id="evt-1", **order_paid)
    shipments = Shipment.objects.filter(order_id="ord_paid1").order_by("seller_id")
    assert [s.status for s in shipments] == ["pending", "pending"]
    by_seller = {s.seller_id: sorted(s.lines.values_list("order_line_id", flat=True)) for s in shipments}
    first, second = order_paid["lines"][0]["seller_id"], order_paid["lines"][1]["seller_id"]
    assert by_seller == {first: [101, 103], second: [102]}
    assert names(published) == ["shipment.created", "shipment.created"]
    created = {p["seller_id"]: p for _, p in published}
    assert created[first]["line_ids"] == [101, 103]
    assert created[first]["order_id"] == "ord_paid1"
    assert created[first]["buyer_id"] == order_paid["buyer_id"]


def test_eta_is_the_paid_date_plus_handling_and_the_methods_most_business_days_skipping_the_weekend(order_paid):
    # A seller's default handling day, then standard's 5 business days: Thursday 26 → Fri 27 (handling),
    # Mon 30, Tue 1, Wed 2, Thu 3, Fri 4 December.
    logistics_events.create_shipments_for_paid_order(event_id="evt-1", **order_paid)
    assert set(Shipment.objects.values_list("eta", flat=True)) == {dt.date(2026, 12, 4)}


@pytest.mark.parametrize(
    ("paid_on", "method", "eta"),
    [
        (dt.date(2026, 11, 27), "express", dt.date(2026, 12, 1)),  # Friday + 2 → Tuesday
        (dt.date(2026, 11, 28), "express", dt.date(2026, 12, 1)),  # Saturday + 2 → Tuesday
        (dt.date(2026, 11, 29), "standard", dt.date(2026, 12, 4)),  # Sunday + 5 → Friday
        (dt.date(2026, 11, 25), "express", dt.date(2026, 11, 27)),  # Wednesday + 2 → Friday
    ],
)
def test_estimated_delivery_counts_only_weekdays(paid_on, method, eta):
    assert services.estimated_delivery(shipping_method=method, paid_on=paid_on) == eta


def test_order_paid_delivered_twice_creates_the_shipments_once(order_paid, published):
    logistics_events.create_shipments_for_paid_order(event_id="evt-1", **order_paid)
    logistics_events.create_shipments_for_paid_order(event_id="evt-1", **order_paid)
    assert Shipment.objects.filter(order_id="ord_paid1").count() == 2
    assert ShipmentLine.objects.count() == 3
    assert names(published) == ["shipment.created", "shipment.created"]


def test_order_paid_published_twice_through_the_event_bus_creates_the_shipments_once(
    order_paid, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.publish("order.paid", **order_paid)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.publish("order.paid", **order_paid)
    assert Shipment.objects.filter(order_id="ord_paid1").count() == 2
    assert ShipmentLine.objects.count() == 3


def test_order_paid_in_a_rolled_back_transaction_creates_nothing(order_paid, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                events.publish("order.paid", **order_paid)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert not Shipment.objects.exists()


def test_line_removed_before_the_event_is_left_out_of_its_shipment(order_paid):
    services.remove_line(order_line_id=103)
    logistics_events.create_shipments_for_paid_order(event_id="evt-1", **order_paid)
    assert sorted(ShipmentLine.objects.values_list("order_line_id", flat=True)) == [101, 102]


def test_seller_whose_lines_were_all_removed_before_the_event_gets_no_shipment(order_paid):
    services.remove_line(order_line_id=102)
    logistics_events.create_shipments_for_paid_order(event_id="evt-1", **order_paid)
    second = order_paid["lines"][1]["seller_id"]
    assert not Shipment.objects.filter(seller_id=second).exists()
    assert Shipment.objects.count() == 1
