"""Every refund knows what it gives back: goods, tax and shipping adding up to its amount, kept on the claim and
carried by "refund.succeeded" (with the line and its seller when it refunds a line) for the ledger to book."""

from decimal import Decimal

from django.db import transaction
import pytest

from orders import services
from orders.models import Order, OrderRefund
from orders.services.refunds import claim_refund
from payments import services as payment_services
from shop.models import OutboxEvent
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import checkout, client_for, deliver_lines, fill_cart, place_paid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unlimited_holds")]

ZERO = Decimal("0.00")


@pytest.fixture(autouse=True)
def _taxed(settings):
    settings.TAX_RATE = "0.0825"


@pytest.fixture
def mug():
    return VariantFactory(stock=5, product__price=Decimal("10.00"))


@pytest.fixture
def lamp():
    return VariantFactory(stock=5, product__price=Decimal("19.99"))


def breakdown(refund: OrderRefund) -> tuple[Decimal, Decimal, Decimal]:
    return refund.goods_amount, refund.tax_amount, refund.shipping_amount


def adds_up(refund: OrderRefund) -> bool:
    return sum(breakdown(refund), Decimal(0)) == refund.amount


def succeeded_payload(refund: OrderRefund) -> dict:
    return OutboxEvent.objects.get(name="refund.succeeded", payload__order_refund_id=refund.pk).payload


def cancel(order: Order, variant) -> OrderRefund:
    result = services.cancel_item(user=order.buyer, order_id=order.pk, product_id=variant.product_id, reason="r")
    (refund,) = result.refunds
    return OrderRefund.objects.get(pk=refund.pk)


# --- Cancelled lines ------------------------------------------------------------------------------


def test_cancelling_one_line_gives_back_its_total_and_tax_share(buyer, mug, lamp):
    order = place_paid(buyer, (mug, 2), (lamp, 1))  # 20.00 + 19.99, tax 3.30, shipping 4.99

    refund = cancel(order, mug)

    assert (refund.amount, breakdown(refund)) == (Decimal("21.65"), (Decimal("20.00"), Decimal("1.65"), ZERO))


def test_refund_succeeded_carries_a_cancelled_lines_breakdown_and_seller(buyer, mug, lamp):
    order = place_paid(buyer, (mug, 2), (lamp, 1))
    refund = cancel(order, mug)
    line = order.lines.get(variant=mug)

    payload = succeeded_payload(refund)

    assert payload == {
        "order_id": order.pk,
        "buyer_id": buyer.pk,
        "amount": "21.65",
        "refund_id": refund.refund_id,
        "order_refund_id": refund.pk,
        "reason": "cancel",
        "line_id": line.pk,
        "seller_id": line.seller_id,
        "goods": "20.00",
        "tax": "1.65",
        "shipping": "0.00",
    }


def test_cancelling_the_last_line_gives_back_the_rest_of_the_tax_and_the_shipping(buyer, mug, lamp):
    order = place_paid(buyer, (mug, 2), (lamp, 1))
    first = cancel(order, mug)

    last = cancel(order, lamp)

    assert (last.amount, breakdown(last)) == (Decimal("26.63"), (Decimal("19.99"), Decimal("1.65"), Decimal("4.99")))
    assert adds_up(last)
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == ("cancelled", order.total)
    assert first.tax_amount + last.tax_amount == order.tax


def test_the_last_lines_refund_carries_the_shipping(buyer, mug, lamp):
    order = place_paid(buyer, (mug, 2), (lamp, 1))
    cancel(order, mug)
    last = cancel(order, lamp)

    payload = succeeded_payload(last)

    assert (payload["goods"], payload["tax"], payload["shipping"], payload["amount"]) == (
        "19.99",
        "1.65",
        "4.99",
        "26.63",
    )


def test_cancelling_lines_one_by_one_gives_back_exactly_the_orders_money(buyer, settings):
    settings.TAX_RATE = "0.0725"  # tax 0.15: the first line's share (0.075) rounds up, the last one's takes the rest
    variants = [VariantFactory(stock=5, product__price=Decimal("1.00")) for _ in range(2)]
    order = place_paid(buyer, *[(variant, 1) for variant in variants])

    refunds = [cancel(order, variant) for variant in variants]

    order.refresh_from_db()
    assert all(adds_up(refund) for refund in refunds)
    assert [sum(parts) for parts in zip(*(breakdown(r) for r in refunds), strict=True)] == [
        order.subtotal,
        order.tax,
        order.shipping,
    ]


# --- A received return ----------------------------------------------------------------------------


def test_a_received_return_gives_back_the_units_price_and_tax_share(buyer, lamp):
    order = place_paid(buyer, (lamp, 3))  # 59.97, tax 4.95
    line = order.lines.get()
    deliver_lines(order, line)
    ret = services.request_return(user=buyer, order_id=order.pk, product_id=lamp.product_id, quantity=2, reason="x")
    seller = line.seller.user
    services.approve_return(user=seller, return_id=ret.pk)

    result = services.receive_return(user=seller, return_id=ret.pk, resellable=True)

    refund = OrderRefund.objects.get(pk=result.refund.pk)
    assert (refund.amount, breakdown(refund)) == (Decimal("43.28"), (Decimal("39.98"), Decimal("3.30"), ZERO))
    payload = succeeded_payload(refund)
    assert (payload["reason"], payload["line_id"], payload["seller_id"]) == ("return", line.pk, line.seller_id)
    assert (payload["goods"], payload["tax"], payload["shipping"]) == ("39.98", "3.30", "0.00")


# --- A payment that never paid its order ----------------------------------------------------------


def test_a_late_payment_is_given_back_whole_with_no_goods_tax_or_shipping(buyer, mug):
    fill_cart(buyer, (mug, 1))
    order = Order.objects.get(pk=checkout(client_for(buyer)).json()["order"]["id"])
    wrong = payment_services.charge(
        order_id=order.pk,
        amount=order.total + Decimal("5.00"),
        currency=order.currency,
        payment_token="tok_visa",
        attempt_key=f"{order.pk}:1",
    )

    services.settle_payment(order_id=order.pk, payment_id=wrong.pk, amount=wrong.amount)

    refund = OrderRefund.objects.get(payment_id=wrong.pk)
    assert (refund.reason, refund.amount, breakdown(refund)) == ("late_payment", wrong.amount, (ZERO, ZERO, ZERO))
    payload = succeeded_payload(refund)
    assert "line_id" not in payload
    assert "seller_id" not in payload
    assert (payload["amount"], payload["goods"], payload["tax"], payload["shipping"]) == (
        str(wrong.amount),
        "0.00",
        "0.00",
        "0.00",
    )


# --- The cap ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("room", "expected"),
    [
        ("30.00", ("20.00", "5.00", "5.00")),  # nothing to cut
        ("27.00", ("20.00", "5.00", "2.00")),  # shipping gives way first
        ("22.00", ("20.00", "2.00", "0.00")),  # then tax
        ("15.00", ("15.00", "0.00", "0.00")),  # then goods
    ],
)
def test_a_claim_capped_by_what_is_left_gives_up_shipping_then_tax_then_goods(buyer, mug, room, expected):
    order = place_paid(buyer, (mug, 5))
    Order.objects.filter(pk=order.pk).update(refunded_amount=order.total - Decimal(room))
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        claim = claim_refund(
            order=order, goods=Decimal("20.00"), tax=Decimal("5.00"), shipping=Decimal("5.00"), reason="goodwill"
        )

    assert breakdown(claim) == tuple(Decimal(part) for part in expected)
    assert adds_up(claim)
