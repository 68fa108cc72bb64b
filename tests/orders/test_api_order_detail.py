"""GET /api/v1/orders/{id} and GET /api/v1/track/{id}: lines with their status, payments, refunds,
shipments with tracking; only for the order's buyer; constant queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
import pytest

from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import (
    client_for,
    deliver_lines,
    make_shipments,
    place_paid,
    ship_shipment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sellers_order(buyer):
    """A paid order of two lines from two sellers, each with its pending shipment."""
    order = place_paid(buyer, (VariantFactory(stock=5), 1), (VariantFactory(stock=5), 2))
    make_shipments(order)
    return order


def test_detail_shows_lines_payments_refunds_and_shipments(buyer, buyer_client, two_sellers_order):
    order = two_sellers_order
    first = order.lines.order_by("id").first()
    buyer_client.post(
        "/api/v1/cancel", {"order": order.pk, "product": first.product_id, "reason": "changed my mind"}, format="json"
    )

    body = buyer_client.get(f"/api/v1/orders/{order.pk}").json()["order"]

    assert [line["status"] for line in body["lines"]] == ["cancelled", "open"]
    assert [payment["status"] for payment in body["payments"]] == ["succeeded"]
    assert [(refund["amount"], refund["status"]) for refund in body["refunds"]] == [("10.00", "succeeded")]
    assert body["refunded_amount"] == "10.00"
    shipments = {shipment["line_ids"][0] if shipment["line_ids"] else None: shipment for shipment in body["shipments"]}
    assert len(body["shipments"]) == 2
    assert shipments[None]["status"] == "cancelled"
    assert shipments[order.lines.order_by("id").last().pk]["status"] == "pending"


def test_track_shows_products_shipments_events_and_the_latest_eta(buyer_client, two_sellers_order):
    order = two_sellers_order
    first, second = order.lines.order_by("id")
    shipments = make_shipments(order)
    ship_shipment(next(s for s in shipments if s.seller_id == first.seller_id))

    response = buyer_client.get(f"/api/v1/track/{order.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == order.pk
    assert body["status"] == "partially_shipped"
    assert body["ETA"] == max(s.eta for s in shipments).isoformat()
    assert [(p["id"], p["name"], p["quantity"], p["status"]) for p in body["products"]] == [
        (first.product_id, first.product_name, 1, "shipped"),
        (second.product_id, second.product_name, 2, "open"),
    ]
    shipped = next(s for s in body["shipments"] if s["status"] == "shipped")
    assert (shipped["carrier"], shipped["tracking_number"]) == ("ups", "1Z999")
    assert [event["status"] for event in shipped["events"]] == ["shipped"]
    assert {"status", "at", "location"} <= set(shipped["events"][0])


def test_track_of_an_unpaid_order_has_no_eta_and_no_shipments(buyer_client, placed):
    body = buyer_client.get(f"/api/v1/track/{placed['id']}").json()

    assert (body["ETA"], body["shipments"], body["status"]) == (None, [], "pending_payment")


def test_delivered_order_shows_delivered_everywhere(buyer_client, two_sellers_order):
    order = two_sellers_order
    deliver_lines(order, *order.lines.all())

    body = buyer_client.get(f"/api/v1/track/{order.pk}").json()

    assert body["status"] == "delivered"
    assert {p["status"] for p in body["products"]} == {"delivered"}


@pytest.mark.parametrize("path", ["/api/v1/orders/{id}", "/api/v1/track/{id}"])
def test_another_buyer_gets_404_for_the_order_and_its_tracking(two_sellers_order, path):
    response = client_for(UserFactory()).get(path.format(id=two_sellers_order.pk))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def paid_with_lines(n: int):
    buyer = UserFactory()
    order = place_paid(buyer, *[(VariantFactory(stock=5), 1) for _ in range(n)])
    make_shipments(order)
    for shipment in make_shipments(order)[: n // 2 + 1]:
        ship_shipment(shipment)
    return client_for(buyer), order


@pytest.mark.parametrize("path", ["/api/v1/orders/{id}", "/api/v1/track/{id}"])
def test_detail_and_track_queries_do_not_grow_with_lines_or_shipments(path, django_assert_max_num_queries):
    def count(client, order) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path.format(id=order.pk)).status_code == 200
        return len(captured)

    one = count(*paid_with_lines(1))
    six = count(*paid_with_lines(6))

    assert six == one
    client, order = paid_with_lines(3)
    with django_assert_max_num_queries(7):  # order, lines, payments, refunds, shipments, their lines and events
        client.get(path.format(id=order.pk))
