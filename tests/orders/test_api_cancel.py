"""POST /api/v1/cancel: an item cancelled before it ships; unpaid its hold is released, paid its units
go back on sale and its share is refunded; once shipped it is a 409 item_shipped."""

from decimal import Decimal

import pytest

from inventory.models import Hold
from orders.models import Order, OrderEvent, OrderLine
from payments.models import Payment
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import (
    assert_ledger_balances,
    checkout,
    client_for,
    fill_cart,
    make_shipments,
    pay,
    place_paid,
    ship_lines,
    ship_shipment,
    stock,
)

pytestmark = pytest.mark.django_db


def cancel(client, order_id, product_id, **extra):
    body = {"order": order_id, "product": product_id, "reason": "changed my mind", **extra}
    return client.post("/api/v1/cancel", body, format="json")


@pytest.fixture
def taxed(settings):
    settings.TAX_RATE = "0.08"


@pytest.fixture
def mug():
    return VariantFactory(stock=5, product__price=Decimal("10.00"), price=Decimal("10.00"))


@pytest.fixture
def lamp():
    return VariantFactory(stock=5, product__price=Decimal("25.00"), price=Decimal("25.00"))


def captured(order) -> Payment:
    return Payment.objects.get(pk=order.payment_id)


# --- Unpaid ---------------------------------------------------------------------------------------


def test_cancelling_an_unpaid_item_releases_its_hold_and_reprices_the_order(buyer, buyer_client, mug, lamp):
    fill_cart(buyer, (mug, 2), (lamp, 1))
    order_id = checkout(buyer_client).json()["order"]["id"]

    response = cancel(buyer_client, order_id, mug.product_id)

    assert response.status_code == 200
    body = response.json()
    assert body["order"] == order_id
    assert body["refund"] is None
    assert body["cancelled"] == [OrderLine.objects.get(order_id=order_id, variant=mug).pk]
    assert stock(mug) == (5, 0)
    assert stock(lamp) == (5, 1)
    order = Order.objects.get(pk=order_id)
    assert (order.status, order.subtotal, order.total) == ("pending_payment", Decimal("25.00"), Decimal("29.99"))
    assert pay(buyer_client, order_id).status_code == 200
    order.refresh_from_db()
    assert captured(order).amount == Decimal("29.99")
    assert stock(lamp) == (4, 0)
    assert stock(mug) == (5, 0)
    assert_ledger_balances(mug)


def test_cancelling_every_unpaid_item_cancels_the_order(buyer, buyer_client, mug):
    fill_cart(buyer, (mug, 2))
    order_id = checkout(buyer_client).json()["order"]["id"]

    assert cancel(buyer_client, order_id, mug.product_id).json()["order_status"] == "cancelled"

    order = Order.objects.get(pk=order_id)
    assert order.status == "cancelled"
    assert order.closed_at is not None
    assert not Hold.objects.filter(reference=order_id, status=Hold.Status.ACTIVE).exists()
    assert pay(buyer_client, order_id).json()["code"] == "order_not_payable"


# --- Paid -----------------------------------------------------------------------------------------


def test_cancelling_a_paid_item_returns_its_units_and_refunds_its_share_with_tax(buyer, mug, lamp, taxed):
    order = place_paid(buyer, (mug, 2), (lamp, 1))  # 20.00 + 25.00, tax 3.60, shipping 4.99
    assert stock(mug) == (3, 0)

    response = cancel(client_for(buyer), order.pk, mug.product_id)

    assert response.status_code == 200
    assert response.json()["refund"] == {"amount": "21.60", "status": "succeeded"}
    assert stock(mug) == (5, 0)
    assert_ledger_balances(mug)
    assert captured(order).refunded_amount == Decimal("21.60")
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == ("paid", Decimal("21.60"))
    assert OrderLine.objects.get(order=order, variant=mug).refunded_amount == Decimal("21.60")


def test_cancelling_the_last_item_refunds_the_rest_with_shipping_and_cancels_the_order(buyer, mug, lamp, taxed):
    order = place_paid(buyer, (mug, 2), (lamp, 1))  # total 53.59
    client = client_for(buyer)
    cancel(client, order.pk, mug.product_id)

    response = cancel(client, order.pk, lamp.product_id)

    assert response.json()["refund"] == {"amount": "31.99", "status": "succeeded"}  # 25.00 + 2.00 tax + 4.99
    assert response.json()["order_status"] == "cancelled"
    payment = captured(order)
    assert payment.refunded_amount == payment.amount == Decimal("53.59")
    assert Order.objects.get(pk=order.pk).status == "cancelled"


