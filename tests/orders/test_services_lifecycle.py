"""The lifecycle of a paid order: lines moved by logistics' events (idempotently), the order's status
derived from them, illegal moves refused, and the events the orders app publishes."""

from decimal import Decimal

import pytest

from orders import events, services
from orders.errors import IllegalTransition
from orders.models import Order, OrderEvent, OrderLine
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import checkout, client_for, deliver_lines, fill_cart, pay, place_paid, ship_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(buyer):
    """A paid order of two lines (two sellers)."""
    return place_paid(buyer, (VariantFactory(stock=5), 1), (VariantFactory(stock=5), 2))


def statuses(order) -> tuple[str, list[str]]:
    order.refresh_from_db()
    return order.status, list(order.lines.order_by("id").values_list("status", flat=True))


def test_the_order_status_follows_its_lines_to_delivered(order):
    first, second = order.lines.order_by("id")

    ship_lines(order, first)
    assert statuses(order) == ("partially_shipped", ["shipped", "open"])
    ship_lines(order, second)
    assert statuses(order) == ("shipped", ["shipped", "shipped"])
    deliver_lines(order, first)
    assert statuses(order) == ("shipped", ["delivered", "shipped"])
    deliver_lines(order, second)
    assert statuses(order) == ("delivered", ["delivered", "delivered"])
    kinds = list(OrderEvent.objects.filter(order=order, kind="status_changed").values_list("to_status", flat=True))
    assert kinds == ["partially_shipped", "shipped", "delivered"]


def test_a_repeated_shipping_event_changes_nothing(order):
    first = order.lines.order_by("id").first()
    ship_lines(order, first)
    history = OrderEvent.objects.filter(order=order).count()

    ship_lines(order, first)

    assert statuses(order) == ("partially_shipped", ["shipped", "open"])
    assert OrderEvent.objects.filter(order=order).count() == history


def test_a_late_shipping_event_does_not_move_a_delivered_line_back(order):
    first = order.lines.order_by("id").first()
    deliver_lines(order, first)

    ship_lines(order, first)

    assert statuses(order)[1][0] == "delivered"


def test_updates_mark_lines_shipped_and_only_the_delivered_event_delivers_them(order):
    first, second = order.lines.order_by("id")

    events.mark_lines_shipped(event_id="e1", order_id=order.pk, status="in_transit", line_ids=[first.pk])
    events.mark_lines_shipped(event_id="e2", order_id=order.pk, status="delivered", line_ids=[second.pk])
    events.mark_lines_shipped(event_id="e3", order_id=order.pk, status="pending", line_ids=[first.pk])

    # "shipment.updated" with status delivered carries no time of delivery: "shipment.delivered" does.
    assert statuses(order) == ("shipped", ["shipped", "shipped"])


def test_the_delivery_time_is_taken_from_the_event(order):
    first = order.lines.order_by("id").first()

    events.mark_lines_delivered(
        event_id="e", order_id=order.pk, line_ids=[first.pk], delivered_at="2026-11-20T10:00:00+00:00"
    )

    first.refresh_from_db()
    assert first.delivered_at.isoformat() == "2026-11-20T10:00:00+00:00"


def test_events_for_an_unknown_order_or_an_unpaid_one_change_nothing(buyer, buyer_client):
    fill_cart(buyer, (VariantFactory(stock=5), 1))
    order_id = checkout(buyer_client).json()["order"]["id"]
    line = OrderLine.objects.get(order_id=order_id)

    events.mark_lines_shipped(event_id="e", order_id="ord_nope", status="shipped", line_ids=[line.pk])
    events.mark_lines_shipped(event_id="e", order_id=order_id, status="shipped", line_ids=[line.pk])

    assert OrderLine.objects.get(pk=line.pk).status == "open"


@pytest.mark.parametrize(
    ("start", "to"),
    [("open", "returned"), ("shipped", "cancelled"), ("delivered", "shipped"), ("cancelled", "shipped")],
)
def test_illegal_line_transitions_are_refused(start, to):
    line = OrderLine(status=start)

    with pytest.raises(IllegalTransition) as refused:
        line.transition(to)

    assert refused.value.code == "illegal_transition"
    assert line.status == start


@pytest.mark.parametrize(
    ("start", "to"),
    [("pending_payment", "shipped"), ("expired", "paid"), ("cancelled", "paid"), ("delivered", "cancelled")],
)
def test_illegal_order_transitions_are_refused(start, to):
    order = Order(status=start)

    with pytest.raises(IllegalTransition):
        order.transition(to)


def test_order_paid_carries_what_shipping_needs(buyer, buyer_client, django_capture_on_commit_callbacks, monkeypatch):
    published = []
    monkeypatch.setattr("orders.services.purchase.publish", lambda name, **payload: published.append((name, payload)))
    variant = VariantFactory(stock=5)
    fill_cart(buyer, (variant, 2))
    order_id = checkout(buyer_client).json()["order"]["id"]

    pay(buyer_client, order_id)

    _name, payload = next(event for event in published if event[0] == "order.paid")
    line = OrderLine.objects.get(order_id=order_id)
    order = Order.objects.get(pk=order_id)
    assert payload == {
        "order_id": order_id,
        "buyer_id": buyer.pk,
        "shipping_method": "standard",
        "shipping_address": order.shipping_address,
        "paid_at": order.paid_at.isoformat(),
        # The money the ledger books (tests/orders/test_money_commission.py checks it adds up).
        "payment_id": order.payment_id, "currency": order.currency, "subtotal": str(order.subtotal),
        "tax": str(order.tax), "shipping": str(order.shipping), "total": str(order.total),
        "lines": [
            {"line_id": line.pk, "seller_id": line.seller_id, "product_id": line.product_id,
             "product_name": line.product_name, "sku": line.sku, "quantity": 2,
             "line_total": str(line.line_total), "commission": str(line.commission),
             "commission_rate": str(line.commission_rate)}
        ],
    }  # fmt: skip


def test_cancel_publishes_item_cancelled_and_order_cancelled(order, monkeypatch):
    published = []
    monkeypatch.setattr("orders.services.lifecycle.publish", lambda name, **payload: published.append((name, payload)))
    first, second = order.lines.order_by("id")

    services.cancel_item(user=order.buyer, order_id=order.pk, product_id=first.product_id, reason="r")
    services.cancel_item(user=order.buyer, order_id=order.pk, product_id=second.product_id, reason="r")

    assert [name for name, _ in published] == ["order.item_cancelled", "order.item_cancelled", "order.cancelled"]
    assert published[0][1] == {
        "order_id": order.pk,
        "buyer_id": order.buyer_id,
        "line_id": first.pk,
        "seller_id": first.seller_id,
        "product_id": first.product_id,
        "quantity": first.quantity,
        "paid": True,
        "refund_amount": "10.00",
    }


def test_a_pending_refund_is_paid_once_by_the_sweep(order, monkeypatch):
    from orders.models import OrderRefund
    from payments.models import Payment

    monkeypatch.setattr("orders.services.lifecycle.pay_refund", lambda order_refund_id: None)
    first = order.lines.order_by("id").first()
    services.cancel_item(user=order.buyer, order_id=order.pk, product_id=first.product_id, reason="r")
    claim = OrderRefund.objects.get()
    assert claim.status == "pending"
    assert Payment.objects.get(pk=order.payment_id).refunded_amount == 0

    assert services.pay_pending_refunds() == 1
    assert services.pay_pending_refunds() == 0

    claim.refresh_from_db()
    assert claim.status == "succeeded"
    assert claim.refund_id
    assert Payment.objects.get(pk=order.payment_id).refunded_amount == Decimal("10.00")


def test_a_claim_whose_money_already_went_out_is_not_paid_again(order, monkeypatch):
    from orders.models import OrderRefund
    from payments import services as payment_services
    from payments.models import Payment

    monkeypatch.setattr("orders.services.lifecycle.pay_refund", lambda order_refund_id: None)
    first = order.lines.order_by("id").first()
    services.cancel_item(user=order.buyer, order_id=order.pk, product_id=first.product_id, reason="r")
    claim = OrderRefund.objects.get()
    # A worker refunded it, then died before recording the answer.
    payment_services.refund(payment_id=claim.payment_id, amount=claim.amount, reason=claim.id)

    services.pay_pending_refunds()

    claim.refresh_from_db()
    assert claim.status == "succeeded"
    assert Payment.objects.get(pk=order.payment_id).refunded_amount == Decimal("10.00")


def test_pay_pending_refunds_task_runs_the_sweep(order):
    from orders import tasks

    assert tasks.pay_pending_refunds.delay().get() == 0
    assert client_for(order.buyer).get(f"/api/v1/orders/{order.pk}").status_code == 200