def test_cancelling_a_paid_item_takes_it_out_of_its_pending_shipment(buyer, mug, lamp):
    order = place_paid(buyer, (mug, 1), (lamp, 1))
    shipments = make_shipments(order)

    cancel(client_for(buyer), order.pk, mug.product_id)

    mug_shipment = next(s for s in shipments if s.seller_id == mug.product.seller_id)
    mug_shipment.refresh_from_db()
    assert mug_shipment.status == "cancelled"


def test_an_item_whose_parcel_shipped_cannot_be_cancelled(buyer, mug):
    order = place_paid(buyer, (mug, 1))
    ship_shipment(make_shipments(order)[0])

    response = cancel(client_for(buyer), order.pk, mug.product_id)

    assert response.status_code == 409
    assert response.json()["code"] == "item_shipped"
    assert response.json()["returns"] == "/api/v1/returns"
    assert stock(mug) == (4, 0)
    assert captured(order).refunded_amount == 0


def test_a_parcel_that_shipped_before_the_orders_app_heard_of_it_still_refuses(buyer, mug):
    order = place_paid(buyer, (mug, 1))
    shipment = make_shipments(order)[0]
    from logistics import services as logistics_services

    logistics_services.ship(seller=shipment.seller, shipment_id=shipment.pk, carrier="ups", tracking_number="1Z")

    response = cancel(client_for(buyer), order.pk, mug.product_id)

    assert response.json()["code"] == "item_shipped"
    assert OrderLine.objects.get(order=order).status == "open"
    assert captured(order).refunded_amount == 0


def test_a_line_marked_shipped_cannot_be_cancelled(buyer, mug):
    order = place_paid(buyer, (mug, 1))
    ship_lines(order, order.lines.get())

    assert cancel(client_for(buyer), order.pk, mug.product_id).json()["code"] == "item_shipped"


def test_cancelling_twice_is_an_illegal_transition_and_refunds_once(buyer, mug, lamp):
    order = place_paid(buyer, (mug, 1), (lamp, 1))
    client = client_for(buyer)
    cancel(client, order.pk, mug.product_id)

    response = cancel(client, order.pk, mug.product_id)

    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert captured(order).refunded_amount == Decimal("10.00")


def test_the_same_cancel_with_one_idempotency_key_is_replayed(buyer, mug, lamp):
    order = place_paid(buyer, (mug, 1), (lamp, 1))
    client = client_for(buyer)
    body = {"order": order.pk, "product": mug.product_id, "reason": "oops"}

    first = client.post("/api/v1/cancel", body, format="json", headers={"Idempotency-Key": "c1"})
    again = client.post("/api/v1/cancel", body, format="json", headers={"Idempotency-Key": "c1"})

    assert again.status_code == first.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"


def test_the_reason_and_refund_instructions_are_kept_in_the_history(buyer, mug, lamp):
    order = place_paid(buyer, (mug, 1), (lamp, 1))

    cancel(client_for(buyer), order.pk, mug.product_id, refundInstructions={"to": "card"})

    event = OrderEvent.objects.get(order=order, kind="item_cancelled")
    assert (event.data["reason"], event.data["refund_instructions"]) == ("changed my mind", {"to": "card"})


# --- Refusals -------------------------------------------------------------------------------------


def test_another_buyer_gets_404_for_cancelling_my_item(buyer, mug):
    order = place_paid(buyer, (mug, 1))

    response = cancel(client_for(UserFactory()), order.pk, mug.product_id)

    assert response.status_code == 404
    assert OrderLine.objects.get(order=order).status == "open"


def test_a_product_not_in_the_order_is_a_404(buyer, mug, lamp):
    order = place_paid(buyer, (mug, 1))

    assert cancel(client_for(buyer), order.pk, lamp.product_id).status_code == 404


def test_an_expired_order_has_nothing_left_to_cancel(buyer, buyer_client, mug):
    fill_cart(buyer, (mug, 1))
    order_id = checkout(buyer_client).json()["order"]["id"]
    Order.objects.filter(pk=order_id).update(status="expired")

    response = cancel(buyer_client, order_id, mug.product_id)

    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"


def test_a_cancel_without_a_reason_is_a_400(buyer, mug):
    order = place_paid(buyer, (mug, 1))

    response = client_for(buyer).post("/api/v1/cancel", {"order": order.pk, "product": mug.product_id}, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
